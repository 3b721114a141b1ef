/** The history feature's pure API (its shared/ part): what other features may use. */
export { CSV_LINE_END, csvField, toCsv, toJson } from './shared/csv';
export type { CsvColumn, CsvValue } from './shared/csv';
