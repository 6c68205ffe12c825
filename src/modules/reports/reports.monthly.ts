import { and, asc, eq, gte, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { access } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { type ExportSpec, exportParams, term } from '../../lib/spreadsheet.ts';
import { z } from '../../lib/zod.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { placements } from '../placements/placements.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';

/**
 * The monthly list provincial departments file: the workers who departed and who returned in a
 * month, one line per movement (a worker who left and came back in the same month has two). It names
 * people, so every read is audited.
 */

export const monthlyWorkersQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')
    .refine((m) => m >= '1900-01' && m <= '2999-12', { message: 'must be between 1900-01 and 2999-12' })
    .describe('The month, YYYY-MM'),
  ...exportParams,
});
export type MonthlyWorkersQuery = z.infer<typeof monthlyWorkersQuery>;

const MOVEMENTS = ['departed', 'returned'] as const;

const item = z.object({
  movement: z.enum(MOVEMENTS).describe('departed or returned in the month'),
  placementId: z.uuid(),
  candidateCode: z.string(),
  fullName: z.string(),
  dateOfBirth: z.string(),
  nationalId: z.string().nullable(),
  homeProvinceCode: z.string().describe('As recorded, in provinceBoundaries'),
  provinceBoundaries: z.enum(['2025', '2008']),
  homeProvinceName: z.string().nullable(),
  destinationCountry: z.string(),
  prefectureCode: z.string().nullable(),
  prefectureName: z.string().nullable().describe('Japanese name of the host prefecture'),
  employerName: z.string(),
  program: z.string(),
  contractStart: z.string().nullable(),
  contractEnd: z.string().nullable(),
  departedOn: z.string().nullable(),
  returnedOn: z.string().nullable(),
});
export const monthlyWorkersOut = z.object({ month: z.string(), items: z.array(item) });
export type MonthlyWorkersReport = z.infer<typeof monthlyWorkersOut>;
type Item = MonthlyWorkersReport['items'][number];

/** First day of the month and of the next one. */
function monthRange(month: string): [string, string] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return [`${month}-01`, `${next}-01`];
}

export async function monthlyWorkersReport(
  { db, reference }: { db: Db; reference: ReferenceService },
  actor: Actor,
  q: Pick<MonthlyWorkersQuery, 'month' | 'format'>,
): Promise<MonthlyWorkersReport> {
  const [start, end] = monthRange(q.month);
  const inMonth = (column: typeof placements.departedOn | typeof placements.returnedOn) =>
    and(gte(column, start), lt(column, end));
  const rows = await db
    .select({
      placementId: placements.id,
      candidateId: candidates.id,
      candidateCode: candidates.code,
      fullName: candidates.fullName,
      dateOfBirth: candidates.dateOfBirth,
      nationalId: candidates.nationalId,
      homeProvinceCode: candidates.homeProvinceCode,
      provinceBoundaries: candidates.provinceBoundaries,
      destinationCountry: placements.destinationCountry,
      prefectureCode: placements.prefectureCode,
      employerName: placements.employerName,
      program: placements.program,
      contractStart: placements.contractStart,
      contractEnd: placements.contractEnd,
      departedOn: placements.departedOn,
      returnedOn: placements.returnedOn,
    })
    .from(placements)
    .innerJoin(candidates, eq(candidates.id, placements.candidateId))
    // Center: its own trainees; province: its home province; admin: all (src/lib/access.ts).
    .where(and(access.placement(actor), or(inMonth(placements.departedOn), inMonth(placements.returnedOn))))
    .orderBy(asc(candidates.fullName), asc(placements.id));

  const items: Item[] = [];
  for (const movement of MOVEMENTS) {
    for (const r of rows) {
      const day = movement === 'departed' ? r.departedOn : r.returnedOn;
      if (!day || day < start || day >= end) continue;
      const boundaries = r.provinceBoundaries === '2008' ? '2008' : '2025';
      const { candidateId: _, ...rest } = r;
      items.push({
        movement,
        ...rest,
        provinceBoundaries: boundaries,
        homeProvinceName: reference.province(r.homeProvinceCode, boundaries)?.nameVi ?? null,
        prefectureName: r.prefectureCode ? (reference.prefecture(r.prefectureCode)?.nameJa ?? null) : null,
      });
    }
  }
  items.sort(
    (a, b) =>
      MOVEMENTS.indexOf(a.movement) - MOVEMENTS.indexOf(b.movement) ||
      String(a.movement === 'departed' ? a.departedOn : a.returnedOn).localeCompare(
        String(b.movement === 'departed' ? b.departedOn : b.returnedOn),
      ) ||
      a.fullName.localeCompare(b.fullName, 'vi'),
  );

  // Who downloaded whose identities, and in what form: one audit entry per read of the list.
  await recordAudit(db, {
    actorId: actor.id,
    action: 'export_monthly_workers',
    entity: 'disclosure',
    entityId: `monthly-workers:${q.month}`,
    after: {
      month: q.month,
      format: q.format ?? 'json',
      role: actor.role,
      rows: items.length,
      candidateIds: [...new Set(rows.map((r) => r.candidateId))],
    },
  });
  return { month: q.month, items };
}

/** The list as an export; a movement reads Xuất cảnh / Về nước (出国 / 帰国). */
export function monthlyWorkersExport(report: MonthlyWorkersReport): ExportSpec<Item> {
  return {
    report: 'monthly-workers',
    filename: `monthly-workers_${report.month}`,
    filters: [['month', report.month]],
    columns: [
      { key: 'movement', kind: 'text', value: (r, lang) => (lang ? term(r.movement, lang) : r.movement) },
      { key: 'candidateCode', kind: 'code' },
      { key: 'fullName', kind: 'text' },
      { key: 'dateOfBirth', kind: 'date' },
      { key: 'nationalId', kind: 'code' },
      { key: 'homeProvinceCode', kind: 'code' },
      {
        key: 'homeProvinceName',
        kind: 'text',
        value: (r) =>
          r.homeProvinceName && r.provinceBoundaries === '2008'
            ? `${r.homeProvinceName} (2008)`
            : r.homeProvinceName,
      },
      { key: 'destinationCountry', kind: 'label', vocab: 'countries' },
      { key: 'prefectureName', kind: 'text' },
      { key: 'employerName', kind: 'text' },
      { key: 'program', kind: 'label', vocab: 'programs' },
      { key: 'contractStart', kind: 'date' },
      { key: 'contractEnd', kind: 'date' },
      { key: 'departedOn', kind: 'date' },
      { key: 'returnedOn', kind: 'date' },
    ],
    rows: report.items,
  };
}
