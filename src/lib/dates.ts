/** Viet Nam keeps UTC+7 all year (no daylight saving since 1975). */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/**
 * Today's date in Viet Nam, where trainees register and documents are issued, as `YYYY-MM-DD`.
 * Plain arithmetic on purpose: it runs for every row of a 100,000-row import, and building an
 * `Intl.DateTimeFormat` per call made that import three times slower.
 */
export function todayInVietnam(now: Date | number = Date.now()): string {
  const local = Number(now) + VIETNAM_OFFSET_MS;
  // The same day as the last call (every row of an import): no Date built.
  if (local >= today.start && local < today.start + DAY_MS) return today.date;
  const date = new Date(local).toISOString().slice(0, 10);
  if (Number.isFinite(local)) today = { start: local - (((local % DAY_MS) + DAY_MS) % DAY_MS), date };
  return date;
}
const DAY_MS = 24 * 60 * 60 * 1000;
let today = { start: Number.NaN, date: '' };
