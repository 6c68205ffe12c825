import { and, eq, like, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../../db/client.ts';
import { readPage } from '../../db/query.ts';
import type { Actor } from '../../lib/actor.ts';
import { conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { keyset } from '../../lib/pagination.ts';
import type { Boundaries, ReferenceService } from '../reference/reference.service.ts';
import type {
  CreateAgreementInput,
  CreateCenterInput,
  CreateHomeEmployerInput,
  CreatePartnerInput,
  UpdateCenterInput,
} from './organisations.schemas.ts';
import { agreements, homeEmployers, partners, trainingCenters } from './organisations.table.ts';

export interface OrganisationDeps {
  db: Db;
  reference: ReferenceService;
}

export type TrainingCenter = typeof trainingCenters.$inferSelect;
export type Partner = typeof partners.$inferSelect;
export type HomeEmployer = typeof homeEmployers.$inferSelect;
export type Agreement = typeof agreements.$inferSelect;

// ── lookups other modules use ─────────────────────────────────────────────────────────────────────

/** The three directories of organisations: each row has an id and a name, and lists by name. */
const DIRECTORIES = {
  center: { table: trainingCenters, what: 'training center' },
  partner: { table: partners, what: 'partner' },
  homeEmployer: { table: homeEmployers, what: 'home employer' },
} as const;
type Kind = keyof typeof DIRECTORIES;
type RowOf<K extends Kind> = (typeof DIRECTORIES)[K]['table']['$inferSelect'];

/** The organisation of that kind, or undefined. */
export async function findOrganisation<K extends Kind>(
  db: DbOrTx,
  kind: K,
  id: string,
): Promise<RowOf<K> | undefined> {
  const { table } = DIRECTORIES[kind] as (typeof DIRECTORIES)['center'];
  const [row] = await db.select().from(table).where(eq(table.id, id));
  return row as RowOf<K> | undefined;
}

/** The organisation of that kind, or 404 ("The training center was not found"). */
export async function getOrganisation<K extends Kind>(db: DbOrTx, kind: K, id: string): Promise<RowOf<K>> {
  const row = await findOrganisation(db, kind, id);
  if (!row) throw notFound(`The ${DIRECTORIES[kind].what}`);
  return row;
}

export const getCenter = (db: DbOrTx, id: string) => getOrganisation(db, 'center', id);
export const getPartner = (db: DbOrTx, id: string) => getOrganisation(db, 'partner', id);
export const getHomeEmployer = (db: DbOrTx, id: string) => getOrganisation(db, 'homeEmployer', id);

/**
 * For an id a client sent in a body: a missing record is bad input (400 naming the field), not a
 * missing URL (404). Returns the row so callers need not read it twice.
 */
export async function assertExists<K extends Kind>(
  db: DbOrTx,
  kind: K,
  id: string,
  path: string,
): Promise<RowOf<K>> {
  const row = await findOrganisation(db, kind, id);
  if (!row) throw validationFailed([{ path, message: `must be an existing ${DIRECTORIES[kind].what}` }]);
  return row;
}

/** The 2025 province of a code a client sent, or 400 naming the field. */
export function requireProvince2025(reference: ReferenceService, code: string, path = 'provinceCode') {
  const p = reference.province(code, '2025');
  if (!p) throw validationFailed([{ path, message: 'must be a province code of the 2025 boundary set' }]);
  return p;
}

/**
 * Initials of the province's Latin name (Tây Ninh → TN, Hồ Chí Minh → HCM); a one-word name gives
 * its first two letters (Huế → HU) because a prefix has at least two.
 */
export function initialsOf(latinName: string): string {
  const words = latinName
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter(Boolean);
  const initials = words.map((w) => w[0]).join('');
  if (initials.length >= 2) return initials.slice(0, 6);
  return (words[0] ?? 'XX').slice(0, 2).padEnd(2, 'X');
}

// ── how each organisation is shown ─────────────────────────────────────────────────────────────────

const province2025Name = (reference: ReferenceService, code: string) =>
  reference.province(code, '2025')?.nameVi ?? null;

export const centerOut = (reference: ReferenceService, r: TrainingCenter) => ({
  ...r,
  provinceName: province2025Name(reference, r.provinceCode),
});

export const partnerOut = (reference: ReferenceService, r: Partner) => ({
  ...r,
  kind: r.kind as CreatePartnerInput['kind'],
  prefectureName: r.prefectureCode ? (reference.prefecture(r.prefectureCode)?.nameJa ?? null) : null,
});

export const homeEmployerOut = (reference: ReferenceService, r: HomeEmployer) => ({
  ...r,
  provinceName: province2025Name(reference, r.provinceCode),
});

export const agreementOut = (reference: ReferenceService, r: Agreement & { partnerName: string }) => ({
  ...r,
  provinceBoundaries: r.provinceBoundaries as Boundaries,
  provinceName: reference.province(r.provinceCode, r.provinceBoundaries as Boundaries)?.nameVi ?? null,
  provinceCode2025: r.province2025,
  kind: r.kind as CreateAgreementInput['kind'],
});

// ── lists ─────────────────────────────────────────────────────────────────────────────────────────

interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

/** Organisations list by name (then id, for equal names). */
const byName = {
  center: keyset([
    { expr: trainingCenters.name, kind: 'text' },
    { expr: trainingCenters.id, kind: 'uuid' },
  ]),
  partner: keyset([
    { expr: partners.name, kind: 'text' },
    { expr: partners.id, kind: 'uuid' },
  ]),
  homeEmployer: keyset([
    { expr: homeEmployers.name, kind: 'text' },
    { expr: homeEmployers.id, kind: 'uuid' },
  ]),
} satisfies Record<Kind, unknown>;

/** A filter of a list: the column equals the value, or no narrowing when the value is not given. */
const equals = (column: AnyPgColumn, value: string | undefined) =>
  value === undefined ? undefined : eq(column, value);

/** One page of a directory by name, narrowed by `filters`. */
async function listDirectory<K extends Kind>(
  db: Db,
  kind: K,
  filters: (SQL | undefined)[],
  q: PageQuery,
): Promise<{ items: RowOf<K>[]; nextCursor: string | null }> {
  const { table } = DIRECTORIES[kind] as (typeof DIRECTORIES)['center'];
  const pager = byName[kind];
  const page = await readPage(pager, q, (after) =>
    db
      .select({ row: table, ...pager.keys })
      .from(table)
      .where(and(...filters, after)),
  );
  return { items: page.items.map((r) => r.row as RowOf<K>), nextCursor: page.nextCursor };
}

export async function listCenters(
  { db, reference }: OrganisationDeps,
  q: PageQuery & { provinceCode?: string | undefined },
) {
  const page = await listDirectory(db, 'center', [equals(trainingCenters.provinceCode, q.provinceCode)], q);
  return { ...page, items: page.items.map((r) => centerOut(reference, r)) };
}

export async function listPartners(
  { db, reference }: OrganisationDeps,
  q: PageQuery & { kind?: string | undefined; prefectureCode?: string | undefined },
) {
  const page = await listDirectory(
    db,
    'partner',
    [equals(partners.kind, q.kind), equals(partners.prefectureCode, q.prefectureCode)],
    q,
  );
  return { ...page, items: page.items.map((r) => partnerOut(reference, r)) };
}

export async function listHomeEmployers(
  { db, reference }: OrganisationDeps,
  q: PageQuery & {
    provinceCode?: string | undefined;
    sector?: string | undefined;
    investorCountry?: string | undefined;
  },
) {
  const page = await listDirectory(
    db,
    'homeEmployer',
    [
      equals(homeEmployers.provinceCode, q.provinceCode),
      equals(homeEmployers.sector, q.sector),
      equals(homeEmployers.investorCountry, q.investorCountry),
    ],
    q,
  );
  return { ...page, items: page.items.map((r) => homeEmployerOut(reference, r)) };
}

/** Latest signed first. */
const agreementPager = keyset([
  { expr: agreements.signedOn, kind: 'date', dir: 'desc' },
  { expr: agreements.id, kind: 'uuid', dir: 'desc' },
]);

export async function listAgreements(
  { db, reference }: OrganisationDeps,
  q: PageQuery & {
    provinceCode?: string | undefined;
    provinceBoundaries: Boundaries;
    partnerId?: string | undefined;
  },
) {
  let provinceFilter: SQL | undefined;
  if (q.provinceCode) {
    if (!reference.province(q.provinceCode, q.provinceBoundaries)) {
      throw validationFailed([
        {
          path: 'provinceCode',
          message: `must be a province code of the ${q.provinceBoundaries} boundary set`,
        },
      ]);
    }
    // A 2025 unit covers the agreements its merged 2008 provinces signed (Long An–Okayama 2023
    // counts for Tây Ninh); a 2008 code asks for that old province exactly.
    provinceFilter =
      q.provinceBoundaries === '2025'
        ? eq(agreements.province2025, q.provinceCode)
        : and(eq(agreements.provinceCode, q.provinceCode), eq(agreements.provinceBoundaries, '2008'));
  }
  const page = await readPage(agreementPager, q, (after) =>
    db
      .select({ agreement: agreements, partnerName: partners.name, ...agreementPager.keys })
      .from(agreements)
      .innerJoin(partners, eq(partners.id, agreements.partnerId))
      .where(and(provinceFilter, equals(agreements.partnerId, q.partnerId), after)),
  );
  return {
    ...page,
    items: page.items.map((r) => agreementOut(reference, { ...r.agreement, partnerName: r.partnerName })),
  };
}

// ── writes (admins only, by route) ───────────────────────────────────────────────────────────────

/** Registers a training center; its serial prefix defaults to the initials of its province. */
export async function createCenter({ db, reference }: OrganisationDeps, input: CreateCenterInput) {
  const province = requireProvince2025(reference, input.provinceCode);
  return db.transaction(async (tx) => {
    // Serials are `<prefix>-<year>-<n>`: two centers sharing a prefix would print colliding
    // serials, so prefixes are handed out one at a time (an advisory lock has no builder form).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('training_centers.serial_prefix'))`);
    const base = input.serialPrefix ?? initialsOf(province.nameEn);
    const taken = new Set(
      (
        await tx
          .selectDistinct({ p: trainingCenters.serialPrefix })
          .from(trainingCenters)
          .where(like(trainingCenters.serialPrefix, `${base.slice(0, 4)}%`))
      ).map((r) => r.p),
    );
    let serialPrefix = input.serialPrefix;
    if (serialPrefix) {
      if (taken.has(serialPrefix)) {
        throw conflict(`The serial prefix ${serialPrefix} is already used by another training center.`, [
          { path: 'serialPrefix', message: 'is already used by another training center' },
        ]);
      }
    } else {
      serialPrefix = freePrefix(base, taken);
    }
    const [row] = await tx
      .insert(trainingCenters)
      .values({ ...input, provinceCode: province.code, serialPrefix })
      .returning();
    return centerOut(reference, row!);
  });
}

/** The initials if free, else the initials with a letter appended (TN, TNA, TNB …). */
function freePrefix(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  const stem = base.slice(0, 5);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    if (!taken.has(stem + c)) return stem + c;
  }
  for (const a of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    for (const b of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
      const p = (stem.slice(0, 4) + a + b).slice(0, 6);
      if (!taken.has(p)) return p;
    }
  }
  throw conflict('Every serial prefix derived from this province is taken; give serialPrefix explicitly.', [
    { path: 'serialPrefix', message: 'is required: no free default is left for this province' },
  ]);
}

export async function createPartner({ db, reference }: OrganisationDeps, input: CreatePartnerInput) {
  if (input.prefectureCode && !reference.prefecture(input.prefectureCode)) {
    throw validationFailed([{ path: 'prefectureCode', message: 'must be a JIS X 0401 code, 01–47' }]);
  }
  const [row] = await db
    .insert(partners)
    .values({
      name: input.name,
      nameJa: input.nameJa ?? null,
      kind: input.kind,
      prefectureCode: input.prefectureCode ?? null,
    })
    .returning();
  return partnerOut(reference, row!);
}

export async function createHomeEmployer(
  { db, reference }: OrganisationDeps,
  input: CreateHomeEmployerInput,
) {
  const province = requireProvince2025(reference, input.provinceCode);
  const [row] = await db
    .insert(homeEmployers)
    .values({ ...input, provinceCode: province.code })
    .returning();
  return homeEmployerOut(reference, row!);
}

/** Records an agreement; the signing province is kept as signed and as the 2025 unit it lies in. */
export async function createAgreement({ db, reference }: OrganisationDeps, input: CreateAgreementInput) {
  const code2025 = reference.to2025(input.provinceCode, input.provinceBoundaries);
  if (!code2025) {
    throw validationFailed([
      {
        path: 'provinceCode',
        message: `must be a province code of the ${input.provinceBoundaries} boundary set`,
      },
    ]);
  }
  const partner = await assertExists(db, 'partner', input.partnerId, 'partnerId');
  const [row] = await db
    .insert(agreements)
    .values({
      provinceCode: input.provinceCode,
      provinceBoundaries: input.provinceBoundaries,
      province2025: code2025,
      partnerId: partner.id,
      kind: input.kind,
      signedOn: input.signedOn,
      fields: input.fields,
      title: input.title ?? null,
    })
    .returning();
  return agreementOut(reference, { ...row!, partnerName: partner.name });
}

/**
 * Binds the deps once. Reads and writes of the directories do not depend on who calls (every
 * signed-in role reads, admins write, as the routes declare), so they take no actor.
 */
/** Sets who signs a center's certificates (and its licence): a center its own, an admin any. */
export async function updateCenter(
  { db, reference }: OrganisationDeps,
  actor: Actor,
  id: string,
  input: UpdateCenterInput,
) {
  if (actor.role === 'center' && actor.trainingCenterId !== id) throw notFound('The training center');
  const [row] = await db.update(trainingCenters).set(input).where(eq(trainingCenters.id, id)).returning();
  if (!row) throw notFound('The training center');
  return centerOut(reference, row);
}

export function createOrganisationService(deps: OrganisationDeps) {
  const { db, reference } = deps;
  return {
    getCenter: (id: string) => getCenter(db, id).then((r) => centerOut(reference, r)),
    getPartner: (id: string) => getPartner(db, id).then((r) => partnerOut(reference, r)),
    getHomeEmployer: (id: string) => getHomeEmployer(db, id).then((r) => homeEmployerOut(reference, r)),
    createCenter: (input: CreateCenterInput) => createCenter(deps, input),
    updateCenter: (actor: Actor, id: string, input: UpdateCenterInput) =>
      updateCenter(deps, actor, id, input),
    listCenters: (q: Parameters<typeof listCenters>[1]) => listCenters(deps, q),
    createPartner: (input: CreatePartnerInput) => createPartner(deps, input),
    listPartners: (q: Parameters<typeof listPartners>[1]) => listPartners(deps, q),
    createHomeEmployer: (input: CreateHomeEmployerInput) => createHomeEmployer(deps, input),
    listHomeEmployers: (q: Parameters<typeof listHomeEmployers>[1]) => listHomeEmployers(deps, q),
    createAgreement: (input: CreateAgreementInput) => createAgreement(deps, input),
    listAgreements: (q: Parameters<typeof listAgreements>[1]) => listAgreements(deps, q),
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
