import zlib from 'node:zlib';
import type * as fontkit from 'fontkit';
import { type WordRuns, wordRuns } from './fonts.ts';
import { createSubset, type PreparedSubset } from './pdfkit-adapter.ts';

/**
 * A font subset made once per template and weight, and embedded as-is in every document printed from
 * that template: the glyphs of the template's own text in that weight (its labels in vi/ja/en, every
 * variant), of the vocabulary its renderer fills in (course kinds, the Japanese date) and of every
 * letter of Vietnamese and ASCII. pdfkit otherwise subsets and compresses each
 * font again for every document — ~40 % of the time a certificate took. A document whose text needs a
 * glyph the subset lacks (a name in Japanese, a rare letter) is printed the ordinary way; see `covers`,
 * which template.ts asks before a document (or a batch) is begun. pdfkit-adapter.ts embeds it.
 */

/** Every letter of Vietnamese (NFC), ASCII and the punctuation the templates and renderers write. */
const BASE_TEXT = [
  Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join(''),
  'ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư',
  Array.from({ length: 0x1ef9 - 0x1ea0 + 1 }, (_, i) => String.fromCharCode(0x1ea0 + i)).join(''),
  '–—‘’“”…·',
].join('');

export class PreparedFace implements PreparedSubset {
  /** Glyph id in the font → glyph id in the subset. */
  readonly gids = new Map<number, number>();
  /** The subset as a TrueType file, deflated once. */
  readonly file: Buffer;
  readonly fileLength: number;
  /** The font's word runs, shared with every document (fonts.ts). */
  private readonly runs: WordRuns;
  private readonly scale: number;
  /**
   * Width and text of every glyph of the subset, by subset id. pdfkit fills these per document as glyphs
   * are used and writes the widths out whole (the /W array), so they must have no holes; given
   * complete, they are only read and can be shared by every document.
   */
  readonly widths: number[] = [];
  readonly unicode: number[][] = [];
  /** The ToUnicode CMap of the whole subset (what makes the text copyable), deflated once. */
  readonly toUnicode: Buffer;

  constructor(
    readonly font: fontkit.Font,
    texts: Iterable<string>,
  ) {
    const subset = createSubset(font);
    this.scale = 1000 / font.unitsPerEm;
    this.runs = wordRuns(font);
    const include = (glyph: fontkit.Glyph) => {
      if (this.gids.has(glyph.id)) return;
      const gid = subset.includeGlyph(glyph.id);
      this.gids.set(glyph.id, gid);
      this.widths[gid] = glyph.advanceWidth * this.scale;
      this.unicode[gid] = glyph.codePoints.length ? glyph.codePoints : [0];
    };
    include(font.getGlyph(0));
    // Shaped, not looked up in the cmap: the font's default features swap some glyphs (its digits, for
    // one), so a letter is covered by the glyphs layout gives it, alone and between others.
    for (const ch of BASE_TEXT) {
      for (const glyph of font.layout(ch).glyphs) if (glyph.id !== 0) include(glyph);
    }
    for (const text of [BASE_TEXT, ...texts]) {
      for (const word of words(text)) for (const glyph of font.layout(word).glyphs) include(glyph);
    }
    const raw = subset.encode();
    this.fileLength = raw.length;
    this.file = zlib.deflateSync(raw, { level: 9 });
    this.toUnicode = zlib.deflateSync(Buffer.from(toUnicodeCmap(this.unicode), 'latin1'), { level: 9 });
  }

  /**
   * Whether every glyph of `text` is in the subset, shaped as pdfkit shapes it: word by word, and
   * letter by letter for a word that wraps inside (pdfkit breaks an over-long word between letters).
   */
  covers(text: string): boolean {
    for (const word of words(text)) {
      for (const glyph of this.runs.run(word).glyphs) if (!this.gids.has(glyph.id)) return false;
      for (const ch of word) {
        for (const glyph of this.runs.run(ch).glyphs) if (!this.gids.has(glyph.id)) return false;
      }
    }
    return true;
  }
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** A ToUnicode CMap for glyph ids 0…n−1 → their code points (UTF-16), as pdfkit writes one. */
function toUnicodeCmap(unicode: number[][]): string {
  const entries = unicode.map((codePoints) => {
    const units: string[] = [];
    for (let value of codePoints) {
      if (value > 0xffff) {
        value -= 0x10000;
        units.push(hex4(((value >>> 10) & 0x3ff) | 0xd800));
        value = 0xdc00 | (value & 0x3ff);
      }
      units.push(hex4(value));
    }
    return `<${units.join(' ')}>`;
  });
  const ranges: string[] = [];
  for (let start = 0; start < entries.length; start += 256) {
    const end = Math.min(start + 256, entries.length);
    ranges.push(`<${hex4(start)}> <${hex4(end - 1)}> [${entries.slice(start, end).join(' ')}]`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo <<',
    '  /Registry (Adobe)',
    '  /Ordering (UCS)',
    '  /Supplement 0',
    '>> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000><ffff>',
    'endcodespacerange',
    `${ranges.length} beginbfrange`,
    ...ranges,
    'endbfrange',
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

/** The pieces pdfkit lays out one at a time: each word with the spaces after it. */
function words(text: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      out.push(text.slice(last, i + 1));
      last = i + 1;
    }
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
