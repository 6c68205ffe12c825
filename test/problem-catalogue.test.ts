import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { problemCatalogue, problemTexts } from '../src/lib/problem-text.ts';
import { createTranslator, PLACEHOLDER, type Translator } from '../src/lib/translate.ts';
import { HTTP_TITLES } from '../src/plugins/errors.ts';

/**
 * Every text the service writes for a person in English — problem titles, details and field
 * messages, the reasons it records in a trainee's history — has its Vietnamese and Japanese in
 * templates/problems.json. The texts are read from the source itself (the TypeScript syntax tree),
 * so a message added without its translations fails here.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Found {
  where: string;
  text: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

type Fn = ts.FunctionLikeDeclaration;

/** `.regex(re, 'message')`, `.refine(fn, 'message')`, `.min(1, 'message')`: the argument that is a message. */
const ZOD_MESSAGE_ARG = new Map([
  ['regex', 1],
  ['refine', 1],
  ['min', 1],
  ['max', 1],
  ['length', 1],
]);

function fnName(fn: Fn): string | undefined {
  if (ts.isConstructorDeclaration(fn)) return (fn.parent as ts.ClassDeclaration).name?.text;
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const p = fn.parent;
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (e.kind === ts.SyntaxKind.SuperKeyword) {
    let n: ts.Node | undefined = call;
    while (n && !ts.isClassDeclaration(n)) n = n.parent;
    const base = (n as ts.ClassDeclaration | undefined)?.heritageClauses?.[0]?.types[0]?.expression;
    return base && ts.isIdentifier(base) ? base.text : undefined;
  }
  return undefined;
}

/** The name a `${…}` part gets in the template (`${candidate.status}` → `{status}`). */
function holeName(e: ts.Expression): string {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isCallExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e))
    return holeName(e.expression);
  if (ts.isBinaryExpression(e)) return holeName(e.left);
  return 'value';
}

/**
 * The English texts of src/ as templates (`{name}` for each variable part), and the reasons written
 * to the status history. A message is: the `message`/`detail`/`title` of a problem or field error,
 * an argument of `new AppError(…)`, of a zod rule or of any function that passes its parameter on to
 * one of those (found by following parameters until nothing new turns up), a `customError` answer,
 * what a `…Problem` function returns, and what is pushed onto a list of unmet requirements.
 */
