import { toCsv, toJson } from './csv';
import type { CsvColumn } from './csv';
import { HISTORY_FORMAT } from './record';
import type { HistoryRecord } from './record';

/**
 * The history as files to download: a CSV of the comparison table (one row per entry, raw
 * numbers so a spreadsheet can compute with them) and a JSON of the stored records (with their
 * format, so a later import can read them through `migrateRecord`).
 */

/** The columns of the exported table, in order. Dates are ISO 8601 in UTC. */
export const HISTORY_CSV_COLUMNS: readonly CsvColumn<HistoryRecord>[] = [
  { header: 'Name', value: (r) => r.name },
  { header: 'Created (UTC)', value: (r) => new Date(r.createdAt).toISOString() },
  { header: 'Kind', value: (r) => r.kind },
  { header: 'Model', value: (r) => r.modelLabel },
  { header: 'Model key', value: (r) => r.modelKey },
  { header: 'Pipeline', value: (r) => r.summary },
  { header: 'Accuracy', value: (r) => r.results.accuracy },
  { header: 'Correct', value: (r) => r.results.correct },
  { header: 'Total', value: (r) => r.results.total },
  { header: 'Size (bits)', value: (r) => r.results.sizeBits },
  { header: 'Float32 size (bits)', value: (r) => r.results.float32Bits },
  { header: 'Ratio', value: (r) => r.results.ratio },
  { header: 'Float accuracy', value: (r) => r.results.floatAccuracy },
  { header: 'Sparsity', value: (r) => r.results.sparsity },
  { header: 'Weight bits', value: (r) => r.results.weightBits },
  { header: 'Activation bits', value: (r) => r.results.actBits },
  { header: 'Technique', value: (r) => r.run?.technique },
  { header: 'Epochs', value: (r) => r.run?.epochs },
  { header: 'Initial accuracy', value: (r) => r.run?.initialAccuracy },
  { header: 'Config (URL hash)', value: (r) => r.hash },
];

export function historyCsv(records: readonly HistoryRecord[]): string {
  return toCsv(HISTORY_CSV_COLUMNS, records);
}

/** `{ format, records }`, each record with its format as stored. */
export function historyJson(records: readonly HistoryRecord[]): string {
  return toJson({
    format: HISTORY_FORMAT,
    records: records.map((r) => ({ format: HISTORY_FORMAT, ...r })),
  });
}
