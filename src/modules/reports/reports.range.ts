/**
 * Splits an inclusive date range into what the rollups can answer: whole calendar years (yearly
 * rows), whole months around them (monthly rows), and the days at the two edges (one fact row per
 * placement). Every interval is half-open [start, end); an empty one has start = end. The number of
 * rows a report reads is then bounded whatever the range: ≤ 10 years of yearly rows, ≤ 22 months of
 * monthly rows and ≤ 60 days of facts for ten years.
 */
export interface RangePlan {
  years: [string, string];
  months: [[string, string], [string, string]];
  days: [[string, string], [string, string]];
}

export const EARLIEST = '1900-01-01';
export const LATEST = '2999-12-31';

const iso = (d: Date) => d.toISOString().slice(0, 10);
const parse = (s: string) => new Date(`${s}T00:00:00Z`);

export function addDays(day: string, n: number): string {
  const d = parse(day);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
}

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
const yearStart = (day: string) => `${day.slice(0, 4)}-01-01`;

function nextMonthStart(day: string): string {
  const d = parse(monthStart(day));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return iso(d);
}

const nextYearStart = (day: string) => `${String(Number(day.slice(0, 4)) + 1).padStart(4, '0')}-01-01`;

export function planRange(from: string = EARLIEST, to: string = LATEST): RangePlan {
  const end = addDays(to, 1);
  const none: [string, string] = [from, from];
  const firstMonth = from === monthStart(from) ? from : nextMonthStart(from);
  const endMonth = monthStart(end);
  if (firstMonth >= endMonth) {
    return { years: none, months: [none, none], days: [[from, end], none] };
  }
  const days: RangePlan['days'] = [
    [from, firstMonth],
    [endMonth, end],
  ];
  const firstYear = firstMonth === yearStart(firstMonth) ? firstMonth : nextYearStart(firstMonth);
  const endYear = yearStart(endMonth);
  if (firstYear >= endYear) {
    return { years: none, months: [[firstMonth, endMonth], none], days };
  }
  return {
    years: [firstYear, endYear],
    months: [
      [firstMonth, firstYear],
      [endYear, endMonth],
    ],
    days,
  };
}
