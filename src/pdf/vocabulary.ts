import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Labels in vi/ja/en for course kinds, programmes, fields and countries (templates/vocabulary.json). */
export interface Label {
  vi: string;
  ja: string;
  en: string;
}

interface Vocabulary {
  courseKinds: Record<string, Label>;
  programs: Record<string, Label>;
  fields: Record<string, Label>;
  countries: Record<string, Label>;
}

let vocabulary: Vocabulary | undefined;

export function vocab(): Vocabulary {
  vocabulary ??= JSON.parse(
    readFileSync(fileURLToPath(new URL('../../templates/vocabulary.json', import.meta.url)), 'utf8'),
  ) as Vocabulary;
  return vocabulary;
}

/** The label of a code, or the code itself in every language when the vocabulary lacks it. */
export function labelOf(table: keyof Vocabulary, code: string | null | undefined): Label | null {
  if (!code) return null;
  return vocab()[table][code] ?? { vi: code, ja: code, en: code };
}