function extractTexts(): { messages: Found[]; reasons: Found[] } {
  const files = sourceFiles(join(ROOT, 'src')).filter(
    // PDFs and the dashboard print from templates/; config.ts speaks to the operator at boot, in the log.
    (f) => !/[/\\](pdf|dashboard)[/\\]/.test(f) && !f.endsWith('.table.ts') && !f.endsWith('config.ts'),
  );
  const sources = files.map((f) =>
    ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true),
  );
  const sinks = new Map<string, Set<number>>([['AppError', new Set([2, 3])]]);
  const signature = () => [...sinks].map(([k, v]) => `${k}:${[...v].sort()}`).join(' ');
  let messages: Found[] = [];
  let reasons: Found[] = [];
  for (let pass = 0; pass < 10; pass++) {
    const before = signature();
    messages = [];
    reasons = [];
    for (const sf of sources) {
      const consts = new Map<string, ts.Expression>();
      const collect = (n: ts.Node) => {
        if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer)
          consts.set(n.name.text, n.initializer);
        ts.forEachChild(n, collect);
      };
      collect(sf);
      const paramOf = (id: ts.Identifier): [Fn, number] | undefined => {
        for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
          if (ts.isFunctionLike(n) && 'parameters' in n) {
            const i = (n as Fn).parameters.findIndex(
              (p) => ts.isIdentifier(p.name) && p.name.text === id.text,
            );
            if (i >= 0) return [n as Fn, i];
          }
        }
        return undefined;
      };
      const sinkParam = ([fn, i]: [Fn, number]) => {
        const name = fnName(fn);
        if (name) sinks.set(name, (sinks.get(name) ?? new Set()).add(i));
      };
      /** Texts met inside a template that are messages of their own (`${why}` where `why` is a local text). */
      const inner: ts.Expression[] = [];
      const values = (e: ts.Expression | undefined, seen = new Set<string>()): string[] => {
        if (!e) return [];
        if (ts.isStringLiteralLike(e)) return [e.text];
        if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return values(e.expression, seen);
        if (ts.isConditionalExpression(e)) return [...values(e.whenTrue, seen), ...values(e.whenFalse, seen)];
        if (ts.isBinaryExpression(e)) {
          const op = e.operatorToken.kind;
          if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken)
            return [...values(e.left, seen), ...values(e.right, seen)];
          if (op === ts.SyntaxKind.PlusToken) {
            const l = values(e.left, seen);
            const r = values(e.right, seen);
            return (l.length ? l : [`{${holeName(e.left)}}`]).flatMap((a) =>
              (r.length ? r : [`{${holeName(e.right)}}`]).map((b) => a + b),
            );
          }
          return [];
        }
        if (ts.isTemplateExpression(e)) {
          // Conditionals on the same condition take the same branch (`row${n === 1 ? '' : 's'} ${n === 1 ? 'has' : 'have'}`).
          let outs: { text: string; chose: Map<string, number> }[] = [
            { text: e.head.text, chose: new Map() },
          ];
          for (const span of e.templateSpans) {
            let x: ts.Expression = span.expression;
            while (ts.isParenthesizedExpression(x)) x = x.expression;
            const tail = span.literal.text;
            if (ts.isConditionalExpression(x)) {
              const key = x.condition.getText();
              const branches = [x.whenTrue, x.whenFalse].map((b) => {
                const v = values(b, seen);
                return v.length ? v : [`{${holeName(b)}}`];
              });
              outs = outs.flatMap((o) =>
                branches.flatMap((vs, i) =>
                  o.chose.has(key) && o.chose.get(key) !== i
                    ? []
                    : vs.map((v) => ({ text: o.text + v + tail, chose: new Map(o.chose).set(key, i) })),
                ),
              );
              continue;
            }
            const bound = ts.isIdentifier(x) && !paramOf(x) ? consts.get(x.text) : undefined;
            const literal = bound && ts.isStringLiteralLike(bound) ? bound.text : undefined;
            if (ts.isIdentifier(x) && literal === undefined) {
              const param = paramOf(x);
              if (param) sinkParam(param);
              else if (bound && !seen.has(x.text)) inner.push(bound);
            }
            const part = literal ?? `{${holeName(x)}}`;
            outs = outs.map((o) => ({ text: o.text + part + tail, chose: o.chose }));
          }
          return outs.map((o) => o.text);
        }
        if (ts.isIdentifier(e)) {
          const param = paramOf(e);
          if (param) {
            sinkParam(param);
            const init = param[0].parameters[param[1]]?.initializer;
            return init ? values(init, seen) : [];
          }
          const bound = consts.get(e.text);
          if (bound && !seen.has(e.text)) return values(bound, new Set([...seen, e.text]));
        }
        return [];
      };
      const take = (into: Found[], n: ts.Node, e: ts.Expression | undefined) => {
        inner.length = 0;
        const texts = values(e);
        for (const x of [...inner]) take(into, x, x);
        const line = sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
        for (const text of texts) {
          const words = text.replace(/\{[^}]*\}/g, '').trim();
          // Only parts (`${message}${at(cell)}`): each part is found where it is written.
          if (!/\p{L}/u.test(words)) continue;
          // One lower-case word is a value echoed in a sentence (a field, a status): the sentence has the entry.
          if (!/\s/.test(text.trim()) && /^[a-z]/.test(text.trim())) continue;
          into.push({ where: `${relative(ROOT, sf.fileName)}:${line}`, text });
        }
      };
      const visit = (n: ts.Node) => {
        if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name)) {
          const key = n.name.text;
          const siblings = (n.parent as ts.ObjectLiteralExpression).properties.map((p) =>
            p.name && ts.isIdentifier(p.name) ? p.name.text : '',
          );
          // An alert's message (`subjectType`) is not a problem answer: alerts are a list of their own.
          if (key === 'message' && !siblings.includes('subjectType')) take(messages, n, n.initializer);
          if ((key === 'detail' || key === 'title') && siblings.includes('status'))
            take(messages, n, n.initializer);
          if (key === 'reason' && siblings.includes('candidateId')) take(reasons, n, n.initializer);
        }
        if (ts.isShorthandPropertyAssignment(n)) {
          if (n.name.text === 'message' || n.name.text === 'detail') take(messages, n, n.name);
          if (n.name.text === 'reason') take(reasons, n, n.name);
        }
        if (ts.isReturnStatement(n) && n.expression) {
          let f: ts.Node | undefined = n.parent;
          while (f && !ts.isFunctionLike(f)) f = f.parent;
          const owner = f?.parent;
          const name = f && fnName(f as Fn);
          if (
            (owner &&
              ts.isPropertyAssignment(owner) &&
              ts.isIdentifier(owner.name) &&
              owner.name.text === 'customError') ||
            (name && /Problem$/.test(name))
          )
            take(messages, n, n.expression);
        }
        if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
          const name = calleeName(n);
          const args = n.arguments ?? ts.factory.createNodeArray();
          for (const i of (name && sinks.get(name)) || []) take(messages, n, args[i]);
          if (name && ZOD_MESSAGE_ARG.has(name) && ts.isPropertyAccessExpression(n.expression))
            take(messages, n, args[ZOD_MESSAGE_ARG.get(name)!]);
          if (
            name === 'push' &&
            ts.isPropertyAccessExpression(n.expression) &&
            /unmet|problems|why/i.test(n.expression.expression.getText())
          )
            for (const a of args) take(messages, n, a);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    if (signature() === before) break;
  }
  return { messages, reasons };
}

