import { randomInt } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { readPage } from '../../db/query.ts';
import { access } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import { keyset } from '../../lib/pagination.ts';
import { type CertificateData, certificatePdf, certificatesPdfStream } from '../../pdf/certificate.ts';
import { placementLetterPdf } from '../../pdf/placement-letter.ts';
import { recordAudit, recordDisclosure, recordDisclosures } from '../audit/audit.service.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { jobOrders } from '../demand/demand.table.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import { placements } from '../placements/placements.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { courses, enrollments } from '../training/training.table.ts';
import { certificates, type RevokeCategory, serialCounters } from './documents.table.ts';
import { nextSerial, placementLetterSerial } from './letter-serial.ts';
import { forgetVerifiedCertificates } from './verify-page.ts';

export interface DocumentServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Pick<Config, 'publicUrl'>;
}

type CertificateRow = typeof certificates.$inferSelect;

// Crockford's base32 without I, L, O, U: easy to read off paper and type back.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12; // 60 bits: unguessable, and the public endpoint is rate-limited as well.

function newVerifyCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * What a stranger holding the paper may learn: the family name in full, other names as initials
 * (Nguyễn Văn Đức → Nguyễn V. Đ.). Vietnamese names put the family name first.
 */
export function maskName(fullName: string): string {
  const parts = fullName.normalize('NFC').trim().split(/\s+/).filter(Boolean);
  if (parts.length <= 1) return parts[0] ?? '';
  const segmenter = new Intl.Segmenter('vi', { granularity: 'grapheme' });
  const initial = (part: string) => {
    const first = segmenter.segment(part)[Symbol.iterator]().next().value?.segment ?? '';
    return `${first.toLocaleUpperCase('vi')}.`;
  };
  return [parts[0], ...parts.slice(1).map(initial)].join(' ');
}

const certificatePager = keyset([
  { expr: certificates.createdAt, kind: 'timestamp', dir: 'desc' },
  { expr: certificates.id, kind: 'uuid', dir: 'desc' },
]);

const certificateColumns = {
  certificate: certificates,
  centerName: trainingCenters.name,
  centerProvinceCode: trainingCenters.provinceCode,
  licenseNo: trainingCenters.licenseNo,
  directorName: trainingCenters.directorName,
};

function toOut(c: CertificateRow) {
  return {
    id: c.id,
    serial: c.serial,
    verifyCode: c.verifyCode,
    type: c.type as 'training_completion' | 'orientation',
    enrollmentId: c.enrollmentId,
    candidateId: c.candidateId,
    trainingCenterId: c.trainingCenterId,
    holderName: c.holderName,
    courseName: c.courseName,
    issuedOn: c.issuedOn,
    revoked: c.revokedAt !== null,
    revokedAt: c.revokedAt ? c.revokedAt.toISOString() : null,
    revokeReason: c.revokeReason,
  };
}

type CertificateWithCenter = {
  certificate: CertificateRow;
  centerName: string;
  centerProvinceCode: string;
  licenseNo: string | null;
  directorName: string | null;
};

/** The province's Vietnamese name (a center's code may be of either boundary set). */
function provinceName(reference: ReferenceService, code: string): string {
  return reference.province(code, '2025')?.nameVi ?? reference.province(code, '2008')?.nameVi ?? code;
}

/** What the certificate renderer prints, with the URL its QR code opens. */
function toPrintable(
  { reference, config }: Pick<DocumentServiceDeps, 'reference' | 'config'>,
  row: CertificateWithCenter,
): CertificateData {
  const c = row.certificate;
  return {
    serial: c.serial,
    verifyCode: c.verifyCode,
    verifyUrl: `${config.publicUrl}/verify/${encodeURIComponent(c.serial)}?code=${c.verifyCode}`,
    type: c.type as CertificateData['type'],
    issuedOn: c.issuedOn,
    holderName: c.holderName,
    holderBirthDate: c.holderBirthDate,
    courseName: c.courseName,
    courseKind: c.courseKind,
    courseHours: c.courseHours,
    courseStartsOn: c.courseStartsOn,
    courseEndsOn: c.courseEndsOn,
    score: c.score,
    jlptLevel: c.jlptLevel,
    centerName: row.centerName,
    centerProvince: provinceName(reference, row.centerProvinceCode),
    licenseNo: row.licenseNo,
    directorName: row.directorName,
  };
}

