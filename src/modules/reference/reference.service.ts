import { asc } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { jpPrefectures, vnProvinces } from './reference.table.ts';

export type Boundaries = '2008' | '2025';

export interface Province {
  code: string;
  boundaries: Boundaries;
  nameVi: string;
  nameEn: string;
  region: string | null;
  code2025: string;
}

export interface Prefecture {
  code: string;
  nameJa: string;
  nameEn: string;
  region: string;
  regionJa: string;
}

/**
 * Reference data is the same on every instance and changes only by migration, so it is read once
 * and kept in memory; lookups on hot paths cost nothing.
 */
export interface ReferenceData {
  provinces: Province[];
  provinceByKey: ReadonlyMap<string, Province>;
  prefectures: Prefecture[];
  prefectureByCode: ReadonlyMap<string, Prefecture>;
}

const keyOf = (code: string, boundaries: Boundaries) => `${boundaries}:${code}`;

/** Reads the provinces (both boundary sets, with the old→new mapping) and the prefectures once. */
export async function loadReference({ db }: { db: Db }): Promise<ReferenceData> {
  const provinceRows = await db.select().from(vnProvinces).orderBy(asc(vnProvinces.code));
  const prefectures: Prefecture[] = await db.select().from(jpPrefectures).orderBy(asc(jpPrefectures.code));
  const provinces = provinceRows.map((p) => ({ ...p, boundaries: p.boundaries as Boundaries }));
  return {
    provinces,
    provinceByKey: new Map(provinces.map((p) => [keyOf(p.code, p.boundaries), p])),
    prefectures,
    prefectureByCode: new Map(prefectures.map((p) => [p.code, p])),
  };
}

/** The provinces of one boundary set, by code. */
export function listProvinces(data: ReferenceData, boundaries: Boundaries): Province[] {
  return data.provinces.filter((p) => p.boundaries === boundaries);
}

export function findProvince(
  data: ReferenceData,
  code: string,
  boundaries: Boundaries,
): Province | undefined {
  return data.provinceByKey.get(keyOf(code, boundaries));
}

/** The 2025 unit that (code, boundaries) lies in; undefined for an unknown code. */
export function province2025Of(
  data: ReferenceData,
  code: string,
  boundaries: Boundaries,
): string | undefined {
  return findProvince(data, code, boundaries)?.code2025;
}

/** The 2008 provinces merged into a 2025 unit (Tây Ninh 80 ← Long An 80, Tây Ninh 72). */
export function provincesMergedInto(data: ReferenceData, code2025: string): Province[] {
  return data.provinces.filter((p) => p.boundaries === '2008' && p.code2025 === code2025);
}

export function findPrefecture(data: ReferenceData, code: string): Prefecture | undefined {
  return data.prefectureByCode.get(code);
}

/** Loads the data once and binds the lookups; other services receive this object as `reference`. */
export async function createReferenceService({ db }: { db: Db }) {
  const data = await loadReference({ db });
  return {
    listProvinces: (boundaries: Boundaries) => listProvinces(data, boundaries),
    province: (code: string, boundaries: Boundaries) => findProvince(data, code, boundaries),
    to2025: (code: string, boundaries: Boundaries) => province2025Of(data, code, boundaries),
    from2025: (code2025: string) => provincesMergedInto(data, code2025),
    listPrefectures: () => data.prefectures,
    prefecture: (code: string) => findPrefecture(data, code),
  };
}

export type ReferenceService = Awaited<ReturnType<typeof createReferenceService>>;
