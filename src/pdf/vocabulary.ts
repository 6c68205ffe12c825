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
  genders: Record<string, Label>;
  enrollmentOutcomes: Record<string, Label>;
  revokeCategories: Record<string, Label>;
  /** The labels each document kind prints, by document kind and key. */
  documents: Record<'certificate' | 'letter' | 'verify' | 'profile', Record<string, Label>>;
}

let vocabulary: Vocabulary | undefined;

export function vocab(): Vocabulary {
  vocabulary ??= JSON.parse(
    readFileSync(fileURLToPath(new URL('../../templates/vocabulary.json', import.meta.url)), 'utf8'),
  ) as Vocabulary;
  return vocabulary;
}

/** The label of a code, or the code itself in every language when the vocabulary lacks it. */
export function labelOf(
  table: Exclude<keyof Vocabulary, 'documents'>,
  code: string | null | undefined,
): Label | null {
  if (!code) return null;
  return vocab()[table][code] ?? { vi: code, ja: code, en: code };
}

export type Lang = 'vi' | 'ja' | 'en';

const byLanguage = new Map<string, Record<Lang, Record<string, string>>>();

/** A document kind's labels per language (`{ vi: { title: … }, ja: …, en: … }`), as templates take strings. */
export function documentStrings(kind: keyof Vocabulary['documents']): Record<Lang, Record<string, string>> {
  let out = byLanguage.get(kind);
  if (!out) {
    out = { vi: {}, ja: {}, en: {} };
    for (const [key, label] of Object.entries(vocab().documents[kind])) {
      out.vi[key] = label.vi;
      out.ja[key] = label.ja;
      out.en[key] = label.en;
    }
    byLanguage.set(kind, out);
  }
  return out;
}
