/**
 * An RFC 4180 CSV writer for exporting the history table, safe to open in a spreadsheet.
 *
 * - Records end with CRLF, the last one too (RFC 4180 allows it; files concatenate cleanly).
 * - A field is quoted when it contains a comma, a double quote, CR or LF; quotes inside are
 *   doubled. Other fields are written bare.
 * - Numbers are written with `String(n)`: the shortest text that reads back as the same double
 *   (full precision; `-0` is written `0`). NaN and ±Infinity are written as an empty field: a
 *   spreadsheet has no such numbers, and an empty cell reads as "no value" where the text
 *   "NaN" would break a SUM.
 * - null and undefined are empty fields; booleans are `true` / `false`.
 * - Formula injection: a string starting with `=`, `+`, `-`, `@`, TAB or CR would be run as a
 *   formula by Excel, LibreOffice or Sheets (user-chosen names end up here), so it is prefixed
 *   with a single quote `'`, which spreadsheets show as text (OWASP's advice). Numbers are never
 *   prefixed: `-3` stays a number. Headers are treated as strings.
 */

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<T> {
  /** The header label. */
  readonly header: string;
  readonly value: (row: T) => CsvValue;
}

/** Line end of every record, as RFC 4180 says. */
export const CSV_LINE_END = '\r\n';
/** First characters that make a spreadsheet read a cell as a formula. */
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'];
/** Shown as text by spreadsheets and dropped from the cell's displayed value. */
const FORMULA_GUARD = "'";
/** A field with any of these must be quoted. */
const NEEDS_QUOTES = /[",\r\n]/;

function quoted(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One value as a CSV field (quoted if needed). */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  const guarded = FORMULA_STARTS.some((c) => value.startsWith(c)) ? FORMULA_GUARD + value : value;
  return quoted(guarded);
}

/** The header line and one line per row, each ended by CRLF. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const line = (fields: readonly CsvValue[]) => fields.map(csvField).join(',') + CSV_LINE_END;
  return (
    line(columns.map((c) => c.header)) +
    rows.map((r) => line(columns.map((c) => c.value(r)))).join('')
  );
}

/**
 * JSON for a download: two-space indented, ending with a newline. NaN and Infinity become null
 * (as JSON.stringify does); `undefined` properties are left out, and `undefined` itself is null.
 */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value ?? null, null, 2)}\n`;
}