/** Certificates the actor may see (`access.certificate`), with their center, narrowed by `where`. */
function selectVisible<K extends Record<string, SQL>>(
  db: Db,
  actor: Actor,
  where: SQL | undefined,
  keys?: K,
) {
  return db
    .select({ ...certificateColumns, ...(keys ?? ({} as K)) })
    .from(certificates)
    .innerJoin(candidates, eq(candidates.id, certificates.candidateId))
    .innerJoin(trainingCenters, eq(trainingCenters.id, certificates.trainingCenterId))
    .where(and(where, access.certificate(actor)));
}

async function getVisible(db: Db, actor: Actor, id: string) {
  const [row] = await selectVisible(db, actor, eq(certificates.id, id));
  if (!row) throw notFound('The certificate');
  return row;
}

const revokedConflict = (c: CertificateRow) =>
  conflict(
    `Certificate ${c.serial} was revoked on ${c.revokedAt?.toISOString().slice(0, 10)} (${c.revokeReason}); it can no longer be printed.`,
  );

/** The holder of a certificate or placement letter: the candidate (`holderValues` in src/pdf/format.ts). */
const holderColumns = { holderName: candidates.fullName, holderBirthDate: candidates.dateOfBirth };

/** The serial of the enrollment's valid (not revoked) certificate, if it has one. */
export async function validCertificateSerial(db: DbOrTx, enrollmentId: string): Promise<string | undefined> {
  const [valid] = await db
    .select({ serial: certificates.serial })
    .from(certificates)
    .where(and(eq(certificates.enrollmentId, enrollmentId), isNull(certificates.revokedAt)));
  return valid?.serial;
}

/** Issues the certificate of a passed enrollment; the type follows the course kind. */
export async function issueCertificate(
  { db }: Pick<DocumentServiceDeps, 'db'>,
  actor: Actor,
  input: { enrollmentId: string },
) {
  return db.transaction(async (tx) => {
    const [e] = await tx
      .select({
        ...holderColumns,
        outcome: enrollments.outcome,
        score: enrollments.score,
        jlptLevel: enrollments.jlptLevel,
        candidateId: enrollments.candidateId,
        courseName: courses.name,
        courseKind: courses.kind,
        courseHours: courses.hours,
        courseStartsOn: courses.startsOn,
        courseEndsOn: courses.endsOn,
        trainingCenterId: courses.trainingCenterId,
        serialPrefix: trainingCenters.serialPrefix,
      })
      .from(enrollments)
      .innerJoin(courses, eq(courses.id, enrollments.courseId))
      .innerJoin(candidates, eq(candidates.id, enrollments.candidateId))
      .innerJoin(trainingCenters, eq(trainingCenters.id, courses.trainingCenterId))
      // The center that ran the course certifies it; another center's enrollments do not exist for it.
      .where(and(eq(enrollments.id, input.enrollmentId), access.courseWrite(actor)));
    if (!e) throw notFound('The enrollment');
    if (e.outcome !== 'passed') {
      throw conflict(
        e.outcome
          ? `Enrollment ${input.enrollmentId} was recorded as ${e.outcome}; only a passed enrollment gets a certificate.`
          : `Enrollment ${input.enrollmentId} has no result yet; record a pass before issuing a certificate.`,
        [{ path: 'enrollmentId', message: 'is not a passed enrollment' }],
      );
    }
    const existing = await validCertificateSerial(tx, input.enrollmentId);
    if (existing) {
      throw conflict(
        `Enrollment ${input.enrollmentId} already has certificate ${existing}; revoke it first to reissue.`,
        [{ path: 'enrollmentId', message: 'already has a valid certificate' }],
      );
    }
    const { serial, today: issuedOn } = await nextSerial(
      tx,
      serialCounters,
      e.trainingCenterId,
      e.serialPrefix,
    );
    const [created] = await tx
      .insert(certificates)
      .values({
        serial,
        verifyCode: newVerifyCode(),
        type: e.courseKind === 'orientation' ? 'orientation' : 'training_completion',
        enrollmentId: input.enrollmentId,
        candidateId: e.candidateId,
        trainingCenterId: e.trainingCenterId,
        issuedOn,
        issuedBy: actor.id,
        holderName: e.holderName.normalize('NFC'),
        holderBirthDate: e.holderBirthDate,
        courseName: e.courseName,
        courseKind: e.courseKind,
        courseHours: e.courseHours,
        courseStartsOn: e.courseStartsOn,
        courseEndsOn: e.courseEndsOn,
        score: e.score,
        jlptLevel: e.jlptLevel,
      })
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'issue',
      entity: 'certificate',
      entityId: created!.id,
      after: { ...created, verifyCode: undefined },
    });
    return {
      id: created!.id,
      serial: created!.serial,
      verifyCode: created!.verifyCode,
      type: created!.type as 'training_completion' | 'orientation',
    };
  });
}

