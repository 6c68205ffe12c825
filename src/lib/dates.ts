/** Today's date in Viet Nam (UTC+7), where trainees register and documents are issued, as `YYYY-MM-DD`. */
export function todayInVietnam(now: Date | number = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(now);
}
