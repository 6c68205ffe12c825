import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { naiveProvinceShare, naiveReintegration } from '../scripts/bench/reports.ts';
import { queryRows } from '../src/db/query.ts';
import * as schema from '../src/db/schema.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors, nationalId } from './helpers/seed.ts';

let t: TestApp;
let centerId: string;
let employerId: string;
const admin = actors.admin();

const get = async (url: string) => {
  const res = await t.request({ method: 'GET', url, as: admin });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

/** A small deterministic random source, so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}
const rand = rng(20260101);
const pickOf = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
const day = (from: string, spanDays: number) => {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + Math.floor(rand() * spanDays));
  return d.toISOString().slice(0, 10);
};

/** The report's rows in the naive oracle's shape. */
const asOracle = (
  rows: { provinceCode: string; attributable: boolean; departedTotal: number; departedJapan: number }[],
) =>
  rows.map((r) => ({
    code: r.provinceCode,
    attributable: r.attributable,
    total: r.departedTotal,
    japan: r.departedJapan,
  }));

async function expectMatchesOracle(
  from: string,
  to: string,
  boundaries: '2025' | '2008',
  filters: Record<string, string> = {},
) {
  const query = new URLSearchParams({ from, to, boundaries, ...filters });
  const report = await get(`/reports/province-share?${query}`);
  const naive = await queryRows<{ total: number }>(
    t.database.db,
    naiveProvinceShare({ from, to, boundaries, ...filters }),
  );
  expect(asOracle(report.rows), `${query}`).toEqual(naive);
  const sum = naive.reduce((acc, r) => acc + r.total, 0);
  expect(report.totals.departedTotal).toBe(sum);
}

/** Rollup tables equal what reports_rebuild() computes from the raw tables. */
async function expectRollupsEqualRebuild() {
  const snapshot = async () =>
    Promise.all(
      [
        sql`select * from report_placement_facts order by placement_id`,
        sql`select * from report_departure_rollup where departed <> 0 order by 1, 2, 3, 4, 5, 6, 7, 8`,
        sql`select * from report_prefecture_rollup where departed <> 0 order by 1, 2, 3, 4, 5, 6`,
        sql`select * from report_return_rollup where returned <> 0 or reintegrated <> 0 order by 1, 2, 3, 4, 5, 6, 7, 8`,
        sql`select * from report_pipeline_rollup where candidates <> 0 order by 1, 2, 3`,
        sql`select * from report_departure_totals where departed <> 0 order by 1, 2, 3, 4, 5`,
        sql`select * from report_prefecture_totals where departed <> 0 order by 1, 2, 3`,
        sql`select * from report_return_totals where returned <> 0 or reintegrated <> 0 order by 1, 2, 3, 4, 5`,
      ].map((q) => queryRows(t.database.db, q)),
    );
  const live = await snapshot();
  await t.database.db.execute(sql`select reports_rebuild()`);
  const rebuilt = await snapshot();
  expect(live).toEqual(rebuilt);
}

const PROVINCES: [string, '2008' | '2025'][] = [
  ['80', '2008'],
  ['72', '2008'],
  ['80', '2025'],
  ['40', '2008'],
  ['40', '2025'],
  ['24', '2008'],
  ['27', '2008'],
  ['24', '2025'],
  ['42', '2025'],
];

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center()).id;
  employerId = (await t.seed.homeEmployer()).id;
  const reference = t.app.services.reference;

  // 240 placements over 2014–2016, written straight to the tables as any module might.
  const candidates = PROVINCES.flatMap(([code, boundaries]) =>
    Array.from({ length: 30 }, () => ({
      fullName: 'Phạm Thị Hoa',
      nameSearch: 'pham thi hoa',
      dateOfBirth: '1999-09-09',
      gender: pickOf(['male', 'female'] as const),
      nationalId: nationalId(),
      homeProvinceCode: code,
      provinceBoundaries: boundaries,
      homeProvince2025: reference.to2025(code, boundaries)!,
      occupationField: 'construction',
      trainingCenterId: centerId,
    })),
  ).slice(0, 240);
  const inserted = await t.database.db
    .insert(schema.candidates)
    .values(candidates)
    .returning({ id: schema.candidates.id });
  await t.database.db.insert(schema.placements).values(
    inserted.map(({ id }) => {
      const destinationCountry = pickOf(['JP', 'JP', 'JP', 'TW', 'KR', 'DE']);
      const departedOn = rand() < 0.9 ? day('2014-01-01', 365 * 3) : null;
      const returnedOn = departedOn && rand() < 0.4 ? day(departedOn, 200) : null;
      return {
        candidateId: id,
        destinationCountry,
        prefectureCode: destinationCountry === 'JP' ? pickOf(['23', '33', '13']) : null,
        employerName: 'Công ty',
        program: destinationCountry === 'JP' ? pickOf(['titp_1', 'ssw_1']) : 'other',
        field: pickOf(['construction', 'agriculture', 'nursing_care']),
        status: (returnedOn ? 'returned' : departedOn ? 'departed' : 'planned') as
          | 'returned'
          | 'departed'
          | 'planned',
        departedOn,
        returnedOn,
        returnReason: returnedOn ? 'completed' : null,
      };
    }),
  );
});
afterAll(() => t.close());

