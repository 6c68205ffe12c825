/**
 * The reusable pieces of every screen: Field, VocabSelect, DateInput, Table (+ usePagedList),
 * DownloadButton, Dialog, Link, and useForm (values, field errors from the API, submit).
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, download, get, type Page } from '../api.ts';
import { announce } from '../live.ts';
import { BASE, onLinkClick } from '../router.ts';
import { formatDate, parseDate, t, type VocabGroup, vocab, vocabKeys } from '../strings.ts';

/* ---------- forms ---------- */

export interface Form<T> {
  values: T;
  set: <K extends keyof T>(key: K, value: T[K]) => void;
  errors: Record<string, string>;
  setErrors: (e: Record<string, string>) => void;
  busy: boolean;
  /** The props that tie an input to a text field of the form: `<Field label=… {...form.field('fullName')} />`. */
  field: (key: keyof T & string) => {
    name: string;
    value: string;
    onValue: (v: string) => void;
    error?: string;
  };
  /** Runs `action`; an ApiError's named fields go next to their inputs, its detail to the live region. */
  submit: (action: (values: T) => Promise<string | undefined>) => (e?: Event) => Promise<void>;
}

/** Reports an API error: the fields it names, and the detail in the assertive live region. */
export function reportError(err: unknown, setErrors?: (e: Record<string, string>) => void) {
  if (err instanceof ApiError) {
    const n = Object.keys(err.fields).length;
    setErrors?.(err.fields);
    if (err.status === 403 && err.kind === 'forbidden') announce(t('forbidden'), 'error');
    else if (n > 0 && setErrors) announce(`${t('fixFields', { n })} ${err.problem.detail}`, 'error');
    else announce(t('errorGeneric', { detail: err.problem.detail }), 'error');
    return;
  }
  announce(t('errorGeneric', { detail: String(err) }), 'error');
}

export function useForm<T extends object>(initial: T): Form<T> {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = useCallback(<K extends keyof T>(key: K, value: T[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => {
      if (!((key as string) in e)) return e;
      const { [key as string]: _, ...rest } = e;
      return rest;
    });
  }, []);
  const ref = useRef(values);
  ref.current = values;
  const submit = (action: (values: T) => Promise<string | undefined>) => async (e?: Event) => {
    e?.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const message = await action(ref.current);
      if (message) announce(message);
    } catch (err) {
      reportError(err, setErrors);
      // Focus the first field the API named, so a keyboard or screen-reader user lands on it.
      if (err instanceof ApiError) {
        const first = Object.keys(err.fields)[0];
        if (first) requestAnimationFrame(() => document.getElementById(fieldId(first))?.focus());
      }
    } finally {
      setBusy(false);
    }
  };
  const field = (key: keyof T & string) => ({
    name: key,
    value: String(values[key] ?? ''),
    onValue: (v: string) => set(key, v as T[typeof key]),
    error: errors[key],
  });
  return { values, set, errors, setErrors, busy, submit, field };
}

export const fieldId = (name: string) => `f-${name.replaceAll('.', '-')}`;

interface FieldProps {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  children?: ComponentChildren;
}

/** A label, the control (children, or an <input> from `input`), the hint and the error under it. */
export function FieldFrame({ name, label, error, hint, required, children }: FieldProps) {
  const id = fieldId(name);
  return (
    <div class={`field${error ? ' field-error' : ''}`}>
      <label for={id}>
        {label}
        {required && <span class="req"> ({t('required')})</span>}
      </label>
      {children}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

const describedBy = (name: string, hint?: string, error?: string) =>
  [hint && `${fieldId(name)}-hint`, error && `${fieldId(name)}-error`].filter(Boolean).join(' ') || undefined;

type InputProps = {
  type?: 'text' | 'email' | 'password' | 'number' | 'search' | 'tel';
  autoComplete?: string;
  inputMode?: 'numeric' | 'decimal' | 'text' | 'email' | 'tel';
  placeholder?: string;
  readOnly?: boolean;
  onBlur?: () => void;

  name: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  error?: string;
  hint?: string;
  required?: boolean;
};

export function Field({ name, label, value, onValue, error, hint, required, type, ...rest }: InputProps) {
  return (
    <FieldFrame name={name} label={label} error={error} hint={hint} required={required}>
      <input
        id={fieldId(name)}
        // Preact types each input type apart; the union of the ones Field takes is one text-like input.
        type={(type ?? 'text') as 'text'}
        name={name}
        value={value}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, error)}
        onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
        {...rest}
      />
    </FieldFrame>
  );
}

interface SelectProps {
  name: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  /** A vocabulary group (labels from templates/vocabulary.json) or explicit options. */
  group?: VocabGroup;
  options?: { value: string; label: string }[];
  /** The label of the empty choice; without it a value must be chosen. */
  empty?: string;
  error?: string;
  hint?: string;
  required?: boolean;
}

