import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import * as fontkit from 'fontkit';
import { describe, expect, it, vi } from 'vitest';
import {
  type CertificateData,
  certificatePdf,
  certificatesPdfStream,
  warmUpCertificates,
} from '../src/pdf/certificate.ts';
import { PreparedFace } from '../src/pdf/embedding.ts';
import { FONT_FILES, fontFiles, sharedFonts, wordRuns } from '../src/pdf/fonts.ts';
import {
  createSubset,
  openDocument,
  type ScaledRun,
  shareFontWork,
  withDecodedGlyphs,
  withFastDeflate,
} from '../src/pdf/pdfkit-adapter.ts';
import { type PlacementLetterData, placementLetterPdf } from '../src/pdf/placement-letter.ts';
import { qrModules } from '../src/pdf/qr.ts';
import { loadTemplate, toBuffer } from '../src/pdf/template.ts';
import { pdfPageCount, pdfPages, pdfTextBoxes } from './pdf-extract.ts';

const longName = 'Nguyễn Thị Phương Hoàng Ngọc Diễm Quỳnh';
const longEmployer = '株式会社岡山精密工業技術開発センター';

const certificate: CertificateData = {
  serial: 'LA-2026-000123',
  verifyCode: 'K7QX2M9PDR4T',
  verifyUrl: 'http://127.0.0.1:3000/verify/LA-2026-000123?code=K7QX2M9PDR4T',
  type: 'training_completion',
  issuedOn: '2026-03-05',
  holderName: longName,
  holderBirthDate: '2001-11-23',
  courseName: 'Tiếng Nhật sơ cấp N4',
  courseKind: 'language',
  courseHours: 600,
  courseStartsOn: '2025-09-01',
  courseEndsOn: '2026-02-28',
  score: 87.5,
  jlptLevel: 'N4',
  centerName: 'Trung tâm Đào tạo Long An',
  centerProvince: 'Tây Ninh',
  licenseNo: null,
};

const letter: PlacementLetterData = {
  reference: 'PL-3F2A91C0',
  issuedOn: '2026-03-05',
  holderName: longName,
  holderBirthDate: '2001-11-23',
  candidateCode: 'KH-2026-000123',
  destinationCountry: 'JP',
  prefectureJa: '岡山県',
  prefectureEn: 'Okayama',
  municipality: '岡山市北区',
  employerName: longEmployer,
  program: 'ssw_1',
  field: 'industrial_manufacturing',
  contractStart: '2026-04-01',
  contractEnd: '2029-03-31',
  departedOn: null,
  plannedDeparture: '2026-03-25',
  centerName: 'Trung tâm Đào tạo Long An',
  centerProvince: 'Tây Ninh',
};

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('certificate PDF', () => {
  it('carries the exact Vietnamese name, the serial and the verification code as extractable text', async () => {
    const [page] = await pdfPages(await certificatePdf(certificate));
    expect(page).toContain(longName.normalize('NFC'));
    expect(page).toContain('LA-2026-000123');
    expect(page).toContain('K7QX2M9PDR4T');
    expect(page).toContain('GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA ĐÀO TẠO');
    expect(page).toContain('研修修了証明書');
    expect(page).toContain('23/11/2001');
  });

  it('an orientation certificate carries the title Law 69/2020 dossiers expect', async () => {
    const [page] = await pdfPages(
      await certificatePdf({ ...certificate, type: 'orientation', courseKind: 'orientation', score: null }),
    );
    expect(page).toContain('GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC GIÁO DỤC ĐỊNH HƯỚNG');
    expect(page).not.toContain('87.5');
  });

  it('embeds a subset of the font, and stays small', async () => {
    const pdf = await certificatePdf(certificate);
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansJP-Regular/);
    expect(text).not.toContain('/Helvetica');
    expect(pdf.length).toBeLessThan(60 * 1024);
  });

  it('the start-up warm-up prints a certificate without error', async () => {
    await expect(warmUpCertificates()).resolves.toBeUndefined();
  });

  it('renders the same with the fonts read from file (the naive path)', async () => {
    const [page] = await pdfPages(await certificatePdf(certificate, { fonts: fontFiles() }));
    expect(page).toContain(longName);
  });

  it('a batch has one page per certificate, in order', async () => {
    const list = Array.from({ length: 45 }, (_, i) => ({
      ...certificate,
      serial: `LA-2026-${String(i + 1).padStart(6, '0')}`,
    }));
    const pdf = await collect(certificatesPdfStream(list));
    expect(await pdfPageCount(pdf)).toBe(45);
    const pages = await pdfPages(pdf);
    expect(pages[44]).toContain('LA-2026-000045');
  });
});

