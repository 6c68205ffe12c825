import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { type CenterYearCounters, letterSerialCounters, placementLetters } from './documents.table.ts';

/**
 * The next number of a center's series this year, `<prefix>-2026-000123`, and today's date in
 * Vietnam. The counter row is locked until the transaction ends, so concurrent issuers of one center
 * queue here and each gets the next number; a rolled-back transaction leaves no gap.
 */
export async function nextSerial(
  tx: Tx,
  counters: CenterYearCounters,
  trainingCenterId: string,
  prefix: string,
): Promise<{ serial: string; today: string }> {
  const today = todayInVietnam();
  const year = Number(today.slice(0, 4));
  const [counter] = await tx
    .insert(counters)
    .values({ trainingCenterId, year, last: 1 })
    .onConflictDoUpdate({
      target: [counters.trainingCenterId, counters.year],
      set: { last: sql`${counters.last} + 1` },
    })
    .returning({ last: counters.last });
  return { serial: `${prefix}-${year}-${String(counter!.last).padStart(6, '0')}`, today };
}

/**
 * The number of a placement letter, `<PREFIX>-PL-2026-000123`: per sending center and year, given
 * when the letter is first printed and kept with the placement, so every reprint shows the same one.
 * Numbered like certificates (`nextSerial`): two first prints at once get consecutive numbers and a
 * rollback leaves no gap; two first prints of the same placement at once end with one number (the
 * loser reads the winner's).
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
      const { serial, today: printedOn } = await nextSerial(
        tx,
        letterSerialCounters,
        letter.trainingCenterId,
        `${letter.serialPrefix}-PL`,
      );
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
