import type { Config } from '../../../platform/shared/config';
import { formatBits, formatInt, formatPercent } from '../../../platform/shared/format';
import { parseConfig } from '../../../platform/shared/url';
import { OBSERVER_LABEL, layerSpec, percent, specLabel } from '../../compress';
import type { HistoryRecord } from '../shared/record';

/**
 * The comparison of selected entries, as rows of text: their settings (read from the link each
 * keeps) and their numbers. A row whose values differ between the entries is marked.
 */

export interface CompareRow {
  readonly label: string;
  readonly values: readonly string[];
  /** Not all the same (entries without the value count as '—'). */
  readonly differs: boolean;
}

function weights(c: Config): string {
  const w = c.weights;
  const base =
    w.format === 'cluster'
      ? `k-means, ${c.cluster.k} clusters (${c.cluster.init})`
      : specLabel(layerSpec(c, ''));
  const n = Object.keys(c.overrides).length;
  return n > 0 ? `${base}; ${n} layer${n === 1 ? '' : 's'} set apart` : base;
}

function acts(c: Config): string {
  const a = c.acts;
  if (a.bits === 0) return 'float32 (not quantized)';
  return `int${a.bits} ${a.scheme}, ${OBSERVER_LABEL[a.observer]}, ${formatInt(a.calibration)} calibration images`;
}

function pruning(c: Config): string {
  const p = c.prune;
  if (p.method === 'none') return 'none';
  if (p.method === 'nm') return `N:M ${p.pattern}`;
  const n = Object.keys(p.overrides).length;
  const method = p.method === 'structured' ? `structured ${p.norm.toUpperCase()}` : p.method;
  return `${method} ${percent(p.sparsity)}${n > 0 ? `; ${n} layer${n === 1 ? '' : 's'} set apart` : ''}`;
}

function storage(c: Config): string {
  const s = c.storage;
  const format = s.format === 'auto' ? 'smallest format' : s.format;
  return `${format}${s.huffman ? ', Huffman' : ''}`;
}

const DATE = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** When an entry was saved, in the reader's time zone. */
export function formatTime(ms: number): string {
  return DATE.format(new Date(ms));
}

const dash = '—';

export function compareRows(records: readonly HistoryRecord[]): CompareRow[] {
  const configs = records.map((r) => parseConfig(r.hash).config);
  const row = (label: string, value: (r: HistoryRecord, c: Config) => string | undefined) => {
    const values = records.map((r, i) => value(r, configs[i]!) ?? dash);
    return { label, values, differs: new Set(values).size > 1 };
  };
  const anyRun = records.some((r) => r.run);
  return [
    row('Model', (r) => r.modelLabel),
    row('Kind', (r) => (r.kind === 'run' ? 'training run' : 'measurement')),
    row('Pipeline', (r) => r.summary || dash),
    row('Weights', (_r, c) => weights(c)),
    row('Activations', (_r, c) => acts(c)),
    row('Pruning', (_r, c) => pruning(c)),
    row('Storage', (_r, c) => storage(c)),
    row('Accuracy (full test set)', (r) => formatPercent(r.results.accuracy)),
    row(
      'Correct',
      (r) => `${formatInt(r.results.correct)} / ${formatInt(r.results.total)} test images`,
    ),
    row('Float32 accuracy', (r) =>
      r.results.floatAccuracy !== undefined ? formatPercent(r.results.floatAccuracy) : undefined,
    ),
    row('Change vs float32', (r) => {
      const f = r.results.floatAccuracy;
      if (f === undefined) return undefined;
      const d = (r.results.accuracy - f) * 100;
      return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(2)} pts`;
    }),
    row(
      'True size (packed)',
      (r) => `${formatBits(r.results.sizeBits)} (${formatInt(r.results.sizeBits)} bits)`,
    ),
    row('Float32 size', (r) => formatBits(r.results.float32Bits)),
    row('Smaller than float32', (r) => `${r.results.ratio.toFixed(2)}×`),
    row('Weight bits', (r) =>
      r.results.weightBits === undefined
        ? undefined
        : r.results.weightBits === null
          ? 'float32'
          : String(r.results.weightBits),
    ),
    row('Activation bits', (r) =>
      r.results.actBits === undefined
        ? undefined
        : r.results.actBits === null
          ? 'float32'
          : String(r.results.actBits),
    ),
    row('Sparsity (weights removed)', (r) =>
      r.results.sparsity !== undefined ? formatPercent(r.results.sparsity, 1) : undefined,
    ),
    ...(anyRun
      ? [
          row('Technique', (r) => r.run?.technique),
          row('Epochs trained', (r) => (r.run ? String(r.run.epochs) : undefined)),
          row('Accuracy before training', (r) =>
            r.run ? formatPercent(r.run.initialAccuracy) : undefined,
          ),
        ]
      : []),
    row('Saved', (r) => formatTime(r.createdAt)),
  ];
}
