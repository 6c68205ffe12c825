import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { decodeCursor, pageOf } from '../../lib/pagination.ts';
import type { Boundaries, ReferenceService } from '../reference/reference.service.ts';
import type {
  CreateAgreementInput,
  CreateCenterInput,
  CreateHomeEmployerInput,
  CreatePartnerInput,
} from './organisations.schemas.ts';
import { agreements, homeEmployers, partners, trainingCenters } from './organisations.table.ts';

export interface OrganisationServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

export type TrainingCenter = typeof trainingCenters.$inferSelect;
export type Partner = typeof partners.$inferSelect;
export type HomeEmployer = typeof homeEmployers.$inferSelect;
export type Agreement = typeof agreements.$inferSelect;

// ── lookups other modules use ─────────────────────────────────────────────────────────────────────

/** The training center, or undefined. */
export async function findCenter(db: DbOrTx, id: string): Promise<TrainingCenter | undefined> {
  const [row] = await db.select().from(trainingCenters).where(eq(trainingCenters.id, id));
  return row;
}

/** The training center, or 404. */
export async function getCenter(db: DbOrTx, id: string): Promise<TrainingCenter> {
  const row = await findCenter(db, id);
  if (!row) throw notFound('The training center');
  return row;
}

export async function findPartner(db: DbOrTx, id: string): Promise<Partner | undefined> {
  const [row] = await db.select().from(partners).where(eq(partners.id, id));
  return row;
}

export async function getPartner(db: DbOrTx, id: string): Promise<Partner> {
  const row = await findPartner(db, id);
  if (!row) throw notFound('The partner');
  return row;
}

export async function findHomeEmployer(db: DbOrTx, id: string): Promise<HomeEmployer | undefined> {
  const [row] = await db.select().from(homeEmployers).where(eq(homeEmployers.id, id));
  return row;
}

export async function getHomeEmployer(db: DbOrTx, id: string): Promise<HomeEmployer> {
  const row = await findHomeEmployer(db, id);
  if (!row) throw notFound('The home employer');
  return row;
}

const FINDERS = {
  center: { find: findCenter, what: 'training center' },
  partner: { find: findPartner, what: 'partner' },
  homeEmployer: { find: findHomeEmployer, what: 'home employer' },
} as const;

/**
 * For an id a client sent in a body: a missing record is bad input (400 naming the field), not a
 * missing URL (404). Returns the row so callers need not read it twice.
 */
