import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from '../lib/zod.ts';
import { PreparedFace } from './embedding.ts';
import { type FontName, type FontSource, wordRuns } from './fonts.ts';
import { openDocument, shareFontWork, withFastDeflate } from './pdfkit-adapter.ts';
import { drawQr } from './qr.ts';

/**
 * Layouts live in `templates/*.json` as data: page, strings in vi/ja/en, and the elements to draw with
 * their positions (PDF points, origin top left). Text is written `{vi.title}` or `{doc.holderName}`;
 * `vi`/`ja`/`en` are the template's strings (plus the variant's, e.g. the certificate type), `doc` the
 * values the renderer of that document kind supplies. A template is checked when it is loaded, so a
 * broken layout fails at start-up, not on the first print.
 */
const templatesDir = new URL('../../templates/', import.meta.url);

const LANGS = ['vi', 'ja', 'en'] as const;
type Lang = (typeof LANGS)[number];

const num = z.number().min(0).max(2000);
const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/)
  .default('#000000');
const fontName = z.enum(['regular', 'bold']).default('regular');
const when = z
  .string()
  .regex(/^doc\.\w+$/)
  .optional();

const textElement = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  when,
  x: num,
  y: num,
  width: num,
  /** Height of the box; `maxLines` lines at `size` unless given. Wrapped text shrinks until it fits. */
  height: num.optional(),
  size: z.number().min(3).max(72),
  /** Smallest size a single line may shrink to before the text wraps (when maxLines > 1). */
  minSize: z.number().min(3).max(72).optional(),
  maxLines: z.number().int().min(1).max(20).default(1),
  font: fontName,
  align: z.enum(['left', 'center', 'right']).default('left'),
  color,
});

const rowsElement = z.strictObject({
  type: z.literal('rows'),
  x: num,
  y: num,
  width: num,
  labelWidth: num,
  rowHeight: num,
  labelSize: z.number(),
  subLabelSize: z.number(),
  valueSize: z.number(),
  minValueSize: z.number(),
  valueLines: z.number().int().min(1).max(5).default(1),
  rule: z.boolean().default(false),
  rows: z.array(
    z.strictObject({
      label: z.string(),
      subLabel: z.string().optional(),
      value: z.string(),
      valueFont: fontName,
      /** Lines the value may wrap to, instead of the element's valueLines. */
      valueLines: z.number().int().min(1).max(5).optional(),
      when,
    }),
  ),
});

const element = z.discriminatedUnion('type', [
  textElement,
  rowsElement,
  z.strictObject({ type: z.literal('frame'), inset: num, lineWidth: z.number(), color }),
  z.strictObject({
    type: z.literal('line'),
    x1: num,
    y1: num,
    x2: num,
    y2: num,
    lineWidth: z.number(),
    color,
  }),
  z.strictObject({ type: z.literal('qr'), value: z.string(), x: num, y: num, size: num }),
]);

const strings = z.record(z.string(), z.string());
const templateSchema = z.strictObject({
  name: z.string(),
  page: z.strictObject({ size: z.literal('A4'), layout: z.enum(['portrait', 'landscape']) }),
  strings: z.strictObject({ vi: strings, ja: strings, en: strings }),
  variants: z.record(
    z.string(),
    z.strictObject({ vi: strings.optional(), ja: strings.optional(), en: strings.optional() }),
  ),
  elements: z.array(element),
});

type Element = z.infer<typeof element>;
export type TemplateDef = z.infer<typeof templateSchema>;

/** A text with `{scope.key}` placeholders, split once at load time. */
type Compiled = (string | { scope: 'doc' | Lang; key: string })[];

function compile(text: string, where: string): Compiled {
  const out: Compiled = [];
  const re = /\{(\w+)\.(\w+)\}/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const scope = m[1]!;
    if (scope !== 'doc' && !(LANGS as readonly string[]).includes(scope)) {
      throw new Error(`Template ${where}: unknown placeholder scope in {${scope}.${m[2]}}`);
    }
    out.push({ scope: scope as 'doc' | Lang, key: m[2]! });
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export type DocValues = Record<string, string | number | null>;

export interface RenderContext {
  strings: Record<Lang, Record<string, string>>;
  doc: DocValues;
}

const EMPTY = '—';

function fill(parts: Compiled, ctx: RenderContext, template: string): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      out += p;
    } else if (p.scope === 'doc') {
      if (!(p.key in ctx.doc))
        throw new Error(`Template ${template}: the renderer supplies no {doc.${p.key}}`);
      const v = ctx.doc[p.key];
      out += v === null || v === undefined || v === '' ? EMPTY : String(v);
    } else {
      const v = ctx.strings[p.scope][p.key];
      if (v === undefined) throw new Error(`Template ${template}: no string {${p.scope}.${p.key}}`);
      out += v;
    }
  }
  return out;
}

