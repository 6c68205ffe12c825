import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyRequest } from 'fastify';
import type { FieldError } from './errors.ts';
import { resolveLang } from './spreadsheet.ts';
import { type Catalogue, createTranslator, type Lang, type Translator } from './translate.ts';

/**
 * The problem answers in the reader's language: the English the code writes is the key of
 * templates/problems.json (a sibling of templates/vocabulary.json, kept apart because the web app
 * and the dashboard bundle vocabulary.json whole and never show these texts).
 */

let translator: Translator | undefined;
let catalogue: Catalogue | undefined;

export function problemCatalogue(): Catalogue {
  catalogue ??= JSON.parse(
    readFileSync(fileURLToPath(new URL('../../templates/problems.json', import.meta.url)), 'utf8'),
  ) as Catalogue;
  return catalogue;
}

/** The problem texts; the status-history reasons (`statusReasons`, shown by the web app) are left out. */
export function problemTexts(): Translator {
  if (!translator) {
    const { statusReasons, ...problems } = problemCatalogue();
    translator = createTranslator(problems);
  }
  return translator;
}

/** The language of a problem answer: the first of vi/ja/en that Accept-Language names; else English. */
export const problemLanguage = (request: FastifyRequest | undefined): Lang =>
  (request && resolveLang({}, request)) || 'en';

/** `title`, `detail` and each `errors[].message` in a language (English: unchanged). */
export function localiseProblem<
  P extends { title: string; detail: string; errors?: FieldError[] | undefined },
>(problem: P, lang: Lang): P {
  if (lang === 'en') return problem;
  const { localise } = problemTexts();
  return {
    ...problem,
    title: localise(problem.title, lang),
    detail: localise(problem.detail, lang),
    ...(problem.errors && {
      errors: problem.errors.map((e) => ({ ...e, message: localise(e.message, lang) })),
    }),
  };
}
