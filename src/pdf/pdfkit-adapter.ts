import zlib from 'node:zlib';
import type * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';

/**
 * Every use this project makes of pdfkit's and fontkit's internals, and nothing else. pdfkit and fontkit
 * are pinned to exact versions in package.json; after an upgrade, the "pdfkit and fontkit internals"
 * tests in test/pdf.test.ts say which of the assumptions below no longer holds. The rest of src/pdf
 * uses only the functions exported here and pdfkit's public drawing API.
 *
 * The assumptions (pdfkit 0.20.2, fontkit 2.0.4):
 * - pdfkit's `registerFont` accepts a parsed fontkit font, and `font: null` leaves out Helvetica;
 * - after `doc.font(name)`, `doc._font` is that document's EmbeddedFont, whose `layoutCached(text)`
 *   lays every word out, whose `subset`, `widths` and `unicode` are read by `encode`/`embed`, whose
 *   `embed()` creates the font file stream as its first `document.ref()`, and whose `toUnicodeCmap()`
 *   returns the ref of the ToUnicode CMap; a ref whose data has a `Filter` is written as given;
 * - pdfkit compresses streams by calling `zlib.deflateSync` of the `zlib` module at each call;
 * - fontkit's `createSubset().includeGlyph(id)` returns the glyph's id in the subset (its typings say
 *   boolean), and its TrueType subset asks `this.font.getGlyph(id)._decode()` for each glyph.
 */

/** A word as pdfkit lays it out: glyphs and positions scaled to 1/1000 em. Only read once made. */
export interface ScaledRun {
  glyphs: fontkit.Glyph[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }[];
  advanceWidth: number;
}

/** What pdfkit's `registerFont` is given: a fontkit font object (pdfkit 0.20 accepts one), or a file path. */
export type FontSource = fontkit.Font | string;

/** The members of pdfkit's (internal) per-document font object that this adapter replaces or reads. */
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

/** fontkit's font subset as it behaves (its typings say `includeGlyph` returns a boolean). */
export interface FontSubset {
  /** The glyph's id in the subset. */
  includeGlyph(id: number): number;
  /** The subset as a font file. */
  encode(): Uint8Array;
}

export function createSubset(font: fontkit.Font): FontSubset {
  return font.createSubset() as unknown as FontSubset;
}

/** A font subset made in advance, to be embedded as-is in many documents (embedding.ts). */
export interface PreparedSubset {
  readonly font: fontkit.Font;
  /** Glyph id in the font → glyph id in the subset. */
  readonly gids: ReadonlyMap<number, number>;
  /** The subset as a TrueType file, deflated. */
  readonly file: Buffer;
  /** Length of the subset file before deflating. */
  readonly fileLength: number;
  /** Width (1/1000 em) and code points of every glyph of the subset, by subset id, without holes. */
  readonly widths: number[];
  readonly unicode: number[][];
  /** The ToUnicode CMap of the whole subset, deflated. */
  readonly toUnicode: Buffer;
}

/** A new PDF with the two fonts registered, no page and no default (Helvetica) font. */
export function openDocument(opts: {
  title: string;
  fonts: Record<'regular' | 'bold', FontSource>;
}): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    autoFirstPage: false,
    compress: true,
    pdfVersion: '1.7',
    font: null as unknown as string,
    info: { Title: opts.title, Producer: 'Kakehashi', Creator: 'Kakehashi' },
  });
  // pdfkit 0.20 takes a parsed fontkit font as well as a path; its typings only know paths and buffers.
  doc.registerFont('regular', opts.fonts.regular as unknown as string);
  doc.registerFont('bold', opts.fonts.bold as unknown as string);
  return doc;
}

const EMBEDDED_MEMBERS = ['embed', 'layoutCached', 'toUnicodeCmap'] as const;

/** pdfkit's font object of `doc` for the registered font `name`, checked to have what is replaced. */
function embeddedFont(doc: PDFKit.PDFDocument, name: string, font: fontkit.Font): PdfkitEmbeddedFont {
  doc.font(name);
  const embedded = (doc as unknown as { _font?: PdfkitEmbeddedFont })._font;
  if (!embedded || embedded.font !== font)
    throw new Error(`pdfkit-adapter: doc._font is not the font ${name}`);
  for (const member of EMBEDDED_MEMBERS) {
    if (typeof embedded[member] !== 'function')
      throw new Error(`pdfkit-adapter: pdfkit's font has no ${member}()`);
  }
  if (embedded.scale !== 1000 / font.unitsPerEm) throw new Error('pdfkit-adapter: unexpected font scale');
  return embedded;
}