function isShown(whenPath: string | undefined, ctx: RenderContext): boolean {
  if (!whenPath) return true;
  const v = ctx.doc[whenPath.slice(4)];
  return v !== null && v !== undefined && v !== '';
}

interface TextBox {
  x: number;
  y: number;
  width: number;
  height?: number | undefined;
  size: number;
  minSize?: number | undefined;
  maxLines: number;
  font: FontName;
  align: 'left' | 'center' | 'right';
  color: string;
}

/**
 * Draws text inside a box without ever cutting it: a line too wide first shrinks (down to minSize),
 * then wraps inside the box's height when more lines are allowed, and only then shrinks further.
 */
export function drawText(doc: PDFKit.PDFDocument, text: string, box: TextBox): void {
  doc.font(box.font).fillColor(box.color).fontSize(box.size);
  const nominalHeight = doc.currentLineHeight(true);
  const naturalWidth = doc.widthOfString(text);
  const fitSize = naturalWidth > box.width ? (box.size * box.width) / naturalWidth : box.size;
  const minSize = box.minSize ?? box.size;
  if (fitSize >= minSize || box.maxLines === 1) {
    const size = Math.max(3, Math.floor(fitSize * 100) / 100);
    doc.fontSize(size);
    const width = (naturalWidth * size) / box.size;
    const dx =
      box.align === 'center' ? (box.width - width) / 2 : box.align === 'right' ? box.width - width : 0;
    const dy = (nominalHeight - doc.currentLineHeight(true)) / 2;
    doc.text(text, box.x + dx, box.y + dy, { lineBreak: false });
    return;
  }
  const height = box.height ?? nominalHeight * box.maxLines;
  let size = box.size;
  for (; size > 3; size -= 0.5) {
    doc.fontSize(size);
    const lines = Math.round(doc.heightOfString(text, { width: box.width }) / doc.currentLineHeight(true));
    if (lines <= box.maxLines && lines * doc.currentLineHeight(true) <= height + 0.5) break;
  }
  doc.text(text, box.x, box.y, { width: box.width, align: box.align, lineGap: 0 });
}

/** What a template's elements are drawn with: a PDF page, or a collector of the text. */
interface Painter {
  text(text: string, box: TextBox): void;
  rect(x: number, y: number, width: number, height: number, lineWidth: number, color: string): void;
  line(x1: number, y1: number, x2: number, y2: number, lineWidth: number, color: string): void;
  qr(value: string, x: number, y: number, size: number): void;
}

function pdfPainter(doc: PDFKit.PDFDocument): Painter {
  return {
    text: (text, box) => drawText(doc, text, box),
    rect: (x, y, width, height, lineWidth, color) =>
      doc.lineWidth(lineWidth).strokeColor(color).rect(x, y, width, height).stroke(),
    line: (x1, y1, x2, y2, lineWidth, color) =>
      doc.lineWidth(lineWidth).strokeColor(color).moveTo(x1, y1).lineTo(x2, y2).stroke(),
    qr: (value, x, y, size) => drawQr(doc, value, x, y, size),
  };
}

export interface LoadedTemplate {
  readonly def: TemplateDef;
  readonly size: [number, number];
  stringsFor(variant?: string): Record<Lang, Record<string, string>>;
  /** Draws one page of this template into `doc`. */
  drawPage(doc: PDFKit.PDFDocument, ctx: RenderContext): void;
  /** The text one page would show, by font weight. */
  texts(ctx: RenderContext): Record<FontName, string[]>;
  /**
   * The font subsets prepared for this template (made at the first call per font), or undefined when
   * the template is not prepared or the fonts are file paths, which pdfkit reads and subsets per document.
   */
  facesFor(fonts: Record<FontName, FontSource>): Record<FontName, PreparedFace> | undefined;
}