/** The font file streams of a PDF (FontFile2 objects), as stored. */
function fontStreams(pdf: Buffer): Buffer[] {
  const text = pdf.toString('latin1');
  const refs = [...text.matchAll(/\/FontFile2 (\d+) 0 R/g)].map((m) => m[1]);
  return refs.map((id) => {
    const start = text.indexOf(`\n${id} 0 obj`);
    const streamAt = text.indexOf('stream\n', start) + 'stream\n'.length;
    const length = Number(/\/Length (\d+)/.exec(text.slice(start, streamAt))![1]);
    return pdf.subarray(streamAt, streamAt + length);
  });
}

describe('certificate fonts prepared once per template', () => {
  it('embeds the same prepared subsets whatever the name, with every glyph the name needs', async () => {
    const a = await certificatePdf(certificate);
    const b = await certificatePdf({
      ...certificate,
      holderName: 'Đỗ Thị Ỷ Ưng',
      centerName: 'Trung tâm Ỹ Ợ',
    });
    const fa = fontStreams(a);
    const fb = fontStreams(b);
    expect(fa).toHaveLength(2);
    expect(fb[0]!.equals(fa[0]!)).toBe(true);
    expect(fb[1]!.equals(fa[1]!)).toBe(true);
    const [page] = await pdfPages(b);
    expect(page).toContain('Đỗ Thị Ỷ Ưng');
    expect(page).toContain('Trung tâm Ỹ Ợ');
    expect(page).toContain('研修修了証明書');
    expect(b.length).toBeLessThan(60 * 1024);
  });

  it('a name the prepared subsets cannot write is printed with its own subset, every glyph present', async () => {
    const prepared = fontStreams(await certificatePdf(certificate));
    const pdf = await certificatePdf({ ...certificate, holderName: '山田 花子', centerName: 'Centre Ñandú' });
    const own = fontStreams(pdf);
    expect(own.some((f, i) => !f.equals(prepared[i]!))).toBe(true);
    const [page] = await pdfPages(pdf);
    expect(page).toContain('山田 花子');
    expect(page).toContain('Centre Ñandú');
  });

  it('a batch with one such name keeps every page right', async () => {
    const list = [
      certificate,
      { ...certificate, serial: 'LA-2026-000124', holderName: '山田 花子' },
      { ...certificate, serial: 'LA-2026-000125', holderName: 'Phạm Văn Đồng' },
    ];
    const pages = await pdfPages(await collect(certificatesPdfStream(list)));
    expect(pages[0]).toContain(longName);
    expect(pages[1]).toContain('山田 花子');
    expect(pages[2]).toContain('Phạm Văn Đồng');
  });
});

describe('placement letter PDF', () => {
  it('is bilingual and names the candidate, the employer and the prefecture in Japanese', async () => {
    const [page] = await pdfPages(await placementLetterPdf(letter));
    expect(page).toContain(longName);
    expect(page).toContain(longEmployer);
    expect(page).toContain('岡山県');
    expect(page).toContain('岡山市北区');
    expect(page).toContain('特定技能1号');
    expect(page).toContain('派遣確認書');
    expect(page).toContain('THƯ XÁC NHẬN PHÁI CỬ NGƯỜI LAO ĐỘNG');
  });

  it('prints a dash, not a blank, for a missing municipality or a placement outside Japan', async () => {
    const [page] = await pdfPages(
      await placementLetterPdf({
        ...letter,
        destinationCountry: 'DE',
        prefectureJa: null,
        prefectureEn: null,
        municipality: null,
        program: 'other',
      }),
    );
    expect(page).toContain('Đức / ドイツ');
    expect(page).toContain('—');
  });
});

