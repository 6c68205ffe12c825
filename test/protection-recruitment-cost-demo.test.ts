import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../scripts/seed-demo.ts';
import { candidates, placementFees, placements } from '../src/db/schema.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

/*
 * The recruitment-cost report (SDG 10.7.1) against a hand computation on the demo data: the expected
 * numbers are worked out here from the ledger rows and the placements' terms, with the rules written
 * out again (not by calling the service or protection.rules.ts), then compared with what the API says.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.app);
}, 600_000);
afterAll(() => t.close());

interface Expected {
  provinceCode: string;
  program: string;
  workers: number;
  medianCostMonths: number;
  meanCostMonths: number;
  overCap: number;
}

/** Months from the first day to the day after the last, counted on the calendar (36 for 3 years). */
function monthsBetween(start: string, end: string) {
  const [sy, sm, sd] = start.split('-').map(Number) as [number, number, number];
  const after = new Date(Date.UTC(...(end.split('-').map(Number) as [number, number, number])) + 86_400_000);
  const [ey, em, ed] = [after.getUTCFullYear(), after.getUTCMonth() + 1, after.getUTCDate()];
  return (ey - sy) * 12 + (em - sm) - (ed < sd ? 1 : 0);
}

async function handComputed(year: number): Promise<Expected[]> {
  const db = t.database.db;
  const rows = await db
    .select({
      id: placements.id,
      status: placements.status,
      departedOn: placements.departedOn,
      program: placements.program,
      country: placements.destinationCountry,
      wage: placements.monthlyWageJpy,
      start: placements.contractStart,
      end: placements.contractEnd,
      province: candidates.homeProvince2025,
    })
    .from(placements)
    .innerJoin(candidates, eq(candidates.id, placements.candidateId));
  const departed = rows.filter(
    (p) =>
      (p.status === 'departed' || p.status === 'returned') &&
      p.departedOn?.startsWith(`${year}-`) &&
      p.wage !== null,
  );
  const ledger = departed.length
    ? await db
        .select()
        .from(placementFees)
        .where(
          inArray(
            placementFees.placementId,
            departed.map((p) => p.id),
          ),
        )
    : [];
  const groups = new Map<string, { provinceCode: string; program: string; ratios: number[]; over: number }>();
  for (const p of departed) {
    const fees = ledger.filter((f) => f.placementId === p.id);
    if (fees.length === 0) continue;
    const byWorker = fees.filter((f) => f.payer === 'worker');
    const signed = (f: (typeof fees)[number]) => (f.direction === 'refunded' ? -f.amountJpy : f.amountJpy);
    const total = (fs: typeof fees) =>
      Math.max(
        0,
        fs.reduce((n, f) => n + signed(f), 0),
      );
    const paid = total(byWorker);
    const wage = p.wage as number;
    // Law 69/2020 art. 23: a month's wage per 12 months of contract, 3 months at most.
    const serviceFee = total(byWorker.filter((f) => f.category === 'service_fee'));
    const months = p.start && p.end ? Math.min(36, monthsBetween(p.start, p.end)) : null;
    let over = months !== null && serviceFee > Math.floor((wage * months) / 12);
    // Brokerage for Japan: none at all.
    if (p.country === 'JP' && total(byWorker.filter((f) => f.category === 'brokerage')) > 0) over = true;
    // ESD: 2 months' wage to the sending side.
    if (p.program === 'esd' && total(byWorker.filter((f) => f.payee === 'sending')) > 2 * wage) over = true;
    const key = `${p.province}|${p.program}`;
    const g = groups.get(key) ?? { provinceCode: p.province, program: p.program, ratios: [], over: 0 };
    g.ratios.push(paid / wage);
    if (over) g.over++;
    groups.set(key, g);
  }
  const cents = (x: number) => Math.round(x * 100) / 100;
  return [...groups.values()]
    .map((g) => {
      const s = [...g.ratios].sort((a, b) => a - b);
      const n = s.length;
      const median = n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
      return {
        provinceCode: g.provinceCode,
        program: g.program,
        workers: n,
        medianCostMonths: cents(median),
        meanCostMonths: cents(s.reduce((a, b) => a + b, 0) / n),
        overCap: g.over,
      };
    })
    .sort((a, b) => a.provinceCode.localeCompare(b.provinceCode) || a.program.localeCompare(b.program));
}

describe('the recruitment-cost report on the demo data', () => {
  it('matches, year by year, the medians, means and over-cap counts worked out from the ledger', async () => {
    const years = (await t.database.db.selectDistinct({ departedOn: placements.departedOn }).from(placements))
      .map((r) => r.departedOn?.slice(0, 4))
      .filter((y): y is string => Boolean(y))
      .map(Number);
    const checked: Expected[] = [];
    for (const year of [...new Set(years)].sort()) {
      const expected = await handComputed(year);
      const res = await t.request({
        method: 'GET',
        url: `/reports/recruitment-cost?year=${year}&boundaries=2025`,
        as: actors.admin(),
      });
      expect(res.statusCode).toBe(200);
      const got = res.json().rows.map((r: Expected & { suppressed: boolean }) => {
        expect(r.suppressed).toBe(false);
        return {
          provinceCode: r.provinceCode,
          program: r.program,
          workers: r.workers,
          medianCostMonths: r.medianCostMonths,
          meanCostMonths: r.meanCostMonths,
          overCap: r.overCap,
        };
      });
      expect(got, String(year)).toEqual(expected);
      checked.push(...expected);
    }
    // The demo has fees to count, some over a cap, in more than one province and programme.
    expect(checked.reduce((n, r) => n + r.workers, 0)).toBeGreaterThan(10);
    expect(checked.reduce((n, r) => n + r.overCap, 0)).toBeGreaterThan(0);
    expect(new Set(checked.map((r) => r.provinceCode)).size).toBeGreaterThan(1);
    expect(checked.some((r) => r.medianCostMonths !== r.meanCostMonths)).toBe(true);
    // …and a refunded service fee (an early return that was not the worker's fault), counted less.
    const refunds = await t.database.db
      .select()
      .from(placementFees)
      .where(eq(placementFees.direction, 'refunded'));
    expect(refunds.length).toBeGreaterThan(0);
  });
});