export async function getCertificate({ db }: Pick<DocumentServiceDeps, 'db'>, actor: Actor, id: string) {
  const row = await getVisible(db, actor, id);
  await recordDisclosure(db, actor, row.certificate.candidateId, `certificate ${row.certificate.serial}`);
  return toOut(row.certificate);
}

export interface CertificateListQuery {
  candidateId?: string | undefined;
  courseId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Certificates within the actor's scope, newest first. */
export async function listCertificates(
  { db }: Pick<DocumentServiceDeps, 'db'>,
  actor: Actor,
  q: CertificateListQuery,
) {
  const page = await readPage(certificatePager, q, (after) =>
    selectVisible(
      db,
      actor,
      and(
        q.candidateId ? eq(certificates.candidateId, q.candidateId) : undefined,
        q.courseId
          ? inArray(
              certificates.enrollmentId,
              db.select({ id: enrollments.id }).from(enrollments).where(eq(enrollments.courseId, q.courseId)),
            )
          : undefined,
        after,
      ),
      certificatePager.keys,
    ),
  );
  // The list shows each holder's name: to a partner, every item is a disclosure like a single read.
  await recordDisclosures(
    db,
    actor,
    page.items.map((r) => ({
      candidateId: r.certificate.candidateId,
      what: `certificate ${r.certificate.serial} (list)`,
    })),
  );
  return { items: page.items.map((r) => toOut(r.certificate)), nextCursor: page.nextCursor };
}

/** One certificate as a PDF; a revoked certificate is not printed again. */
export async function printCertificate(deps: DocumentServiceDeps, actor: Actor, id: string) {
  const row = await getVisible(deps.db, actor, id);
  if (row.certificate.revokedAt) throw revokedConflict(row.certificate);
  await recordDisclosure(
    deps.db,
    actor,
    row.certificate.candidateId,
    `certificate ${row.certificate.serial} (PDF)`,
  );
  return { filename: `${row.certificate.serial}.pdf`, body: await certificatePdf(toPrintable(deps, row)) };
}

/**
 * Many certificates in one PDF. Everything is checked before the first byte is drawn: an id the
 * caller may not see (404) or a revoked certificate (409) prints nothing at all.
 */
export async function printCertificates(
  deps: DocumentServiceDeps,
  actor: Actor,
  ids: string[],
): Promise<Readable> {
  const rows = await selectVisible(deps.db, actor, inArray(certificates.id, ids));
  const byId = new Map(rows.map((r) => [r.certificate.id, r]));
  const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !byId.has(id));
  if (missing.length > 0) {
    throw new AppError(
      404,
      'not-found',
      'Not Found',
      `${missing.length} of the certificates were not found (first: ${missing[0]!.id}); nothing was printed.`,
      missing
        .slice(0, 100)
        .map((m) => ({ path: `ids.${m.i}`, message: 'is not a certificate you can print' })),
    );
  }
  const revoked = rows.filter((r) => r.certificate.revokedAt);
  if (revoked.length > 0) {
    throw conflict(
      `Revoked certificates cannot be printed: ${revoked
        .slice(0, 20)
        .map((r) => r.certificate.serial)
        .join(', ')}${revoked.length > 20 ? ', …' : ''}. Nothing was printed.`,
      revoked.slice(0, 100).map((r) => ({
        path: `ids.${ids.indexOf(r.certificate.id)}`,
        message: `is revoked (${r.certificate.serial})`,
      })),
    );
  }
  await recordDisclosures(
    deps.db,
    actor,
    rows.map((r) => ({
      candidateId: r.certificate.candidateId,
      what: `certificate ${r.certificate.serial} (batch)`,
    })),
  );
  return certificatesPdfStream(ids.map((id) => toPrintable(deps, byId.get(id)!)));
}