/**
 * Makes the font `name` of `doc` (registered as the parsed `font`) take its word layouts from `layout`
 * (shared across documents, fonts.ts) and, when given, embed the prepared `subset` instead of subsetting
 * and compressing the font again: glyph ids map through the prepared table, and the font file and its
 * ToUnicode map are written already deflated (a `Filter` on the stream keeps pdfkit from compressing
 * them again).
 */
export function shareFontWork(
  doc: PDFKit.PDFDocument,
  name: string,
  font: fontkit.Font,
  layout: (text: string) => ScaledRun,
  subset?: PreparedSubset,
): void {
  const embedded = embeddedFont(doc, name, font);
  embedded.layoutCached = layout;
  if (!subset) return;
  if (subset.font !== font) throw new Error('pdfkit-adapter: a subset of a different font');
  const { gids, file, fileLength, toUnicode } = subset;
  embedded.subset = {
    cff: null,
    includeGlyph(id: number) {
      const gid = gids.get(id);
      // The caller checked the subset covers the text before the document was begun; a miss is a bug.
      if (gid === undefined) throw new Error(`glyph ${id} is not in the prepared font subset`);
      return gid;
    },
    encode: () => file,
  };
  embedded.widths = subset.widths;
  embedded.unicode = subset.unicode;
  embedded.toUnicodeCmap = function (this: PdfkitEmbeddedFont) {
    const cmap = this.document.ref({ Filter: 'FlateDecode' }) as { end(chunk: Uint8Array): void };
    cmap.end(toUnicode);
    return cmap;
  };
  const embed = embedded.embed;
  embedded.embed = function (this: PdfkitEmbeddedFont) {
    // The first object pdfkit's embed() creates is the font file stream.
    const document = this.document;
    const ref = document.ref;
    document.ref = (data?: Record<string, unknown>) => {
      document.ref = ref;
      return ref.call(document, { ...data, Filter: 'FlateDecode', Length1: fileLength });
    };
    try {
      return embed.call(this);
    } finally {
      document.ref = ref;
    }
  };
}

/**
 * `font`, with each glyph's decoded outline kept on the glyph. Subsetting asks each glyph for it only
 * to learn whether it is a composite (most precomposed Vietnamese letters are: base + mark) and which
 * glyphs it is built from; fontkit keeps glyph objects but decodes them again for every document.
 */
export function withDecodedGlyphs(font: fontkit.Font): fontkit.Font {
  const wrapped = Object.create(font) as fontkit.Font;
  const decoded = new WeakSet<object>();
  Object.defineProperty(wrapped, 'getGlyph', {
    value(id: number, codePoints?: number[]) {
      const glyph = font.getGlyph.call(wrapped, id, codePoints) as fontkit.Glyph & {
        _decode?: () => unknown;
      };
      if (glyph && typeof glyph._decode === 'function' && !decoded.has(glyph)) {
        decoded.add(glyph);
        const decode = glyph._decode;
        let done = false;
        let result: unknown;
        glyph._decode = function (this: unknown) {
          if (!done) {
            result = decode.call(this);
            done = true;
          }
          return result;
        };
      }
      return glyph;
    },
  });
  return wrapped;
}

const deflateSync = zlib.deflateSync;
const fastDeflateSync = ((buffer: zlib.InputType, options?: zlib.ZlibOptions) =>
  deflateSync(buffer, { level: 1, ...options })) as typeof zlib.deflateSync;

/**
 * Runs `fn` with zlib at level 1. pdfkit compresses every stream (page content, the two font subsets)
 * with `zlib.deflateSync` at the default level 6 and offers no option; at level 1 a certificate is
 * ~15 % faster to make and ~4 % larger (31 KB instead of 30 KB). pdfkit compresses synchronously while
 * a page ends or the document ends, so the swap is only ever seen by that synchronous call.
 */
export function withFastDeflate<T>(fn: () => T): T {
  zlib.deflateSync = fastDeflateSync;
  try {
    return fn();
  } finally {
    zlib.deflateSync = deflateSync;
  }
}
