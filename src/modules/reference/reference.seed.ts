import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { jpPrefectures, vnProvinces } from './reference.table.ts';

// Copied from ../shared/reference (sources in the README); read at start-up, never from ../shared.
const dataDir = new URL('./data/', import.meta.url);

function readCsv(name: string): Record<string, string>[] {
  return parse(readFileSync(new URL(name, dataDir), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    trim: true,
  });
}

export function referenceRows() {
  const mapping = new Map(readCsv('vn-province-merger-2025.csv').map((r) => [r.old_code!, r.new_code!]));
  const provinces2008 = readCsv('vn-provinces-2008.csv').map((r) => {
    const code2025 = mapping.get(r.code!);
    if (!code2025) throw new Error(`province ${r.code} (2008) has no 2025 unit in the merger mapping`);
    return {
      code: r.code!,
      boundaries: '2008',
      nameVi: r.name_vi!.normalize('NFC'),
      nameEn: r.name_en!,
      region: r.region || null,
      unitType: r.unit_type!,
      code2025,
    };
  });
  const provinces2025 = readCsv('vn-provinces-2025.csv').map((r) => ({
    code: r.code!,
    boundaries: '2025',
    nameVi: r.name_vi!.normalize('NFC'),
    nameEn: r.name_en!,
    region: null,
    unitType: r.unit_type!,
    code2025: r.code!,
  }));
  const prefectures = readCsv('jp-prefectures.csv').map((r) => ({
    code: r.code!,
    nameJa: r.name_ja!,
    nameEn: r.name_en!,
    region: r.region!,
    regionJa: r.region_ja!,
  }));
  return { provinces: [...provinces2008, ...provinces2025], prefectures };
}

/** Upserts the reference data; safe to run at every start. */
export async function loadReferenceData(db: DbOrTx): Promise<void> {
  const { provinces, prefectures } = referenceRows();
  await db.transaction(async (tx) => {
    await tx
      .insert(vnProvinces)
      .values(provinces)
      .onConflictDoUpdate({
        target: [vnProvinces.code, vnProvinces.boundaries],
        set: {
          nameVi: sql`excluded.name_vi`,
          nameEn: sql`excluded.name_en`,
          region: sql`excluded.region`,
          unitType: sql`excluded.unit_type`,
          code2025: sql`excluded.code_2025`,
        },
      });
    await tx
      .insert(jpPrefectures)
      .values(prefectures)
      .onConflictDoUpdate({
        target: jpPrefectures.code,
        set: {
          nameJa: sql`excluded.name_ja`,
          nameEn: sql`excluded.name_en`,
          region: sql`excluded.region`,
          regionJa: sql`excluded.region_ja`,
        },
      });
  });
}
