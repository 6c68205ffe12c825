import { type FontName, type FontSource, sharedFonts } from './fonts.ts';
import { ageOn, dateBoth, dateVi, monthOf, numberJa, numberVi } from './format.ts';
import {
  type DocValues,
  facesCovering,
  type LoadedTemplate,
  loadTemplate,
  newDocument,
  type RenderContext,
  toBuffer,
} from './template.ts';
import { documentStrings, type Lang, labelOf, vocab } from './vocabulary.ts';

/** The languages a profile sheet is printed in: Japanese for employers, Vietnamese for the sending side. */
export type ProfileLang = 'ja' | 'vi';

export interface ProfileCourse {
  name: string;
  startsOn: string;
  endsOn: string;
  outcome: string | null;
  score: number | null;
  jlptLevel: string | null;
}

export interface ProfileEducation {
  from: string;
  to: string | null;
  school: string;
  note: string | null;
}

/** Everything a profile sheet (履歴書) shows; never the national ID or the phone. */
export interface ProfileData {
  madeOn: string;
  code: string;
  fullName: string;
  fullNameKana: string | null;
  dateOfBirth: string;
  gender: string;
  homeProvince: string;
  occupationField: string;
  jlptLevel: string | null;
  centerName: string;
  education: ProfileEducation[];
  courses: ProfileCourse[];
  motivation: string | null;
  photo: { bytes: Buffer; contentType: string } | null;
}

/** Where the template's photo frame is (templates/profile.json draws its border): a 3 × 4 cm photo. */
const PHOTO_BOX = { x: 460, y: 80, width: 85, height: 113 };
/** Rows of each table on the sheet (templates/profile.json). */
const TABLE_ROWS = 6;

/**
 * Text from closed sets the sheet may show, for the font subset prepared once (embedding.ts): every
 * label, field, gender and result in the three languages, and katakana for the names' readings. A
 * sheet with other glyphs (a motivation written in kanji) is subset the ordinary way.
 */
function closedText(): string[] {
  const v = vocab();
  const labels = [v.documents.profile, v.fields, v.genders, v.enrollmentOutcomes].flatMap((table) =>
    Object.values(table).flatMap((l) => [l.vi, l.ja, l.en]),
  );
  const katakana = Array.from({ length: 0x30fc - 0x30a1 + 1 }, (_, i) => String.fromCharCode(0x30a1 + i));
  return [...labels, katakana.join(''), '年月日 × JLPT N1 N2 N3 N4 N5'];
}

let template: LoadedTemplate | undefined;
const profileTemplate = () => {
  template ??= loadTemplate('profile', { prepare: { vocabulary: closedText() } });
  return template;
};

const other = (lang: ProfileLang): Lang => (lang === 'ja' ? 'vi' : 'ja');

/** A table's rows: at most TABLE_ROWS, the last saying how many more there are when they do not fit. */
function slots<T>(items: T[], more: (n: number) => T): T[] {
  if (items.length <= TABLE_ROWS) return items;
  return [...items.slice(0, TABLE_ROWS - 1), more(items.length - TABLE_ROWS + 1)];
}

