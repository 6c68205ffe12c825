/**
 * The service writes its texts in English (problem answers, the reasons it records); a catalogue
 * (templates/problems.json) gives each English template its Vietnamese and Japanese. Pure code, no
 * Node imports: the server (lib/problem-text.ts) and the web app (web/src/strings.ts) share it.
 *
 * A template names its variable parts `{name}` (a value echoed, a number, a field name, a code).
 * A text matches the template whose literal words are longest; each part is itself looked up, so
 * `notFound('The candidate')` reads "{what} was not found." with `{what}` = "The candidate" translated.
 * A text with no entry stays English.
 */

export type Lang = 'vi' | 'ja' | 'en';
export interface Translation {
  vi: string;
  ja: string;
}
/** Sections (by module) → English template → its Vietnamese and Japanese. */
export type Catalogue = Record<string, Record<string, Translation>>;

export const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

interface Pattern {
  en: string;
  to: Translation;
  regex: RegExp;
  names: string[];
  /** Its longest literal part: a text without it is not tried against the regex. */
  needle: string;
  /** Characters of literal text: the most specific template is tried first. */
  weight: number;
}

export interface Match {
  en: string;
  to: Translation;
  values: Record<string, string>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Longer texts are not pattern-matched (a pathological detail must not cost a regex scan). */
const MAX_PATTERN_TEXT = 4000;

export function createTranslator(catalogue: Catalogue) {
  const exact = new Map<string, Translation>();
  const patterns: Pattern[] = [];
  for (const section of Object.values(catalogue)) {
    for (const [en, to] of Object.entries(section)) {
      const names = [...en.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
      if (names.length === 0) {
        exact.set(en, to);
        continue;
      }
      const literals = en.split(PLACEHOLDER).filter((_, i) => i % 2 === 0);
      patterns.push({
        en,
        to,
        names,
        needle: literals.reduce((a, b) => (b.length > a.length ? b : a), ''),
        regex: new RegExp(`^${literals.map(escapeRegExp).join('(.*?)')}$`, 's'),
        weight: literals.join('').length,
      });
    }
  }
  patterns.sort((a, b) => b.weight - a.weight || a.names.length - b.names.length);

  /** The entry a text is an instance of, with the values of its parts (as written, untranslated). */
  function match(text: string): Match | undefined {
    const hit = exact.get(text);
    if (hit) return { en: text, to: hit, values: {} };
    if (text.length > MAX_PATTERN_TEXT) return undefined;
    for (const p of patterns) {
      if (!text.includes(p.needle)) continue;
      const m = p.regex.exec(text);
      if (!m) continue;
      const values: Record<string, string> = {};
      p.names.forEach((name, i) => {
        values[name] = m[i + 1] as string;
      });
      return { en: p.en, to: p.to, values };
    }
    return undefined;
  }

  /** The text in a language; English, or a text the catalogue lacks, as it is. */
  function localise(text: string, lang: Lang, depth = 0): string {
    if (lang === 'en' || !text || depth > 4) return text;
    const found = match(text);
    if (!found) return text;
    const template = found.to[lang] || found.en;
    return template.replace(PLACEHOLDER, (all, name: string) => {
      const value = found.values[name];
      return value === undefined ? all : part(value, lang, depth + 1);
    });
  }

  /**
   * A part of a text: a text of the catalogue itself, a list of field errors (`a is required; b …`),
   * one field error (`dateOfBirth must be a date …`: the field as it is, the rule translated), or a
   * value, kept as it is.
   */
  function part(value: string, lang: Lang, depth: number): string {
    const core = value.trim();
    const lead = value.slice(0, value.indexOf(core));
    const trail = value.slice(lead.length + core.length);
    let out = localise(core, lang, depth);
    if (out === core && core.includes('; ')) {
      out = core
        .split('; ')
        .map((item) => part(item, lang, depth))
        .join(lang === 'ja' ? '、' : '; ');
    } else if (out === core) {
      const m = /^(\S+) (.+)$/s.exec(core);
      if (m) {
        const rule = localise(m[2] as string, lang, depth);
        if (rule !== m[2]) out = lang === 'ja' ? `${m[1]}：${rule}` : `${m[1]} ${rule}`;
      }
    }
    // Japanese sets no space between sentences: a part's own leading or trailing space is dropped.
    return lang === 'ja' ? out : lead + out + trail;
  }

  return { match, localise: (text: string, lang: Lang) => localise(text, lang) };
}

export type Translator = ReturnType<typeof createTranslator>;