describe('reports agree with a GROUP BY over the raw tables', () => {
  it('for random date ranges under both boundary sets', async () => {
    for (let k = 0; k < 25; k++) {
      const from = day('2013-11-01', 365 * 3);
      const to = day(from, rand() < 0.3 ? 40 : 900);
      await expectMatchesOracle(from, to, k % 2 ? '2008' : '2025');
    }
  });

  it('with filters', async () => {
    await expectMatchesOracle('2014-02-15', '2016-11-03', '2025', {
      gender: 'female',
      destinationCountry: 'JP',
    });
    await expectMatchesOracle('2014-01-01', '2016-12-31', '2008', { program: 'ssw_1', field: 'agriculture' });
  });

  it('for returns and reintegration', async () => {
    const report = await get('/reports/reintegration?from=2014-03-01&to=2016-09-30');
    const naive = await queryRows(
      t.database.db,
      naiveReintegration({ from: '2014-03-01', to: '2016-09-30' }),
    );
    expect(
      report.rows.map((r: { provinceCode: string; returned: number; reintegrated: number }) => ({
        code: r.provinceCode,
        returned: r.returned,
        reintegrated: r.reintegrated,
      })),
    ).toEqual(naive);
  });
});

describe('numbers stay exact whatever code path writes the rows', () => {
  it('follows a placement through departure, return, reintegration and cancellation', async () => {
    const db = t.database.db;
    const url2018 = '/reports/province-share?from=2018-01-01&to=2018-12-31';
    const reint2018 = '/reports/reintegration?from=2018-01-01&to=2018-12-31';
    expect((await get(url2018)).rows).toEqual([]);

    const candidate = await t.seed.candidate({
      trainingCenterId: centerId,
      homeProvinceCode: '38',
      homeProvince2025: '38',
      status: 'selected',
    });
    const planned = await t.seed.placement({
      candidateId: candidate.id,
      status: 'planned',
      prefectureCode: '23',
    });
    expect((await get(url2018)).totals.departedTotal).toBe(0);

    // Depart: the placement and the candidate change in one transaction, as the placements service does.
    await db.transaction(async (tx) => {
      await tx
        .update(schema.placements)
        .set({ status: 'departed', departedOn: '2018-05-05' })
        .where(eq(schema.placements.id, planned.id));
      await tx
        .update(schema.candidates)
        .set({ status: 'departed' })
        .where(eq(schema.candidates.id, candidate.id));
    });
    expect((await get(url2018)).rows).toEqual([
      expect.objectContaining({ provinceCode: '38', departedTotal: 1, departedJapan: 1 }),
    ]);
    expect((await get('/reports/prefectures?from=2018-05-05&to=2018-05-05')).rows).toEqual([
      expect.objectContaining({ prefectureCode: '23', departed: 1 }),
    ]);

    // Return, then a job at home.
    await db
      .update(schema.placements)
      .set({ status: 'returned', returnedOn: '2018-11-30', returnReason: 'completed' })
      .where(eq(schema.placements.id, planned.id));
    expect((await get(reint2018)).rows).toEqual([
      expect.objectContaining({ provinceCode: '38', returned: 1, reintegrated: 0 }),
    ]);
    const job = await t.seed.reintegration({
      candidateId: candidate.id,
      homeEmployerId: employerId,
      startedOn: '2019-01-10',
    });
    expect((await get(reint2018)).rows).toEqual([
      expect.objectContaining({ provinceCode: '38', returned: 1, reintegrated: 1, rate: 1 }),
    ]);

    // The candidate's home province is corrected: every report moves them.
    await db
      .update(schema.candidates)
      .set({ homeProvinceCode: '42', homeProvince2025: '42' })
      .where(eq(schema.candidates.id, candidate.id));
    expect((await get(url2018)).rows).toEqual([
      expect.objectContaining({ provinceCode: '42', departedTotal: 1 }),
    ]);
    expect((await get(reint2018)).rows).toEqual([
      expect.objectContaining({ provinceCode: '42', reintegrated: 1 }),
    ]);

    // A correction of the departure date moves it out of the year.
    await db
      .update(schema.placements)
      .set({ departedOn: '2017-12-31' })
      .where(eq(schema.placements.id, planned.id));
    expect((await get(url2018)).totals.departedTotal).toBe(0);
    expect((await get('/reports/province-share?from=2017-12-31&to=2017-12-31')).totals.departedTotal).toBe(1);

    // A second placement, planned then cancelled, never counts.
    const second = await t.seed.candidate({
      trainingCenterId: centerId,
      homeProvinceCode: '42',
      homeProvince2025: '42',
      status: 'selected',
    });
    const cancelled = await t.seed.placement({ candidateId: second.id, status: 'planned' });
    await db
      .update(schema.placements)
      .set({ status: 'cancelled', cancelReason: 'visa refused' })
      .where(eq(schema.placements.id, cancelled.id));
    expect((await get('/reports/province-share?from=2017-01-01&to=2018-12-31')).totals.departedTotal).toBe(1);

    // The job record is removed again; the placement is deleted.
    await db.delete(schema.reintegrations).where(eq(schema.reintegrations.id, job.id));
    expect((await get(reint2018)).totals).toMatchObject({ returned: 1, reintegrated: 0 });
    await db.delete(schema.placements).where(eq(schema.placements.id, planned.id));
    expect((await get(reint2018)).rows).toEqual([]);

    await expectRollupsEqualRebuild();
  });

  it('keeps the pipeline counts in step with status changes', async () => {
    const url = `/reports/pipeline?trainingCenterId=${centerId}`;
    const count = async (status: string) =>
      (await get(url)).rows.find((r: { status: string }) => r.status === status).candidates as number;
    const before = { ready: await count('ready'), training: await count('training') };
    const c = await t.seed.candidate({ trainingCenterId: centerId, status: 'training' });
    expect(await count('training')).toBe(before.training + 1);
    await t.database.db
      .update(schema.candidates)
      .set({ status: 'ready' })
      .where(eq(schema.candidates.id, c.id));
    expect(await count('training')).toBe(before.training);
    expect(await count('ready')).toBe(before.ready + 1);
    await expectRollupsEqualRebuild();
  });

  it('stays equal to a rebuild from the raw tables after many random changes', async () => {
    const db = t.database.db;
    const rows = await db
      .select({
        id: schema.placements.id,
        candidateId: schema.placements.candidateId,
        departedOn: schema.placements.departedOn,
      })
      .from(schema.placements);
    for (const p of rows.slice(0, 60)) {
      const roll = rand();
      if (roll < 0.25 && p.departedOn) {
        await db
          .update(schema.placements)
          .set({ status: 'returned', returnedOn: day(p.departedOn, 300), returnReason: 'other' })
          .where(eq(schema.placements.id, p.id));
      } else if (roll < 0.4) {
        await t.seed.reintegration({
          candidateId: p.candidateId,
          homeEmployerId: employerId,
          startedOn: '2017-06-01',
        });
      } else if (roll < 0.55) {
        const [code, boundaries] = pickOf(PROVINCES);
        await db
          .update(schema.candidates)
          .set({
            homeProvinceCode: code,
            provinceBoundaries: boundaries,
            homeProvince2025: t.app.services.reference.to2025(code, boundaries)!,
          })
          .where(eq(schema.candidates.id, p.candidateId));
      } else if (roll < 0.65) {
        await db
          .update(schema.candidates)
          .set({ gender: pickOf(['male', 'female']) })
          .where(eq(schema.candidates.id, p.candidateId));
      } else if (roll < 0.75 && p.departedOn) {
        await db
          .update(schema.placements)
          .set({ destinationCountry: 'KR', prefectureCode: null, program: 'other' })
          .where(eq(schema.placements.id, p.id));
      }
    }
    await expectRollupsEqualRebuild();
    await expectMatchesOracle('2014-01-01', '2016-12-31', '2008');
    await expectMatchesOracle('2014-04-17', '2015-09-02', '2025', { gender: 'male' });
  });
});