/** What the variable parts stand for when a template is tried against the catalogue. */
const SAMPLES: Record<string, string> = {
  // candidates.rows.ts `at(cell)`: where an import value was read.
  at: ' (value "31/02/1999", spreadsheet row 4)',
};
const sample = (template: string) =>
  template.trim().replace(/\{([^}]*)\}/g, (_, name: string) => SAMPLES[name] ?? `«${name}»`);

/** The text is an entry, or an entry whose parts are samples, values without words, or covered themselves. */
function covered(translator: Translator, text: string, depth = 0): boolean {
  const found = translator.match(text);
  if (!found || depth > 4) return false;
  return Object.values(found.values).every((value) => {
    const words = value.replace(/«[^»]*»/g, '').replace(/"[^"]*"/g, '');
    return !/\p{L}/u.test(words) || covered(translator, value.trim(), depth + 1);
  });
}

const { messages, reasons } = extractTexts();
const catalogue = problemCatalogue();

describe('the problem texts in Vietnamese and Japanese', () => {
  it('finds the messages of the source (the extraction itself works)', () => {
    const texts = new Set(messages.map((m) => m.text));
    expect(texts.size).toBeGreaterThan(200);
    // One of each kind of place a message is written.
    for (const known of [
      'must be exactly 12 digits (citizen identity card, CCCD)', // a zod rule
      '{what} was not found.', // lib/errors.ts, through its parameter
      'must be at least {minimum} characters', // customError
      'is not a known field', // the error handler
      'the candidate has not passed any course yet.', // a parameter passed on twice (transitionRefused)
      'is one of the most common passwords; choose another', // a …Problem function
    ])
      expect(texts, known).toContain(known);
    expect(reasons.map((r) => r.text)).toContain('selected for job order {id}');
  });

  it('every message written in src/ has a Vietnamese and a Japanese entry', () => {
    const translator = problemTexts();
    const missing = messages
      .filter(({ text }) => {
        const s = sample(text);
        return (
          !covered(translator, s) || translator.localise(s, 'vi') === s || translator.localise(s, 'ja') === s
        );
      })
      .map((m) => `${m.where}  ${JSON.stringify(m.text)}`);
    expect([...new Set(missing)], 'add these to templates/problems.json').toEqual([]);
  });

  it('every title the error handler gives has its entry', () => {
    const { localise } = problemTexts();
    for (const title of [...Object.values(HTTP_TITLES), 'Client Error', 'Internal Server Error']) {
      expect(localise(title, 'vi'), title).not.toBe(title);
      expect(localise(title, 'ja'), title).not.toBe(title);
    }
  });

  it('every reason the service writes in a status history has its entry (the web app shows it translated)', () => {
    const translator = createTranslator({ statusReasons: catalogue.statusReasons ?? {} });
    const missing = reasons.filter(({ text }) => !covered(translator, sample(text))).map((r) => r.text);
    expect(missing).toEqual([]);
  });

  it('the reasons the service wrote read in vi/ja as the workspace shows them, and typed ones as typed', () => {
    // web/src/strings.ts `statusReason`: the same translator over the `statusReasons` section alone.
    const { localise } = createTranslator({ statusReasons: catalogue.statusReasons ?? {} });
    expect(localise('Enrolled in Điều dưỡng K12', 'vi')).toBe('Ghi danh vào khóa Điều dưỡng K12');
    expect(localise('imported from CSV (import 7d1c)', 'ja')).toBe('CSV から取り込み（取込 7d1c）');
    expect(localise('early_termination', 'ja')).toBe('途中帰国');
    expect(localise('Enrolled in Điều dưỡng K12', 'en')).toBe('Enrolled in Điều dưỡng K12');
    expect(localise('Gia đình không đồng ý', 'vi')).toBe('Gia đình không đồng ý');
  });

  it('every entry has both translations, different from the English, with the same variable parts', () => {
    const names = (s: string) => [...s.matchAll(PLACEHOLDER)].map((m) => m[1]).sort();
    const bad: string[] = [];
    for (const [section, entries] of Object.entries(catalogue)) {
      for (const [en, to] of Object.entries(entries)) {
        for (const lang of ['vi', 'ja'] as const) {
          const text = to[lang];
          if (typeof text !== 'string' || !text.trim() || text === en)
            bad.push(`${section}: ${en} (${lang} missing or English)`);
          else if (names(text).join() !== names(en).join())
            bad.push(`${section}: ${en} (${lang} parts differ)`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('reading a text against the catalogue', () => {
  const translator = createTranslator({
    t: {
      '{what} was not found.': { vi: 'Không tìm thấy {what}.', ja: '{what}が見つかりません。' },
      'The candidate': { vi: 'học viên', ja: '研修生' },
      'is required': { vi: 'bắt buộc phải nhập', ja: '入力が必要です' },
      'The body is not valid: {list}.': {
        vi: 'Có lỗi trong dữ liệu gửi lên: {list}.',
        ja: '送信データに誤りがあります：{list}。',
      },
      'must be one of: {values}': {
        vi: 'phải là một trong các giá trị: {values}',
        ja: '次のいずれかにしてください：{values}',
      },
    },
  });

  it('translates the parts that are texts of their own, and echoes values as they are', () => {
    expect(translator.localise('The candidate was not found.', 'vi')).toBe('Không tìm thấy học viên.');
    expect(translator.localise('The job order was not found.', 'ja')).toBe('The job orderが見つかりません。');
    expect(translator.localise('must be one of: male, female', 'ja')).toBe(
      '次のいずれかにしてください：male, female',
    );
  });

  it('translates a list of field errors item by item, keeping each field name', () => {
    expect(
      translator.localise(
        'The body is not valid: fullName is required; gender must be one of: male, female.',
        'vi',
      ),
    ).toBe(
      'Có lỗi trong dữ liệu gửi lên: fullName bắt buộc phải nhập; gender phải là một trong các giá trị: male, female.',
    );
  });

  it('leaves English, and a text it does not know, as they are', () => {
    expect(translator.localise('The candidate was not found.', 'en')).toBe('The candidate was not found.');
    expect(translator.localise('Something new happened.', 'vi')).toBe('Something new happened.');
    expect(translator.localise('', 'ja')).toBe('');
  });
});