describe('layout', () => {
  it('keeps every line of a certificate with the longest names inside the frame', async () => {
    const pdf = await certificatePdf({
      ...certificate,
      type: 'orientation',
      courseKind: 'orientation',
      centerName:
        'Trung tâm Đào tạo và Giáo dục định hướng Người lao động đi làm việc ở nước ngoài tỉnh Tây Ninh',
      courseName:
        'Khóa học tiếng Nhật sơ cấp N4 — Lớp buổi tối dành cho thực tập sinh ngành cơ khí chính xác',
    });
    const boxes = await pdfTextBoxes(pdf);
    expect(boxes.length).toBeGreaterThan(20);
    for (const b of boxes) {
      expect(b.x, b.text).toBeGreaterThanOrEqual(26);
      expect(b.x + b.width, b.text).toBeLessThanOrEqual(841.89 - 26);
      expect(b.y, b.text).toBeGreaterThanOrEqual(26);
      expect(b.y + b.height, b.text).toBeLessThanOrEqual(595.28 - 26);
    }
  });

  it('keeps every line of a placement letter inside the margins', async () => {
    const boxes = await pdfTextBoxes(await placementLetterPdf(letter));
    for (const b of boxes) {
      expect(b.x, b.text).toBeGreaterThanOrEqual(40);
      expect(b.x + b.width, b.text).toBeLessThanOrEqual(595.28 - 40);
      expect(b.y + b.height, b.text).toBeLessThanOrEqual(841.89 - 40);
    }
  });

  it('asking for a certificate type the template has no layout for fails loudly', () => {
    const t = loadTemplate('certificate');
    expect(() => t.stringsFor('no_such_type')).toThrow(/no variant/);
  });
});

// jsqr is CommonJS; its typings describe an ES default export that NodeNext resolution cannot see.
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

describe('QR code', () => {
  it('decodes to the verification URL, as a phone camera would read it', () => {
    const url = 'https://kakehashi.example.gov.vn/verify/LA-2026-000123?code=K7QX2M9PDR4T';
    const { size, data } = qrModules(url);
    // Rasterise: 4 pixels per module and the 4-module quiet zone the standard asks for.
    const scale = 4;
    const side = (size + 8) * scale;
    const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const row = Math.floor(y / scale) - 4;
        const col = Math.floor(x / scale) - 4;
        if (row >= 0 && col >= 0 && row < size && col < size && data[row * size + col]) {
          pixels.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
        }
      }
    }
    expect(jsQR(pixels, side, side)?.data).toBe(url);
  });
});

/** Every stream of a PDF with its dictionary, as stored. */
function streams(pdf: Buffer): { dict: string; data: Buffer }[] {
  const text = pdf.toString('latin1');
  const out: { dict: string; data: Buffer }[] = [];
  for (const m of text.matchAll(/\n\d+ 0 obj\n(<<[\s\S]*?>>)\nstream\n/g)) {
    const dict = m[1]!;
    const at = m.index + m[0].length;
    out.push({ dict, data: pdf.subarray(at, at + Number(/\/Length (\d+)/.exec(dict)![1])) });
  }
  return out;
}