/** Withdraws a certificate: only the issuing center (or an admin) may withdraw what it issued. */
export async function revokeCertificate(
  { db }: Pick<DocumentServiceDeps, 'db'>,
  actor: Actor,
  id: string,
  reason: string,
  category: RevokeCategory = 'other',
) {
  const revoked = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ certificate: certificates })
      .from(certificates)
      .where(and(eq(certificates.id, id), access.certificateWrite(actor)))
      .for('update');
    if (!row) throw notFound('The certificate');
    const before = row.certificate;
    if (before.revokedAt) throw conflict(`Certificate ${before.serial} is already revoked.`);
    const [after] = await tx
      .update(certificates)
      .set({ revokedAt: new Date(), revokeReason: reason, revokeCategory: category })
      .where(eq(certificates.id, id))
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'revoke',
      entity: 'certificate',
      entityId: id,
      before: { revokedAt: null, revokeReason: null },
      after: {
        revokedAt: after!.revokedAt,
        revokeReason: reason,
        revokeCategory: category,
        serial: after!.serial,
      },
    });
    return toOut(after!);
  });
  // After the commit: the verification page must not answer from what it read before (verify-page.ts).
  forgetVerifiedCertificates();
  return revoked;
}

/** The bilingual (vi/ja) placement letter, for those who may print the placement's documents. */
export async function printPlacementLetter(
  { db, reference }: Pick<DocumentServiceDeps, 'db' | 'reference'>,
  actor: Actor,
  placementId: string,
) {
  const [p] = await db
    .select({
      id: placements.id,
      destinationCountry: placements.destinationCountry,
      prefectureCode: placements.prefectureCode,
      municipality: placements.municipality,
      employerName: placements.employerName,
      program: placements.program,
      field: placements.field,
      contractStart: placements.contractStart,
      contractEnd: placements.contractEnd,
      monthlyWageJpy: placements.monthlyWageJpy,
      employerNameLatin: placements.employerNameLatin,
      departedOn: placements.departedOn,
      departureBy: jobOrders.departureBy,
      ...holderColumns,
      candidateId: candidates.id,
      candidateCode: candidates.code,
      centerName: trainingCenters.name,
      centerProvinceCode: trainingCenters.provinceCode,
      centerId: trainingCenters.id,
      serialPrefix: trainingCenters.serialPrefix,
    })
    .from(placements)
    .innerJoin(candidates, eq(candidates.id, placements.candidateId))
    .innerJoin(trainingCenters, eq(trainingCenters.id, candidates.trainingCenterId))
    .leftJoin(jobOrders, eq(jobOrders.id, placements.jobOrderId))
    .where(and(eq(placements.id, placementId), access.placementDocument(actor)));
  if (!p) throw notFound('The placement');
  await recordDisclosure(db, actor, p.candidateId, `placement letter ${p.id}`);
  const prefecture = p.prefectureCode ? reference.prefecture(p.prefectureCode) : undefined;
  const letterRef = await placementLetterSerial(db, {
    placementId: p.id,
    trainingCenterId: p.centerId,
    serialPrefix: p.serialPrefix,
    actorId: actor.id,
  });
  const body = await placementLetterPdf({
    reference: letterRef,
    issuedOn: todayInVietnam(),
    holderName: p.holderName,
    holderBirthDate: p.holderBirthDate,
    candidateCode: p.candidateCode,
    destinationCountry: p.destinationCountry,
    prefectureJa: prefecture?.nameJa ?? null,
    prefectureEn: prefecture?.nameEn ?? null,
    municipality: p.municipality,
    employerName: p.employerName,
    program: p.program,
    field: p.field,
    contractStart: p.contractStart,
    contractEnd: p.contractEnd,
    monthlyWageJpy: p.monthlyWageJpy,
    employerNameLatin: p.employerNameLatin,
    departedOn: p.departedOn,
    plannedDeparture: p.departureBy,
    centerName: p.centerName,
    centerProvince: provinceName(reference, p.centerProvinceCode),
  });
  return { filename: `placement-letter-${letterRef}.pdf`, body };
}

/** Binds the deps once; routes call `app.services.documents.revoke(actor, id, reason)`. */
export function createDocumentService(deps: DocumentServiceDeps) {
  return {
    issue: (actor: Actor, input: { enrollmentId: string }) => issueCertificate(deps, actor, input),
    get: (actor: Actor, id: string) => getCertificate(deps, actor, id),
    list: (actor: Actor, q: CertificateListQuery) => listCertificates(deps, actor, q),
    pdf: (actor: Actor, id: string) => printCertificate(deps, actor, id),
    batch: (actor: Actor, ids: string[]) => printCertificates(deps, actor, ids),
    revoke: (actor: Actor, id: string, reason: string, category?: RevokeCategory) =>
      revokeCertificate(deps, actor, id, reason, category),
    placementLetter: (actor: Actor, placementId: string) => printPlacementLetter(deps, actor, placementId),
  };
}

export type DocumentService = ReturnType<typeof createDocumentService>;
