import type { Readable } from 'node:stream';
import { type FontName, type FontSource, sharedFonts } from './fonts.ts';
import { dateJa, dateVi, holderValues, issuerValues, numberJa, numberVi } from './format.ts';
import { withFastDeflate } from './pdfkit-adapter.ts';
import {
  facesCovering,
  type LoadedTemplate,
  loadTemplate,
  newDocument,
  type RenderContext,
  renderPage,
} from './template.ts';
import { documentStrings, labelOf, vocab } from './vocabulary.ts';

export type CertificateType = 'training_completion' | 'orientation';

/** Everything a certificate page shows, as issued. */
export interface CertificateData {
  serial: string;
  verifyCode: string;
  verifyUrl: string;
  type: CertificateType;
  issuedOn: string;
  holderName: string;
  holderBirthDate: string;
  courseName: string;
  courseKind: string;
  courseHours: number;
  courseStartsOn: string;
  courseEndsOn: string;
  score: number | null;
  jlptLevel: string | null;
  centerName: string;
  centerProvince: string;
  licenseNo: string | null;
  /** The center's director, printed under the signature space (training_centers.directorName). */
  directorName?: string | null;
}

let template: LoadedTemplate | undefined;
const certificateTemplate = () => {
  template ??= loadTemplate('certificate', {
    strings: documentStrings('certificate'),
    prepare: {
      vocabulary: [
        ...Object.values(vocab().courseKinds).flatMap((l) => [l.vi, l.ja, l.en]),
        dateJa('2000-01-01') ?? '',
        '点',
      ],
    },
  });
  return template;
};

function certificateContext(c: CertificateData): RenderContext {
  const t = certificateTemplate();
  const kind = labelOf('courseKinds', c.courseKind);
  return {
    strings: t.stringsFor(c.type),
    doc: {
      serial: c.serial,
      verifyCode: c.verifyCode,
      verifyUrl: c.verifyUrl,
      ...holderValues(c),
      courseName: c.courseName,
      courseKindVi: kind?.vi ?? null,
      courseKindJa: kind?.ja ?? null,
      courseKindEn: kind?.en ?? null,
      hours: c.courseHours,
      startsOn: dateVi(c.courseStartsOn),
      endsOn: dateVi(c.courseEndsOn),
      startsOnJa: dateJa(c.courseStartsOn),
      endsOnJa: dateJa(c.courseEndsOn),
      // Vietnamese writes a decimal comma (82,5), Japanese a point (82.5点).
      scoreVi: numberVi(c.score),
      scoreJa: c.score === null || c.score === undefined ? null : `${numberJa(c.score)}点`,
      jlptLevel: c.jlptLevel,
      licenseNo: c.licenseNo,
      directorName: c.directorName?.normalize('NFC') ?? null,
      ...issuerValues(c),
    },
  };
}

export interface RenderOptions {
  /** Defaults to the fonts parsed once per process. */
  fonts?: Record<FontName, FontSource>;
}

/** One certificate as a finished PDF. */
export function certificatePdf(c: CertificateData, opts: RenderOptions = {}): Promise<Buffer> {
  return renderPage(
    certificateTemplate(),
    opts.fonts ?? sharedFonts(),
    certificateContext(c),
    `Certificate ${c.serial}`,
  );
}

/** Pages drawn between two yields to the event loop while a batch streams out. */
const PAGES_PER_TICK = 20;

/**
 * Many certificates as one PDF, one page each, streamed as it is drawn: the pages share one font subset,
 * and the event loop gets a turn every few pages so that a 1,000-page batch does not stall other requests.
 */
export function certificatesPdfStream(list: CertificateData[], opts: RenderOptions = {}): Readable {
  const t = certificateTemplate();
  const fonts = opts.fonts ?? sharedFonts();
  const pages = list.map(certificateContext);
  const doc = newDocument({
    fonts,
    title: `Certificates (${list.length})`,
    faces: facesCovering(t, fonts, pages),
  });
  (async () => {
    for (let i = 0; i < pages.length; i++) {
      // Adding a page ends (and compresses) the one before it.
      withFastDeflate(() => t.drawPage(doc, pages[i]!));
      if (i % PAGES_PER_TICK === PAGES_PER_TICK - 1) await new Promise((r) => setImmediate(r));
    }
    withFastDeflate(() => doc.end());
  })().catch((err: unknown) => doc.destroy(err as Error));
  return doc as unknown as Readable;
}

/**
 * Prints one certificate and throws it away, so that the first real print does not pay for loading
 * the fonts' shaping tables and preparing the subsets (about 1.5 s on this project's machine).
 */
export async function warmUpCertificates(): Promise<void> {
  await certificatePdf({
    serial: 'XX-2000-000000',
    verifyCode: 'WARMUPWARMUP',
    verifyUrl: 'http://localhost/verify/XX-2000-000000?code=WARMUPWARMUP',
    type: 'training_completion',
    issuedOn: '2000-01-01',
    holderName: 'Nguyễn Văn A',
    holderBirthDate: '1980-01-01',
    courseName: 'Tiếng Nhật',
    courseKind: 'language',
    courseHours: 1,
    courseStartsOn: '2000-01-01',
    courseEndsOn: '2000-01-01',
    score: 1,
    jlptLevel: 'N5',
    centerName: 'Trung tâm',
    centerProvince: 'Hà Nội',
    licenseNo: '1',
    directorName: 'Nguyễn Văn B',
  });
}
