import { type FontName, type FontSource, sharedFonts } from './fonts.ts';
import { dateJa, dateVi, holderValues, issuerValues } from './format.ts';
import { type LoadedTemplate, loadTemplate, renderPage } from './template.ts';
import { labelOf } from './vocabulary.ts';

/** What a placement letter shows. */
export interface PlacementLetterData {
  reference: string;
  issuedOn: string;
  holderName: string;
  holderBirthDate: string;
  candidateCode: string;
  destinationCountry: string;
  prefectureJa: string | null;
  prefectureEn: string | null;
  municipality: string | null;
  employerName: string;
  /** The employer in Latin letters, printed after the Japanese name when present. */
  employerNameLatin?: string | null;
  program: string;
  field: string;
  contractStart: string | null;
  contractEnd: string | null;
  /** Monthly wage in yen, printed when known. */
  monthlyWageJpy?: number | null;
  /** The actual departure date, or else the planned one. */
  departedOn: string | null;
  plannedDeparture: string | null;
  centerName: string;
  centerProvince: string;
}

let template: LoadedTemplate | undefined;
const letterTemplate = () => {
  template ??= loadTemplate('placement-letter');
  return template;
};

export function placementLetterPdf(
  p: PlacementLetterData,
  opts: { fonts?: Record<FontName, FontSource> } = {},
): Promise<Buffer> {
  const t = letterTemplate();
  const strings = t.stringsFor();
  const country = labelOf('countries', p.destinationCountry);
  const program = labelOf('programs', p.program);
  const field = labelOf('fields', p.field);
  const departure = p.departedOn
    ? `${dateVi(p.departedOn)} (${dateJa(p.departedOn)})`
    : p.plannedDeparture
      ? `${dateVi(p.plannedDeparture)} (${strings.vi.planned} / ${strings.ja.planned})`
      : null;
  const ctx = {
    strings,
    doc: {
      reference: p.reference,
      ...holderValues(p),
      candidateCode: p.candidateCode,
      countryVi: country?.vi ?? null,
      countryJa: country?.ja ?? null,
      prefecture: p.prefectureJa ? `${p.prefectureJa}${p.prefectureEn ? ` (${p.prefectureEn})` : ''}` : null,
      municipality: p.municipality,
      employerName: p.employerNameLatin
        ? `${p.employerName.normalize('NFC')} (${p.employerNameLatin.normalize('NFC')})`
        : p.employerName.normalize('NFC'),
      programVi: program?.vi ?? null,
      programJa: program?.ja ?? null,
      fieldVi: field?.vi ?? null,
      fieldJa: field?.ja ?? null,
      contractStart: dateVi(p.contractStart),
      contractEnd: dateVi(p.contractEnd),
      contractStartJa: dateJa(p.contractStart),
      contractEndJa: dateJa(p.contractEnd),
      wageVi: p.monthlyWageJpy ? `${p.monthlyWageJpy.toLocaleString('vi-VN')} ¥` : null,
      wageJa: p.monthlyWageJpy ? `月額 ${p.monthlyWageJpy.toLocaleString('ja-JP')}円` : null,
      departure,
      ...issuerValues(p),
    },
  };
  return renderPage(t, opts.fonts ?? sharedFonts(), ctx, `Placement letter ${p.reference}`);
}
