import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { candidateInScope, type NullableRow } from '../../db/query.ts';
import { access } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { AppError, badRequest, conflict, notFound } from '../../lib/errors.ts';
import { MAX_PHOTO_BYTES, PhotoError, photoInfo } from '../../pdf/photo.ts';
import { type ProfileData, type ProfileLang, profilesPdf } from '../../pdf/profile.ts';
import { recordAudit, recordDisclosures } from '../audit/audit.service.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { jobOrders } from '../demand/demand.table.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import { placements } from '../placements/placements.table.ts';
import type { Boundaries, ReferenceService } from '../reference/reference.service.ts';
import { courses, enrollments } from '../training/training.table.ts';
import { candidatePhotos } from './documents.table.ts';
import { suggestKana } from './kana.ts';

/**
 * The candidate profile sheet (履歴書) a Japanese employer reads at an interview, and the photo printed
 * on it. Who may print it is `access.candidate`: a center its trainees, an admin anyone, a partner only
 * the candidates it selected (each print by a partner is recorded as a disclosure). The sheet never
 * shows the national ID or the phone, whoever prints it.
 */
export interface ProfileDeps {
  db: Db;
  reference: ReferenceService;
}

/** Stores (or replaces) a candidate's photo after checking that the bytes are a usable JPEG or PNG. */
export async function putCandidatePhoto(
  { db }: ProfileDeps,
  actor: Actor,
  candidateId: string,
  body: Buffer,
) {
  await candidateInScope(db, actor, candidateId);
  if (body.length > MAX_PHOTO_BYTES) {
    throw new AppError(
      413,
      'payload-too-large',
      'Payload Too Large',
      `A photo may be at most ${MAX_PHOTO_BYTES} bytes.`,
    );
  }
  let info: ReturnType<typeof photoInfo>;
  try {
    info = photoInfo(body);
  } catch (err) {
    if (!(err instanceof PhotoError)) throw err;
    if (err.kind === 'unsupported') {
      throw new AppError(
        415,
        'http-415',
        'Unsupported Media Type',
        `${err.message} Send a JPEG or PNG photo.`,
      );
    }
    throw badRequest(err.message, [{ path: 'body', message: 'must be a readable JPEG or PNG image' }]);
  }
  await db.transaction(async (tx) => {
    await tx
      .insert(candidatePhotos)
      .values({ candidateId, ...info, bytes: body })
      .onConflictDoUpdate({
        target: candidatePhotos.candidateId,
        set: { ...info, bytes: body, updatedAt: sql`now()` },
      });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'photo',
      entity: 'candidate',
      entityId: candidateId,
      after: { ...info, bytes: body.length },
    });
  });
}

const profileColumns = {
  id: candidates.id,
  code: candidates.code,
  fullName: candidates.fullName,
  fullNameKana: candidates.fullNameKana,
  dateOfBirth: candidates.dateOfBirth,
  gender: candidates.gender,
  homeProvinceCode: candidates.homeProvinceCode,
  provinceBoundaries: candidates.provinceBoundaries,
  occupationField: candidates.occupationField,
  jlptLevel: candidates.jlptLevel,
  education: candidates.education,
  motivation: candidates.motivation,
  centerName: trainingCenters.name,
  photoBytes: candidatePhotos.bytes,
  photoType: candidatePhotos.contentType,
};

type ProfileRow = NullableRow<typeof profileColumns>;

/** The rows and course history of these candidates, as profile sheets (in the order of `rows`). */
async function toProfiles({ db, reference }: ProfileDeps, rows: ProfileRow[]): Promise<ProfileData[]> {
  const ids = rows.map((r) => r.id as string);
  const history = ids.length
    ? await db
        .select({
          candidateId: enrollments.candidateId,
          name: courses.name,
          startsOn: courses.startsOn,
          endsOn: courses.endsOn,
          outcome: enrollments.outcome,
          score: enrollments.score,
          jlptLevel: enrollments.jlptLevel,
        })
        .from(enrollments)
        .innerJoin(courses, eq(courses.id, enrollments.courseId))
        .where(inArray(enrollments.candidateId, ids))
        .orderBy(asc(courses.startsOn))
    : [];
  const madeOn = todayInVietnam();
  return rows.map((r) => {
    const province = reference.province(r.homeProvinceCode as string, r.provinceBoundaries as Boundaries);
    return {
      madeOn,
      code: r.code as string,
      fullName: r.fullName as string,
      fullNameKana: r.fullNameKana ?? suggestKana(r.fullName as string),
      dateOfBirth: r.dateOfBirth as string,
      gender: r.gender as string,
      homeProvince: province ? `${province.nameVi} (${province.nameEn})` : (r.homeProvinceCode as string),
      occupationField: r.occupationField as string,
      jlptLevel: r.jlptLevel,
      centerName: r.centerName as string,
      education: (r.education ?? []).map((e) => ({ ...e, to: e.to ?? null, note: e.note ?? null })),
      courses: history.filter((h) => h.candidateId === r.id),
      motivation: r.motivation,
      photo: r.photoBytes ? { bytes: r.photoBytes, contentType: r.photoType as string } : null,
    };
  });
}

const selectProfiles = (db: Db) =>
  db
    .select(profileColumns)
    .from(candidates)
    .innerJoin(trainingCenters, eq(trainingCenters.id, candidates.trainingCenterId))
    .leftJoin(candidatePhotos, eq(candidatePhotos.candidateId, candidates.id));

/** One candidate's profile sheet as a PDF. */
export async function candidateProfilePdf(
  deps: ProfileDeps,
  actor: Actor,
  candidateId: string,
  lang: ProfileLang,
) {
  const rows = await selectProfiles(deps.db).where(
    and(eq(candidates.id, candidateId), access.candidate(actor)),
  );
  if (!rows[0]) throw notFound('The candidate');
  const [profile] = await toProfiles(deps, rows);
  await recordDisclosures(deps.db, actor, [{ candidateId, what: `profile sheet (${lang})` }]);
  return { filename: `profile-${profile!.code}-${lang}.pdf`, body: await profilesPdf([profile!], lang) };
}

/** The profile sheets of every candidate selected (and not cancelled) for a job order, as one PDF. */
export async function jobOrderProfilesPdf(
  deps: ProfileDeps,
  actor: Actor,
  jobOrderId: string,
  lang: ProfileLang,
) {
  const [order] = await deps.db
    .select({ id: jobOrders.id })
    .from(jobOrders)
    .where(and(eq(jobOrders.id, jobOrderId), access.jobOrder(actor)));
  if (!order) throw notFound('The job order');
  const rows = await selectProfiles(deps.db)
    .innerJoin(placements, eq(placements.candidateId, candidates.id))
    .where(and(eq(placements.jobOrderId, jobOrderId), ne(placements.status, 'cancelled')))
    .orderBy(asc(placements.createdAt), asc(candidates.id));
  if (rows.length === 0) {
    throw conflict(`Job order ${jobOrderId} has no selected candidates yet; there is no profile to print.`);
  }
  const profiles = await toProfiles(deps, rows);
  await recordDisclosures(
    deps.db,
    actor,
    rows.map((r) => ({
      candidateId: r.id as string,
      what: `profile sheet (${lang}, job order ${jobOrderId})`,
    })),
  );
  return {
    filename: `profiles-${jobOrderId.slice(0, 8)}-${lang}.pdf`,
    body: await profilesPdf(profiles, lang),
  };
}
