/** A cell: numbers as they are, null (suppressed or not applicable) as an empty cell. */
export type CsvCell = string | number | boolean | null | undefined;

/** RFC 4180 quoting: a cell with a comma, quote or line break is quoted, quotes doubled. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A whole CSV document. The byte-order mark makes Excel open it as UTF-8, so Vietnamese names
 * (Nghệ An, Hà Tĩnh) are not mangled; CRLF line ends as RFC 4180 and Excel expect.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((cells) => cells.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
