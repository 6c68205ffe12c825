import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { candidatePhotos, certificates } from './documents.table.ts';
import { forgetVerifiedCertificates } from './verify-page.ts';

/**
 * Certificates keep a copy of the holder's name and birth date for reprints and verification: after
 * the candidates were anonymised, copy the reduced values, so a verification shows the anonymised
 * name. Answers the ids of the certificates changed.
 */
export async function copyAnonymisedHolders(tx: DbOrTx, candidateIds: readonly string[]): Promise<string[]> {
  if (candidateIds.length === 0) return [];
  const rows = await tx
    .update(certificates)
    .set({ holderName: sql`${candidates.fullName}`, holderBirthDate: sql`${candidates.dateOfBirth}` })
    .from(candidates)
    .where(
      and(eq(candidates.id, certificates.candidateId), inArray(certificates.candidateId, [...candidateIds])),
    )
    .returning({ id: certificates.id });
  // The verification page answers from memory for a few seconds (verify-page.ts): not with the old name.
  if (rows.length > 0) forgetVerifiedCertificates();
  return rows.map((r) => r.id);
}

/** Anonymised candidates keep no photo: it is removed with their name. Answers how many were removed. */
export async function removeAnonymisedPhotos(tx: DbOrTx, candidateIds: readonly string[]): Promise<number> {
  if (candidateIds.length === 0) return 0;
  const rows = await tx
    .delete(candidatePhotos)
    .where(inArray(candidatePhotos.candidateId, [...candidateIds]))
    .returning({ id: candidatePhotos.candidateId });
  return rows.length;
}