type CompiledElement =
  | (Extract<Element, { type: 'text' }> & { compiled: Compiled })
  | (Extract<Element, { type: 'rows' }> & {
      compiledRows: {
        label: Compiled;
        subLabel?: Compiled;
        value: Compiled;
        valueFont: FontName;
        valueLines?: number;
        when?: string;
      }[];
    })
  | Extract<Element, { type: 'frame' | 'line' }>
  | (Extract<Element, { type: 'qr' }> & { compiled: Compiled });

const A4: [number, number] = [595.28, 841.89];

export interface TemplateOptions {
  /**
   * Embed one font subset made once for this template (see embedding.ts) rather than subsetting per
   * document. `vocabulary` lists the other texts the renderer fills in from closed sets (labels, date
   * words), so that documents using them still fit the prepared subset.
   */
  prepare?: { vocabulary: string[] };
  /** Strings kept outside the template (templates/vocabulary.json); the template's own take precedence. */
  strings?: Record<Lang, Record<string, string>>;
}

export function loadTemplate(name: string, options: TemplateOptions = {}): LoadedTemplate {
  const file = fileURLToPath(new URL(`${name}.json`, templatesDir));
  const parsed = templateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `Template ${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  const def = parsed.data;
  const size: [number, number] = def.page.layout === 'landscape' ? [A4[1], A4[0]] : A4;
  const elements: CompiledElement[] = def.elements.map((el, i) => {
    const where = `${name} element ${i}`;
    switch (el.type) {
      case 'text':
        return { ...el, compiled: compile(el.text, where) };
      case 'qr':
        return { ...el, compiled: compile(el.value, where) };
      case 'rows':
        return {
          ...el,
          compiledRows: el.rows.map((r) => ({
            label: compile(r.label, where),
            ...(r.subLabel !== undefined ? { subLabel: compile(r.subLabel, where) } : {}),
            value: compile(r.value, where),
            valueFont: r.valueFont,
            ...(r.valueLines !== undefined ? { valueLines: r.valueLines } : {}),
            ...(r.when !== undefined ? { when: r.when } : {}),
          })),
        };
      default:
        return el;
    }
  });
  const variantStrings = new Map<string, Record<Lang, Record<string, string>>>();
  const stringsFor = (variant?: string) => {
    const key = variant ?? '';
    let s = variantStrings.get(key);
    if (!s) {
      const v = variant ? def.variants[variant] : undefined;
      if (variant && !v) throw new Error(`Template ${name} has no variant ${variant}`);
      s = {
        vi: { ...options.strings?.vi, ...def.strings.vi, ...v?.vi },
        ja: { ...options.strings?.ja, ...def.strings.ja, ...v?.ja },
        en: { ...options.strings?.en, ...def.strings.en, ...v?.en },
      };
      variantStrings.set(key, s);
    }
    return s;
  };

  /** Goes through the page's elements in order, handing each drawing to `paint`. */
  const walk = (ctx: RenderContext, paint: Painter) => {
    for (const el of elements) {
      switch (el.type) {
        case 'frame':
          paint.rect(
            el.inset,
            el.inset,
            size[0] - 2 * el.inset,
            size[1] - 2 * el.inset,
            el.lineWidth,
            el.color,
          );
          break;
        case 'line':
          paint.line(el.x1, el.y1, el.x2, el.y2, el.lineWidth, el.color);
          break;
        case 'qr':
          paint.qr(fill(el.compiled, ctx, name), el.x, el.y, el.size);
          break;
        case 'text':
          if (isShown(el.when, ctx)) paint.text(fill(el.compiled, ctx, name), el);
          break;
        case 'rows': {
          let y = el.y;
          const valueWidth = el.width - el.labelWidth;
          if (el.rule) paint.line(el.x, y, el.x + el.width, y, 0.4, '#999999');
          for (const row of el.compiledRows) {
            if (!isShown(row.when, ctx)) continue;
            const label = { x: el.x + 2, width: el.labelWidth - 10, maxLines: 1, align: 'left' as const };
            paint.text(fill(row.label, ctx, name), {
              ...label,
              y: y + 3,
              size: el.labelSize,
              font: 'bold',
              color: '#222222',
            });
            if (row.subLabel) {
              paint.text(fill(row.subLabel, ctx, name), {
                ...label,
                y: y + 3 + el.labelSize * 1.42,
                size: el.subLabelSize,
                font: 'regular',
                color: '#666666',
              });
            }
            paint.text(fill(row.value, ctx, name), {
              x: el.x + el.labelWidth,
              y: y + 3,
              width: valueWidth,
              height: el.rowHeight - 5,
              size: el.valueSize,
              minSize: el.minValueSize,
              maxLines: row.valueLines ?? el.valueLines,
              font: row.valueFont,
              align: 'left',
              color: '#000000',
            });
            y += el.rowHeight;
            if (el.rule) paint.line(el.x, y - 1, el.x + el.width, y - 1, 0.4, '#999999');
          }
          break;
        }
      }
    }
  };

  const drawPage = (doc: PDFKit.PDFDocument, ctx: RenderContext) => {
    doc.addPage({ size, margin: 0 });
    walk(ctx, pdfPainter(doc));
  };

  const texts = (ctx: RenderContext) => {
    const out: Record<FontName, string[]> = { regular: [], bold: [] };
    walk(ctx, {
      rect() {},
      line() {},
      qr() {},
      text(text, box) {
        out[box.font].push(text);
      },
    });
    return out;
  };

  // The template's own text in each weight, whatever the document: every variant, every element shown.
  const anyValue = new Proxy({} as DocValues, { has: () => true, get: () => 'x' });
  const ownText = (): Record<FontName, string[]> => {
    const out: Record<FontName, string[]> = { regular: [], bold: [] };
    const variants = Object.keys(def.variants);
    for (const variant of variants.length ? variants : [undefined]) {
      const t = texts({ strings: stringsFor(variant), doc: anyValue });
      out.regular.push(...t.regular);
      out.bold.push(...t.bold);
    }
    return out;
  };
  const prepared = new WeakMap<object, PreparedFace>();
  const facesFor = (fonts: Record<FontName, FontSource>) => {
    if (!options.prepare) return undefined;
    const vocabulary = options.prepare.vocabulary;
    const faces = {} as Record<FontName, PreparedFace>;
    let own: Record<FontName, string[]> | undefined;
    for (const weight of ['regular', 'bold'] as const) {
      const font = fonts[weight];
      if (typeof font === 'string') return undefined;
      let face = prepared.get(font);
      if (!face) {
        own ??= ownText();
        face = new PreparedFace(font, [...own[weight], ...vocabulary]);
        prepared.set(font, face);
      }
      faces[weight] = face;
    }
    return faces;
  };

  return { def, size, stringsFor, drawPage, texts, facesFor };
}

export interface NewDocumentOptions {
  fonts: Record<FontName, FontSource>;
  title: string;
  /** Prepared subsets to embed instead of subsetting the fonts for this document. */
  faces?: Record<FontName, PreparedFace> | undefined;
}

/** A PDF with the fonts registered and no page yet; every template page adds its own. */
export function newDocument(opts: NewDocumentOptions): PDFKit.PDFDocument {
  // No default Helvetica: every glyph comes from the embedded, subset Noto font.
  const doc = openDocument({ title: opts.title, fonts: opts.fonts });
  // Parsed fonts (not file paths) share their word runs across documents, and the prepared subsets
  // when the caller has them.
  for (const weight of ['regular', 'bold'] as const) {
    const source = opts.fonts[weight];
    if (typeof source === 'string') continue;
    const runs = wordRuns(source);
    shareFontWork(doc, weight, source, (text) => runs.run(text), opts.faces?.[weight]);
  }
  return doc;
}

/**
 * The prepared subsets when they hold every glyph of these pages, else undefined (the document is then
 * subset the ordinary way, as when a name is written in Japanese).
 */
export function facesCovering(
  template: LoadedTemplate,
  fonts: Record<FontName, FontSource>,
  pages: RenderContext[],
): Record<FontName, PreparedFace> | undefined {
  const faces = template.facesFor(fonts);
  if (!faces) return undefined;
  for (const ctx of pages) {
    const texts = template.texts(ctx);
    for (const weight of ['regular', 'bold'] as const) {
      for (const text of texts[weight]) if (!faces[weight].covers(text)) return undefined;
    }
  }
  return faces;
}

/** One page of a template as a finished PDF, with the prepared subsets when they cover its text. */
export function renderPage(
  template: LoadedTemplate,
  fonts: Record<FontName, FontSource>,
  ctx: RenderContext,
  title: string,
): Promise<Buffer> {
  const doc = newDocument({ fonts, title, faces: facesCovering(template, fonts, [ctx]) });
  template.drawPage(doc, ctx);
  return toBuffer(doc);
}

/** Collects a finished document into one Buffer. */
export function toBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    withFastDeflate(() => doc.end());
  });
}
