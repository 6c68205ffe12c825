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
export async function createReferenceService({ db }: { db: Db }) {
  const provinceRows = await db.select().from(vnProvinces).orderBy(asc(vnProvinces.code));
  const prefectureRows = await db.select().from(jpPrefectures).orderBy(asc(jpPrefectures.code));
  const provinces = provinceRows.map((p) => ({ ...p, boundaries: p.boundaries as Boundaries }));
  const byKey = new Map(provinces.map((p) => [`${p.boundaries}:${p.code}`, p]));
  const prefectures: Prefecture[] = prefectureRows;
  const prefectureByCode = new Map(prefectures.map((p) => [p.code, p]));

  return {
    listProvinces(boundaries: Boundaries): Province[] {
      return provinces.filter((p) => p.boundaries === boundaries);
    },
    province(code: string, boundaries: Boundaries): Province | undefined {
      return byKey.get(`${boundaries}:${code}`);
    },
    /** The 2025 unit that (code, boundaries) lies in; undefined for an unknown code. */
    to2025(code: string, boundaries: Boundaries): string | undefined {
      return byKey.get(`${boundaries}:${code}`)?.code2025;
    },
    /** The 2008 provinces merged into a 2025 unit (Tây Ninh 80 ← Long An 80, Tây Ninh 72). */
    from2025(code2025: string): Province[] {
      return provinces.filter((p) => p.boundaries === '2008' && p.code2025 === code2025);
    },
    listPrefectures(): Prefecture[] {
      return prefectures;
    },
    prefecture(code: string): Prefecture | undefined {
      return prefectureByCode.get(code);
    },
  };
}

export type ReferenceService = Awaited<ReturnType<typeof createReferenceService>>;
