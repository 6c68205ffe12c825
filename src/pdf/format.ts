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

/** A score as a Vietnamese reader writes it: decimal comma, no trailing zeros (82,5). */
export function numberVi(n: number | null | undefined): string | null {
  if (n === null || n === undefined) return null;
  return String(Number(n)).replace('.', ',');
}

/** A score as a Japanese or English reader writes it (82.5). */
export function numberJa(n: number | null | undefined): string | null {
  if (n === null || n === undefined) return null;
  return String(Number(n));
}

/** 02/11/1999 (1999年11月2日): a date both a Vietnamese and a Japanese reader take unambiguously. */
export function dateBoth(iso: string | null | undefined, first: 'vi' | 'ja' = 'vi'): string | null {
  if (!iso) return null;
  return first === 'vi' ? `${dateVi(iso)} (${dateJa(iso)})` : `${dateJa(iso)} (${dateVi(iso)})`;
}

/** A month `YYYY-MM` as 09/2016 or 2016年9月. */
export function monthOf(ym: string | null | undefined, lang: 'vi' | 'ja' | 'en'): string | null {
  if (!ym) return null;
  const [y, m] = ym.split('-');
  return lang === 'ja' ? `${y}年${Number(m)}月` : `${m}/${y}`;
}

/** Full years between a birth date and a day, both `YYYY-MM-DD`. */
export function ageOn(birth: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birth.slice(0, 4));
  return day.slice(5) >= birth.slice(5) ? years : years - 1;
}

/** The holder of a certificate or placement letter as both print them: name, date of birth (vi, ja). */
export function holderValues(d: { holderName: string; holderBirthDate: string }) {
  return {
    holderName: d.holderName.normalize('NFC'),
    dateOfBirth: dateVi(d.holderBirthDate),
    dateOfBirthJa: dateJa(d.holderBirthDate),
  };
}

/** The issuing center, and where and when it issued, as certificates and placement letters print them. */
export function issuerValues(d: { centerName: string; centerProvince: string; issuedOn: string }) {
  return {
    centerName: d.centerName,
    centerProvince: d.centerProvince,
    issuedPlace: d.centerProvince,
    issuedOnVi: dateViLong(d.issuedOn),
    issuedOnJa: dateJa(d.issuedOn),
  };
}
