/** Viet Nam keeps UTC+7 all year (no daylight saving since 1975). */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/**
 * Today's date in Viet Nam, where trainees register and documents are issued, as `YYYY-MM-DD`.
 * Plain arithmetic on purpose: it runs for every row of a 100,000-row import, and building an
 * `Intl.DateTimeFormat` per call made that import three times slower.
 */
export function todayInVietnam(now: Date | number = Date.now()): string {
  return new Date(Number(now) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}
