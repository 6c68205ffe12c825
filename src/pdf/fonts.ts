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

interface CachedRun {
  glyphs: fontkit.Glyph[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[];
}

const LAYOUT_CACHE_LIMIT = 20_000;

/**
 * Shaping a string (GSUB/GPOS lookups) is the costliest step after subsetting, and certificates repeat
 * the same labels on every page. pdfkit caches layouts per document only, so this wraps the parsed font
 * and remembers layouts across documents. pdfkit scales the positions it gets in place, hence a fresh
 * copy of the positions on every call.
 */
function withLayoutCache(font: fontkit.Font): fontkit.Font {
  const cache = new Map<string, CachedRun>();
  const wrapped = Object.create(font) as fontkit.Font;
  Object.defineProperty(wrapped, 'layout', {
    value(text: string, features?: unknown) {
      if (features) return font.layout(text, features as string[]);
      let run = cache.get(text);
      if (!run) {
        const fresh = font.layout(text);
        run = {
          glyphs: fresh.glyphs,
          positions: fresh.positions.map((p) => ({
            xAdvance: p.xAdvance,
            yAdvance: p.yAdvance,
            xOffset: p.xOffset,
            yOffset: p.yOffset,
          })),
        };
        if (cache.size >= LAYOUT_CACHE_LIMIT) cache.clear();
        cache.set(text, run);
      }
      const positions = run.positions.map((p) => ({ ...p }));
      return {
        glyphs: run.glyphs,
        positions,
        get advanceWidth() {
          let width = 0;
          for (const p of positions) width += p.xAdvance;
          return width;
        },
      };
    },
  });
  // Subsetting asks each glyph for its decoded outline only to learn whether it is a composite (most
  // precomposed Vietnamese letters are: base + mark) and which glyphs it is built from. fontkit keeps
  // glyph objects but decodes them again for every document, so remember the decoded form on the glyph.
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
    const load = (file: string) => withLayoutCache(fontkit.create(readFileSync(file)) as fontkit.Font);
    shared = { regular: load(FONT_FILES.regular), bold: load(FONT_FILES.bold) };
  }
  return shared;
}

/** The naive path, for comparison in the benchmark: pdfkit reads and parses the files per document. */
export function fontFiles(): Record<FontName, FontSource> {
  return { ...FONT_FILES };
}