// pdfkit and fontkit are pinned (package.json); these fail when an upgrade changes an internal that
// src/pdf/pdfkit-adapter.ts relies on.
describe('pdfkit and fontkit internals (pdfkit-adapter.ts)', () => {
  const fonts = sharedFonts();
  const regular = fonts.regular as fontkit.Font;

  it('pdfkit lays every word out through the font object the adapter replaces', async () => {
    const doc = openDocument({ title: 'adapter', fonts });
    const runs = wordRuns(regular);
    const asked: string[] = [];
    shareFontWork(doc, 'regular', regular, (text): ScaledRun => {
      asked.push(text);
      return runs.run(text);
    });
    doc.addPage();
    doc.font('regular').fontSize(12).text('Xin chào Việt Nam', 50, 50);
    expect(asked).toEqual(expect.arrayContaining(['Xin ', 'chào ', 'Việt ', 'Nam']));
    const [page] = await pdfPages(await toBuffer(doc));
    expect(page).toContain('Xin chào Việt Nam');
  });

  it('a prepared subset is embedded as made: the font file deflated once, its Length1, copyable text', async () => {
    const face = new PreparedFace(regular, ['Xin chào']);
    const doc = openDocument({ title: 'adapter', fonts });
    const runs = wordRuns(regular);
    shareFontWork(doc, 'regular', regular, (text) => runs.run(text), face);
    doc.addPage();
    doc.font('regular').fontSize(12).text('Xin chào Đỗ Thị Ỷ', 50, 50);
    const pdf = await toBuffer(doc);
    const file = streams(pdf).find((s) => s.data.equals(face.file));
    expect(file?.dict).toContain(`/Length1 ${face.fileLength}`);
    expect(file?.dict.match(/\/Filter/g)).toHaveLength(1);
    const [page] = await pdfPages(pdf);
    expect(page).toContain('Xin chào Đỗ Thị Ỷ');
  });

  it('a glyph missing from a prepared subset fails loudly instead of printing a blank', () => {
    const face = new PreparedFace(regular, []);
    const doc = openDocument({ title: 'adapter', fonts });
    shareFontWork(doc, 'regular', regular, (text) => wordRuns(regular).run(text), face);
    doc.addPage();
    expect(() => doc.font('regular').text('山', 50, 50)).toThrow(/not in the prepared font subset/);
  });

  it('pdfkit compresses through zlib.deflateSync, which withFastDeflate sets to level 1 for that call only', async () => {
    const original = zlib.deflateSync;
    const doc = openDocument({ title: 'adapter', fonts: fontFiles() });
    doc.addPage();
    doc.font('regular').fontSize(12).text('Xin chào', 50, 50);
    const pdf = await toBuffer(doc); // ends the document inside withFastDeflate
    expect(zlib.deflateSync).toBe(original);
    const deflated = streams(pdf).filter((s) => s.dict.includes('/FlateDecode'));
    expect(deflated.length).toBeGreaterThanOrEqual(3); // page content, font file, ToUnicode map
    // zlib's header says the level: 78 01 is level 1 (78 9C would be pdfkit's default, level 6).
    for (const s of deflated) expect(s.data.subarray(0, 2).toString('hex')).toBe('7801');
    expect(() =>
      withFastDeflate(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(zlib.deflateSync).toBe(original);
  });

  it("fontkit's includeGlyph answers the glyph's id in the subset", () => {
    const subset = createSubset(regular);
    const a = regular.glyphForCodePoint(0x41).id;
    const b = regular.glyphForCodePoint(0x1ec7).id; // ệ
    expect(subset.includeGlyph(a)).toBe(1);
    expect(subset.includeGlyph(b)).toBe(2);
    expect(subset.includeGlyph(a)).toBe(1);
    const file = fontkit.create(Buffer.from(subset.encode())) as fontkit.Font; // a TrueType file
    expect(file.numGlyphs).toBeGreaterThanOrEqual(3);
  });

  it('fontkit decodes a glyph for every subset, and once through withDecodedGlyphs', () => {
    // A font of its own, so that no glyph object is already wrapped.
    const font = fontkit.create(readFileSync(FONT_FILES.regular)) as fontkit.Font;
    const glyph = font.glyphForCodePoint(0x1ec7); // ệ, a composite: e + marks
    const proto = Object.getPrototypeOf(glyph) as { _decode: () => unknown };
    const decode = vi.spyOn(proto, '_decode');
    try {
      const subsetOf = (f: fontkit.Font) => {
        const s = createSubset(f);
        s.includeGlyph(glyph.id);
        s.encode();
      };
      subsetOf(font);
      const once = decode.mock.calls.length;
      expect(once).toBeGreaterThan(0);
      subsetOf(font);
      expect(decode.mock.calls.length).toBe(2 * once);

      const wrapped = withDecodedGlyphs(font);
      subsetOf(wrapped);
      const afterWrapped = decode.mock.calls.length;
      subsetOf(wrapped);
      subsetOf(wrapped);
      expect(decode.mock.calls.length).toBe(afterWrapped);
    } finally {
      decode.mockRestore();
    }
  });
});
