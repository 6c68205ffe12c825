/** Dates as printed on Vietnamese and Japanese documents, from `YYYY-MM-DD`. */
function parts(iso: string) {
  const [y, m, d] = iso.split('-');
  return { y: y ?? '', m: m ?? '', d: d ?? '' };
}

/** 15/01/2000 */
export function dateVi(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const { y, m, d } = parts(iso);
  return `${d}/${m}/${y}`;
}

/** ngày 15 tháng 01 năm 2000 — the form used in the place-and-date line of Vietnamese documents. */
export function dateViLong(iso: string): string {
  const { y, m, d } = parts(iso);
  return `ngày ${d} tháng ${m} năm ${y}`;
}

/** 2000年1月15日 */
export function dateJa(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const { y, m, d } = parts(iso);
  return `${y}年${Number(m)}月${Number(d)}日`;
}