export async function assertExists<K extends keyof typeof FINDERS>(
  db: DbOrTx,
  kind: K,
  id: string,
  path: string,
): Promise<NonNullable<Awaited<ReturnType<(typeof FINDERS)[K]['find']>>>> {
  const { find, what } = FINDERS[kind];
  const row = await find(db, id);
  if (!row) throw validationFailed([{ path, message: `must be an existing ${what}` }]);
  return row as NonNullable<Awaited<ReturnType<(typeof FINDERS)[K]['find']>>>;
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

// ── the service ───────────────────────────────────────────────────────────────────────────────────

export function createOrganisationService({ db, reference }: OrganisationServiceDeps) {
  const province2025Name = (code: string) => reference.province(code, '2025')?.nameVi ?? null;

  function requireProvince2025(code: string, path = 'provinceCode') {
    const p = reference.province(code, '2025');
    if (!p) throw validationFailed([{ path, message: 'must be a province code of the 2025 boundary set' }]);
    return p;
  }

  const centerOut = (r: TrainingCenter) => ({ ...r, provinceName: province2025Name(r.provinceCode) });
  const partnerOut = (r: Partner) => ({
    ...r,
    kind: r.kind as CreatePartnerInput['kind'],
    prefectureName: r.prefectureCode ? (reference.prefecture(r.prefectureCode)?.nameJa ?? null) : null,
  });
  const homeEmployerOut = (r: HomeEmployer) => ({ ...r, provinceName: province2025Name(r.provinceCode) });
  const agreementOut = (r: Agreement & { partnerName: string }) => ({
    ...r,
    provinceBoundaries: r.provinceBoundaries as Boundaries,
    provinceName: reference.province(r.provinceCode, r.provinceBoundaries as Boundaries)?.nameVi ?? null,
    provinceCode2025: r.province2025,
    kind: r.kind as CreateAgreementInput['kind'],
  });

  /** Cursor condition for lists ordered by (name, id). */
  function afterName(
    table: typeof trainingCenters | typeof partners | typeof homeEmployers,
    cursor?: string,
  ) {
    const key = decodeCursor(cursor, 2);
    return key ? sql`(${table.name}, ${table.id}) > (${String(key[0])}, ${String(key[1])}::uuid)` : undefined;
  }

  return {
    getCenter: (id: string) => getCenter(db, id).then(centerOut),
    getPartner: (id: string) => getPartner(db, id).then(partnerOut),
    getHomeEmployer: (id: string) => getHomeEmployer(db, id).then(homeEmployerOut),

    async createCenter(input: CreateCenterInput) {
      const province = requireProvince2025(input.provinceCode);
      return db.transaction(async (tx) => {
        // Serials are `<prefix>-<year>-<n>`: two centers sharing a prefix would print colliding
        // serials, so prefixes are handed out one at a time.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('training_centers.serial_prefix'))`);
        const base = input.serialPrefix ?? initialsOf(province.nameEn);
        const taken = new Set(
          (
            await tx
              .selectDistinct({ p: trainingCenters.serialPrefix })
              .from(trainingCenters)
              .where(sql`${trainingCenters.serialPrefix} like ${`${base.slice(0, 4)}%`}`)
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
          .values({
            name: input.name,
            provinceCode: province.code,
            licenseNo: input.licenseNo ?? null,
            serialPrefix,
          })
          .returning();
        return centerOut(row!);
      });
    },

    async listCenters(q: { provinceCode?: string; limit: number; cursor?: string }) {
      const rows = await db
        .select()
        .from(trainingCenters)
        .where(
          and(
            q.provinceCode ? eq(trainingCenters.provinceCode, q.provinceCode) : undefined,
            afterName(trainingCenters, q.cursor),
          ),
        )
        .orderBy(asc(trainingCenters.name), asc(trainingCenters.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => [r.name, r.id]);
      return { ...page, items: page.items.map(centerOut) };
    },

    async createPartner(input: CreatePartnerInput) {
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
      return partnerOut(row!);
    },

    async listPartners(q: { kind?: string; prefectureCode?: string; limit: number; cursor?: string }) {
      const rows = await db
        .select()
        .from(partners)
        .where(
          and(
            q.kind ? eq(partners.kind, q.kind) : undefined,
            q.prefectureCode ? eq(partners.prefectureCode, q.prefectureCode) : undefined,
            afterName(partners, q.cursor),
          ),
        )
        .orderBy(asc(partners.name), asc(partners.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => [r.name, r.id]);
      return { ...page, items: page.items.map(partnerOut) };
    },

    async createHomeEmployer(input: CreateHomeEmployerInput) {
      const province = requireProvince2025(input.provinceCode);
      const [row] = await db
        .insert(homeEmployers)
        .values({
          name: input.name,
          provinceCode: province.code,
          industrialPark: input.industrialPark ?? null,
          sector: input.sector,
          investorCountry: input.investorCountry,
        })
        .returning();
      return homeEmployerOut(row!);
    },

    async listHomeEmployers(q: {
      provinceCode?: string;
      sector?: string;
      investorCountry?: string;
      limit: number;
      cursor?: string;
    }) {
      const rows = await db
        .select()
        .from(homeEmployers)
        .where(
          and(
            q.provinceCode ? eq(homeEmployers.provinceCode, q.provinceCode) : undefined,
            q.sector ? eq(homeEmployers.sector, q.sector) : undefined,
            q.investorCountry ? eq(homeEmployers.investorCountry, q.investorCountry) : undefined,
            afterName(homeEmployers, q.cursor),
          ),
        )
        .orderBy(asc(homeEmployers.name), asc(homeEmployers.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => [r.name, r.id]);
      return { ...page, items: page.items.map(homeEmployerOut) };
    },

    async createAgreement(input: CreateAgreementInput) {
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
      return agreementOut({ ...row!, partnerName: partner.name });
    },

    async listAgreements(q: {
      provinceCode?: string;
      provinceBoundaries: Boundaries;
      partnerId?: string;
      limit: number;
      cursor?: string;
    }) {
      const key = decodeCursor(q.cursor, 2);
      let provinceFilter: ReturnType<typeof eq> | undefined;
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
      const rows = await db
        .select({ agreement: agreements, partnerName: partners.name })
        .from(agreements)
        .innerJoin(partners, eq(partners.id, agreements.partnerId))
        .where(
          and(
            provinceFilter,
            q.partnerId ? eq(agreements.partnerId, q.partnerId) : undefined,
            key
              ? sql`(${agreements.signedOn}, ${agreements.id}) < (${String(key[0])}::date, ${String(key[1])}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(agreements.signedOn), desc(agreements.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => [r.agreement.signedOn, r.agreement.id]);
      return {
        ...page,
        items: page.items.map((r) => agreementOut({ ...r.agreement, partnerName: r.partnerName })),
      };
    },
  };
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

export type OrganisationService = ReturnType<typeof createOrganisationService>;
