import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

const require = createRequire(import.meta.url);

/**
 * Noto Sans JP (SIL Open Font License 1.1, from the `@expo-google-fonts/noto-sans-jp` package): one
 * family that covers Japanese and every precomposed Vietnamese letter (ạ ầ ể ố ờ ự Đ …), so names and
 * employer names never fall back to a missing glyph. TrueType outlines subset quickly.
 */
export const FONT_FILES = {
  regular: require.resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf'),
} as const;

export type FontName = keyof typeof FONT_FILES;

/** What pdfkit's `registerFont` is given: a fontkit font object (pdfkit 0.20 accepts one), or a file path. */
export type FontSource = fontkit.Font | string;

/** A word as pdfkit lays it out: glyphs and positions scaled to 1/1000 em. Only read once made. */
export interface ScaledRun {
  glyphs: fontkit.Glyph[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }[];
  advanceWidth: number;
}

/** The members of pdfkit's (internal) per-document font object that this project replaces. */
export interface PdfkitEmbeddedFont {
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

const RUN_CACHE_LIMIT = 20_000;

/**
 * Shaping a word (GSUB/GPOS lookups) is the costliest step of laying text out, and documents repeat
 * the same labels and names. pdfkit keeps the runs of a document's words in that document only; these
 * are kept per parsed font, across documents (pdfkit only reads them), and given to every document.
 */
export class WordRuns {
  private readonly runs = new Map<string, ScaledRun>();
  private readonly scale: number;

  constructor(private readonly font: fontkit.Font) {
    this.scale = 1000 / font.unitsPerEm;
  }

  run(word: string): ScaledRun {
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

  /** Makes one document's font object take its word runs from here. */
  attach(embedded: PdfkitEmbeddedFont): void {
    if (embedded.font !== this.font || embedded.scale !== this.scale)
      throw new Error('WordRuns.attach: a different font');
    embedded.layoutCached = (text: string) => this.run(text);
  }
}

const wordRunsByFont = new WeakMap<fontkit.Font, WordRuns>();

/** The shared word runs of a parsed font. */
export function wordRuns(font: fontkit.Font): WordRuns {
  let runs = wordRunsByFont.get(font);
  if (!runs) {
    runs = new WordRuns(font);
    wordRunsByFont.set(font, runs);
  }
  return runs;
}

/**
 * Subsetting asks each glyph for its decoded outline only to learn whether it is a composite (most
 * precomposed Vietnamese letters are: base + mark) and which glyphs it is built from. fontkit keeps
 * glyph objects but decodes them again for every document, so the decoded form is kept on the glyph.
 */
function withDecodedGlyphs(font: fontkit.Font): fontkit.Font {
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

let shared: Record<FontName, FontSource> | undefined;

/** The fonts parsed once per process and reused by every document. */
export function sharedFonts(): Record<FontName, FontSource> {
  if (!shared) {
    const load = (file: string) => withDecodedGlyphs(fontkit.create(readFileSync(file)) as fontkit.Font);
    shared = { regular: load(FONT_FILES.regular), bold: load(FONT_FILES.bold) };
  }
  return shared;
}

/** The naive path, for comparison in the benchmark: pdfkit reads and parses the files per document. */
export function fontFiles(): Record<FontName, FontSource> {
  return { ...FONT_FILES };
}
