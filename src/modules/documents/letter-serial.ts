import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { letterSerialCounters, placementLetters } from './documents.table.ts';

/**
 * The number of a placement letter, `<PREFIX>-PL-2026-000123`: per sending center and year, given
 * when the letter is first printed and kept with the placement, so every reprint shows the same one.
 * Numbered like certificates (see `issue` in documents.service.ts): the counter row stays locked until
 * the transaction ends, so two first prints at once get consecutive numbers and a rollback leaves no gap;
 * two first prints of the same placement at once end with one number (the loser reads the winner's).
 */
export async function placementLetterSerial(
  db: Db,
  letter: { placementId: string; trainingCenterId: string; serialPrefix: string; actorId: string },
): Promise<string> {
  const [existing] = await db
    .select({ serial: placementLetters.serial })
    .from(placementLetters)
    .where(eq(placementLetters.placementId, letter.placementId));
  if (existing) return existing.serial;
  return db
    .transaction(async (tx) => {
      const printedOn = todayInVietnam();
      const year = Number(printedOn.slice(0, 4));
      const [counter] = await tx
        .insert(letterSerialCounters)
        .values({ trainingCenterId: letter.trainingCenterId, year, last: 1 })
        .onConflictDoUpdate({
          target: [letterSerialCounters.trainingCenterId, letterSerialCounters.year],
          set: { last: sql`${letterSerialCounters.last} + 1` },
        })
        .returning({ last: letterSerialCounters.last });
      const serial = `${letter.serialPrefix}-PL-${year}-${String(counter!.last).padStart(6, '0')}`;
      const [stored] = await tx
        .insert(placementLetters)
        .values({
          placementId: letter.placementId,
          serial,
          trainingCenterId: letter.trainingCenterId,
          firstPrintedOn: printedOn,
          firstPrintedBy: letter.actorId,
        })
        .onConflictDoNothing({ target: placementLetters.placementId })
        .returning({ serial: placementLetters.serial });
      if (stored) return stored.serial;
      // Printed first by someone else meanwhile: theirs stands. Throwing rolls our number back.
      throw new LetterNumberedMeanwhile();
    })
    .catch(async (err: unknown) => {
      if (!(err instanceof LetterNumberedMeanwhile)) throw err;
      const [row] = await db
        .select({ serial: placementLetters.serial })
        .from(placementLetters)
        .where(eq(placementLetters.placementId, letter.placementId));
      return row!.serial;
    });
}

class LetterNumberedMeanwhile extends Error {}