export function Select({
  name,
  label,
  value,
  onValue,
  group,
  options,
  empty,
  error,
  hint,
  required,
}: SelectProps) {
  const opts = options ?? (group ? vocabKeys(group).map((k) => ({ value: k, label: vocab(group, k) })) : []);
  return (
    <FieldFrame name={name} label={label} error={error} hint={hint} required={required}>
      <select
        id={fieldId(name)}
        name={name}
        value={value}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, error)}
        onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value)}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        {opts.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/**
 * A date typed as the language writes it (31/12/2000 in Vietnamese, 2000年12月31日 in Japanese,
 * 2000-12-31 in English), not the browser's own date picker; `onValue` gets `YYYY-MM-DD` ('' if empty).
 */
export function DateInput(props: Omit<InputProps, 'onValue'> & { onValue: (iso: string) => void }) {
  const { name, label, value, onValue, error, ...rest } = props;
  const [text, setText] = useState(formatDate(value));
  const [bad, setBad] = useState(false);
  // The shown text follows the value (and the language) unless the person is typing something else.
  const shown = formatDate(value);
  useEffect(() => {
    if (parseDate(text) !== (value || null)) setText(shown);
  }, [value, shown]);
  return (
    <Field
      {...rest}
      name={name}
      label={label}
      value={text}
      inputMode="numeric"
      autoComplete="off"
      hint={props.hint ?? t('dateHint')}
      error={error ?? (bad ? t('dateInvalid') : undefined)}
      onValue={(v) => {
        setText(v);
        const iso = parseDate(v);
        setBad(false);
        if (iso) onValue(iso);
        else if (v.trim() === '') onValue('');
      }}
      onBlur={() => {
        if (text.trim() !== '' && !parseDate(text)) setBad(true);
        else setText(formatDate(value));
      }}
    />
  );
}

/* ---------- tables and lists ---------- */

export interface Column<R> {
  key: string;
  label: string;
  render?: (row: R) => ComponentChildren;
  /** Numbers align right. */
  numeric?: boolean;
  /** Codes and dates: kept on one line. */
  nowrap?: boolean;
}

/**
 * A table in a scroll box that says it scrolls (focusable, labelled) when it is wider than the screen.
 * `more` shows the "show more" button of a keyset-paged list.
 */
export function Table<R>({
  caption,
  columns,
  rows,
  rowKey,
  more,
  busy,
}: {
  caption: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (r: R) => string;
  more?: (() => void) | null;
  busy?: boolean;
}) {
  return (
    <div class="table-block">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box must be reachable by keyboard */}
      <section class="table-scroll" tabIndex={0} aria-label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col" class={c.numeric ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={rowKey(r)}>
                {columns.map((c) => (
                  <td key={c.key} class={c.numeric ? 'num' : c.nowrap ? 'nowrap' : undefined}>
                    {c.render ? c.render(r) : String((r as Record<string, unknown>)[c.key] ?? '')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {!busy && rows.length === 0 && <p class="empty">{t('noRows')}</p>}
      {busy && <p class="empty">{t('loading')}</p>}
      {more && (
        <button type="button" class="secondary" onClick={more} disabled={busy}>
          {t('more')}
        </button>
      )}
    </div>
  );
}

/** A keyset-paged list (`{ items, nextCursor }`): the first page on every change of `query`, then more. */
export function usePagedList<R>(path: string | null, query: Record<string, string | number | undefined>) {
  const [rows, setRows] = useState<R[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = JSON.stringify([path, query]);
  const [reload, setReload] = useState(0);
  const load = async (after: string | null) => {
    if (!path) return;
    setBusy(true);
    try {
      const page = await get<Page<R>>(path, { ...query, cursor: after ?? undefined });
      setRows((old) => (after ? [...old, ...page.items] : page.items));
      setCursor(page.nextCursor);
      announce(t('rowsShown', { n: (after ? rows.length : 0) + page.items.length }));
    } catch (err) {
      reportError(err);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void load(null);
  }, [key, reload]);
  return {
    rows,
    busy,
    more: cursor ? () => void load(cursor) : null,
    reload: () => setReload((n) => n + 1),
  };
}

/* ---------- actions ---------- */

export function DownloadButton({
  path,
  filename,
  label,
  query,
  class: cls,
}: {
  path: string;
  filename: string;
  label: string;
  query?: Record<string, string>;
  class?: string;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class={cls ?? 'secondary'}
      disabled={busy}
      aria-busy={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await download(path, filename, query);
        } catch (err) {
          reportError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {label}
    </button>
  );
}

/** A modal <dialog>: focus moves into it, Escape or the close button closes it (unless `required`). */
export function Dialog({
  open,
  title,
  onClose,
  required,
  children,
}: {
  open: boolean;
  title: string;
  onClose?: () => void;
  required?: boolean;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!open && d.open) {
      d.close();
      (opener.current as HTMLElement | null)?.focus?.();
    }
  }, [open]);
  const titleId = `dialog-${useId()}-title`;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!required) onClose?.();
      }}
    >
      <div class="dialog-head">
        <h2 id={titleId}>{title}</h2>
        {!required && (
          <button type="button" class="link" onClick={() => onClose?.()}>
            {t('close')}
          </button>
        )}
      </div>
      {open && children}
    </dialog>
  );
}

export function Link({ to, children, ...rest }: { to: string; children: ComponentChildren; class?: string }) {
  return (
    <a href={BASE + (to === '/' ? '' : to)} onClick={(e) => onLinkClick(e, to)} {...rest}>
      {children}
    </a>
  );
}

/** The first heading of a screen: focused after navigation, so a screen reader starts there. */
export function ScreenTitle({ text }: { text: string }) {
  return (
    <h1 tabIndex={-1} id="screen-title">
      {text}
    </h1>
  );
}