function profileValues(p: ProfileData, lang: ProfileLang): DocValues {
  const labels = documentStrings('profile');
  const main = labels[lang];
  const second = labels[other(lang)];
  const doc: DocValues = {};
  for (const key of Object.keys(main)) {
    doc[`L_${key}`] = main[key]!;
    doc[`S_${key}`] = second[key]!;
  }
  doc.title = main.title!;
  doc.titleSub = `${second.title} / ${labels.en.title}`;
  doc.madeOn = lang === 'ja' ? dateBoth(p.madeOn, 'ja') : dateBoth(p.madeOn, 'vi');
  doc.code = p.code;
  doc.fullName = p.fullName.normalize('NFC');
  doc.kana = p.fullNameKana;
  const age = main.age!.replace('{n}', String(ageOn(p.dateOfBirth, p.madeOn)));
  doc.dateOfBirth = `${dateBoth(p.dateOfBirth, lang)}  ${age}`;
  const gender = labelOf('genders', p.gender);
  doc.gender = gender ? `${gender[lang]} / ${gender[other(lang)]}` : null;
  doc.homeProvince = p.homeProvince;
  const field = labelOf('fields', p.occupationField);
  doc.field = field ? `${field[lang]} (${field[other(lang)]})` : null;
  doc.jlpt = p.jlptLevel ? `JLPT ${p.jlptLevel}` : null;
  doc.centerName = p.centerName;
  doc.photoPlaceholder = p.photo ? null : `${main.photo} 3×4 cm`;
  doc.motivation = p.motivation?.normalize('NFC') ?? null;

  const more = (n: number) => main.more!.replace('{n}', String(n));
  const score = lang === 'vi' ? numberVi : numberJa;
  const education = slots(
    [...p.education].sort((a, b) => a.from.localeCompare(b.from)),
    (n): ProfileEducation => ({ from: '', to: null, school: more(n), note: null }),
  );
  const courses = slots(
    [...p.courses].sort((a, b) => a.startsOn.localeCompare(b.startsOn)),
    (n): ProfileCourse => ({
      name: more(n),
      startsOn: '',
      endsOn: '',
      outcome: null,
      score: null,
      jlptLevel: null,
    }),
  );
  for (let i = 1; i <= TABLE_ROWS; i++) {
    const e = education[i - 1];
    doc[`edu${i}Period`] = e?.from
      ? `${monthOf(e.from, lang)} – ${e.to ? monthOf(e.to, lang) : main.present}`
      : null;
    doc[`edu${i}School`] = e?.school ?? null;
    doc[`edu${i}Note`] = e?.note ?? null;
    const c = courses[i - 1];
    doc[`course${i}Period`] = c?.startsOn ? `${dateVi(c.startsOn)} – ${dateVi(c.endsOn)}` : null;
    doc[`course${i}Course`] = c?.name ?? null;
    let result: string | null = null;
    if (c?.startsOn) {
      const outcome = labelOf('enrollmentOutcomes', c.outcome ?? 'pending');
      result = [
        outcome?.[lang],
        c.score !== null ? `${score(c.score)} ${main.score}` : null,
        c.jlptLevel ? `JLPT ${c.jlptLevel}` : null,
      ]
        .filter(Boolean)
        .join(', ');
    }
    doc[`course${i}Result`] = result;
  }
  return doc;
}

function drawProfile(doc: PDFKit.PDFDocument, p: ProfileData, ctx: RenderContext): void {
  profileTemplate().drawPage(doc, ctx);
  if (p.photo) {
    const { x, y, width, height } = PHOTO_BOX;
    // Fill the frame, cropping the overflow, as a photo glued into a paper 履歴書 would be trimmed.
    doc.save();
    doc.rect(x + 0.5, y + 0.5, width - 1, height - 1).clip();
    doc.image(p.photo.bytes, x + 0.5, y + 0.5, {
      cover: [width - 1, height - 1],
      align: 'center',
      valign: 'center',
    });
    doc.restore();
  }
}

export interface ProfileRenderOptions {
  fonts?: Record<FontName, FontSource>;
}

/** One or more profile sheets in one PDF, one page each. */
export function profilesPdf(
  list: ProfileData[],
  lang: ProfileLang,
  opts: ProfileRenderOptions = {},
): Promise<Buffer> {
  const fonts = opts.fonts ?? sharedFonts();
  const title = list.length === 1 ? `Profile ${list[0]!.code}` : `Profiles (${list.length})`;
  const t = profileTemplate();
  const pages = list.map((p) => ({ strings: t.stringsFor(), doc: profileValues(p, lang) }));
  const doc = newDocument({ fonts, title, faces: facesCovering(t, fonts, pages) });
  for (const [i, p] of list.entries()) drawProfile(doc, p, pages[i]!);
  return toBuffer(doc);
}

/** The text a profile page shows (for tests of the layout without a PDF reader). */
export function profileTexts(p: ProfileData, lang: ProfileLang): string[] {
  const t = profileTemplate();
  const texts = t.texts({ strings: t.stringsFor(), doc: profileValues(p, lang) });
  return [...texts.regular, ...texts.bold];
}
