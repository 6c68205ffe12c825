import zlib from 'node:zlib';
import type * as fontkit from 'fontkit';

/**
 * A font subset made once per template and weight, and embedded as-is in every document printed from
 * that template: the glyphs of the template's own text in that weight (its labels in vi/ja/en, every
 * variant), of the vocabulary its renderer fills in (course kinds, the Japanese date) and of every
 * letter of Vietnamese and ASCII. pdfkit otherwise subsets and compresses each
 * font again for every document — ~40 % of the time a certificate took. A document whose text needs a
 * glyph the subset lacks (a name in Japanese, a rare letter) is printed the ordinary way; see `covers`.
 */

/** Every letter of Vietnamese (NFC), ASCII and the punctuation the templates and renderers write. */
const BASE_TEXT = [
  Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join(''),
  'ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư',
  Array.from({ length: 0x1ef9 - 0x1ea0 + 1 }, (_, i) => String.fromCharCode(0x1ea0 + i)).join(''),
  '–—‘’“”…·',
].join('');

/** The run pdfkit keeps per word: glyphs and positions scaled to 1/1000 em. Read-only once made. */
interface ScaledRun {
  glyphs: fontkit.Glyph[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }[];
  advanceWidth: number;
}

/** The members of pdfkit's (internal) EmbeddedFont that a prepared face replaces. */
interface PdfkitEmbeddedFont {
  font: fontkit.Font;
  scale: number;
  document: { ref(data?: Record<string, unknown>): unknown };
  subset: unknown;
  widths: number[];
  unicode: number[][];
  embed(): unknown;
  layoutCached(text: string): ScaledRun;
  toUnicodeCmap(): unknown;
}

/** Raised while drawing when the text needs a glyph the prepared subset lacks. */
export class GlyphNotPrepared extends Error {
  constructor(readonly glyphId: number) {
    super(`glyph ${glyphId} is not in the prepared font subset`);
  }
}

const RUN_CACHE_LIMIT = 20_000;

export class PreparedFace {
  /** Glyph id in the font → glyph id in the subset. */
  private readonly gids = new Map<number, number>();
  /** The subset as a TrueType file, deflated once. */
  private readonly file: Buffer;
  private readonly fileLength: number;
  /** pdfkit caches the runs of a word per document; this keeps them across documents. */
  private readonly runs = new Map<string, ScaledRun>();
  private readonly scale: number;
  /**
   * Width and text of every glyph of the subset, by subset id. pdfkit fills these per document as glyphs
   * are used and writes them out whole (the /W array, the ToUnicode map), so they must have no holes;
   * given complete, they are only read and can be shared by every document.
   */
  private readonly widths: number[] = [];
  private readonly unicode: number[][] = [];
  /** The ToUnicode CMap of the whole subset (what makes the text copyable), deflated once. */
  private readonly toUnicode: Buffer;

  constructor(
    readonly font: fontkit.Font,
    texts: Iterable<string>,
  ) {
    // fontkit's typings say includeGlyph returns a boolean; it returns the glyph's id in the subset.
    const subset = font.createSubset() as unknown as {
      includeGlyph(id: number): number;
      encode(): Uint8Array;
    };
    this.scale = 1000 / font.unitsPerEm;
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

  /** Whether every glyph of `text`, shaped as pdfkit shapes it (word by word), is in the subset. */
  covers(text: string): boolean {
    for (const word of words(text)) {
      for (const glyph of this.run(word).glyphs) if (!this.gids.has(glyph.id)) return false;
    }
    return true;
  }

  private run(word: string): ScaledRun {
    let run = this.runs.get(word);
    if (!run) {
      const laid = this.font.layout(word);
      const positions = laid.positions.map((p, i) => ({
        xAdvance: p.xAdvance * this.scale,
        yAdvance: p.yAdvance * this.scale,
        xOffset: p.xOffset * this.scale,
        yOffset: p.yOffset * this.scale,
        advanceWidth: laid.glyphs[i]!.advanceWidth * this.scale,
      }));
      let advanceWidth = 0;
      for (const p of positions) advanceWidth += p.xAdvance;
      run = { glyphs: laid.glyphs, positions, advanceWidth };
      if (this.runs.size >= RUN_CACHE_LIMIT) this.runs.clear();
      this.runs.set(word, run);
    }
    return run;
  }

  /**
   * Makes pdfkit's font object of one document use this subset: glyph ids map through the prepared
   * table, word runs come from the shared cache (pdfkit only reads them), and the font file is written
   * already deflated (a `Filter` on the stream keeps pdfkit from compressing it again).
   */
  attach(embedded: PdfkitEmbeddedFont): void {
    if (embedded.font !== this.font) throw new Error('PreparedFace.attach: a different font');
    if (embedded.scale !== this.scale) throw new Error('PreparedFace.attach: unexpected scale');
    const { gids, file, fileLength } = this;
    embedded.subset = {
      cff: null,
      includeGlyph(id: number) {
        const gid = gids.get(id);
        if (gid === undefined) throw new GlyphNotPrepared(id);
        return gid;
      },
      encode: () => file,
    };
    embedded.widths = this.widths;
    embedded.unicode = this.unicode;
    embedded.layoutCached = (text: string) => this.run(text);
    const toUnicode = this.toUnicode;
    embedded.toUnicodeCmap = function (this: PdfkitEmbeddedFont) {
      const cmap = this.document.ref({ Filter: 'FlateDecode' }) as { end(chunk: Uint8Array): void };
      cmap.end(toUnicode);
      return cmap;
    };
    const embed = embedded.embed;
    embedded.embed = function (this: PdfkitEmbeddedFont) {
      // The first object pdfkit's embed() creates is the font file stream.
      const doc = this.document;
      const ref = doc.ref;
      doc.ref = (data?: Record<string, unknown>) => {
        doc.ref = ref;
        return ref.call(doc, { ...data, Filter: 'FlateDecode', Length1: fileLength });
      };
      try {
        return embed.call(this);
      } finally {
        doc.ref = ref;
      }
    };
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
