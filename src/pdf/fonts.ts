import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { type FontSource, type ScaledRun, withDecodedGlyphs } from './pdfkit-adapter.ts';

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

export type { FontSource };

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
