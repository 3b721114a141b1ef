/**
 * The app's results as files: the current evaluation, the bit-width sweep, the per-layer
 * sensitivity, the accuracy-vs-sparsity sweep and this session's measured configurations, each
 * as CSV (RFC 4180 with the formula guard, history's writer: raw numbers a spreadsheet can
 * compute with, accuracies as fractions) and JSON (the same rows plus what they were measured
 * on). Pure: the types are the store's results, by shape.
 */

import { toCsv, toJson } from '../../history';
import type { CsvColumn } from '../../history';

/** A table ready to save: its CSV, its JSON, and the base of its file names. */
export interface ResultFiles {
  readonly baseName: string;
  readonly csv: string;
  readonly json: string;
  /** Rows in the CSV (the header not counted). */
  readonly rows: number;
}

export interface CurrentResult {
  readonly model: string;
  readonly dataset: string;
  /** The pipeline in the app's words ("magnitude 90% → int4 aff, A8"). */
  readonly pipeline: string;
  /** Fraction of the test set classified correctly by the compressed model, as the app shows. */
  readonly accuracy: number;
  readonly correct: number;
  readonly total: number;
  /** Activations quantized in the app: the weights-only accuracy (what the TF.js export gets). */
  readonly weightsOnlyAccuracy: number | null;
  readonly float32Accuracy: number | null;
  /** Every bit of the compressed weights (codes, indices, codebooks, scales, biases). */
  readonly sizeBits: number | null;
  readonly float32Bits: number | null;
  /** Fraction of kernel weights removed by pruning. */
  readonly sparsity: number | null;
  /** 0 = activations float. */
  readonly activationBits: number;
  /** A link that opens these settings. */
  readonly link: string;
  /** When the file was made (ISO 8601, UTC). */
  readonly savedAt: string;
}

const ratio = (r: CurrentResult) =>
  r.sizeBits && r.float32Bits ? r.float32Bits / r.sizeBits : null;

export const CURRENT_COLUMNS: readonly CsvColumn<CurrentResult>[] = [
  { header: 'Model', value: (r) => r.model },
  { header: 'Dataset', value: (r) => r.dataset },
  { header: 'Pipeline', value: (r) => r.pipeline },
  { header: 'Accuracy', value: (r) => r.accuracy },
  { header: 'Correct', value: (r) => r.correct },
  { header: 'Total', value: (r) => r.total },
  { header: 'Weights-only accuracy', value: (r) => r.weightsOnlyAccuracy },
  { header: 'Float32 accuracy', value: (r) => r.float32Accuracy },
  { header: 'Size (bits)', value: (r) => r.sizeBits },
  { header: 'Float32 size (bits)', value: (r) => r.float32Bits },
  { header: 'Compression (x)', value: ratio },
  { header: 'Sparsity', value: (r) => r.sparsity },
  { header: 'Activation bits', value: (r) => r.activationBits },
  { header: 'Config link', value: (r) => r.link },
  { header: 'Saved (UTC)', value: (r) => r.savedAt },
];

/** A file-name-safe form of a model id. */
function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

export function currentResultFiles(r: CurrentResult): ResultFiles {
  return {
    baseName: `${safe(r.model)}-result`,
    csv: toCsv(CURRENT_COLUMNS, [r]),
    json: toJson({ kind: 'evaluation', ...r, compression: ratio(r) }),
    rows: 1,
  };
}

/** What a result was measured on, written into every JSON. */
export interface ResultContext {
  readonly model: string;
  readonly pipeline: string;
  readonly link: string;
  readonly savedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Bit-width sweep

export interface BitSweepLike {
  readonly actBits: number;
  readonly points: readonly {
    readonly bits: number;
    readonly weightOnly: number | null;
    readonly weightAct: number | null;
  }[];
  readonly references: Readonly<Partial<Record<'float16' | 'bfloat16', number>>>;
  readonly done: boolean;
}

interface BitRow {
  readonly format: string;
  readonly bits: number;
  readonly weightsOnly: number | null;
  readonly weightsActs: number | null;
}

export function bitSweepFiles(s: BitSweepLike, ctx: ResultContext): ResultFiles {
  const rows: BitRow[] = [
    ...[...s.points]
      .sort((a, b) => b.bits - a.bits)
      .map((p) => ({
        format: p.bits === 1 ? 'binary' : `int${p.bits}`,
        bits: p.bits,
        weightsOnly: p.weightOnly,
        weightsActs: p.weightAct,
      })),
    ...(['float16', 'bfloat16'] as const).flatMap((f) => {
      const a = s.references[f];
      return a === undefined
        ? []
        : [{ format: f, bits: 16, weightsOnly: a, weightsActs: null } as BitRow];
    }),
  ];
  const columns: CsvColumn<BitRow>[] = [
    { header: 'Weights', value: (r) => r.format },
    { header: 'Bits', value: (r) => r.bits },
    { header: 'Accuracy, weights only', value: (r) => r.weightsOnly },
    { header: `Accuracy, weights + A${s.actBits}`, value: (r) => r.weightsActs },
  ];
  return {
    baseName: `${safe(ctx.model)}-bit-sweep`,
    csv: toCsv(columns, rows),
    json: toJson({ kind: 'bit-width sweep', ...ctx, complete: s.done, actBits: s.actBits, rows }),
    rows: rows.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Sensitivity

export interface SensitivityLike {
  readonly candidates: readonly number[];
  readonly reference: number;
  readonly rows: readonly {
    readonly layer: string;
    readonly accuracy: Readonly<Record<number, number>>;
  }[];
  readonly done: boolean;
}

interface SensRow {
  readonly layer: string;
  readonly bits: number;
  readonly accuracy: number;
  readonly drop: number;
}

export function sensitivityFiles(s: SensitivityLike, ctx: ResultContext): ResultFiles {
  const rows: SensRow[] = s.rows.flatMap((r) =>
    s.candidates.flatMap((bits) => {
      const a = r.accuracy[bits];
      return a === undefined ? [] : [{ layer: r.layer, bits, accuracy: a, drop: s.reference - a }];
    }),
  );
  const columns: CsvColumn<SensRow>[] = [
    { header: 'Layer', value: (r) => r.layer },
    { header: 'Bits (this layer only)', value: (r) => r.bits },
    { header: 'Accuracy', value: (r) => r.accuracy },
    { header: 'Drop vs all layers float32', value: (r) => r.drop },
  ];
  return {
    baseName: `${safe(ctx.model)}-sensitivity`,
    csv: toCsv(columns, rows),
    json: toJson({
      kind: 'per-layer sensitivity',
      ...ctx,
      complete: s.done,
      reference: s.reference,
      rows,
    }),
    rows: rows.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Accuracy vs sparsity

export interface PruneSweepLike {
  readonly methods: readonly string[];
  readonly points: readonly {
    readonly sparsity: number;
    readonly accuracy: Readonly<Record<string, number>>;
  }[];
  readonly nm: readonly {
    readonly pattern: string;
    readonly sparsity: number;
    readonly accuracy: number;
  }[];
  readonly done: boolean;
}

interface SparsityRow {
  readonly method: string;
  readonly sparsity: number;
  readonly accuracy: number;
}

export function sparsitySweepFiles(s: PruneSweepLike, ctx: ResultContext): ResultFiles {
  const rows: SparsityRow[] = [
    ...s.methods.flatMap((method) =>
      s.points.flatMap((p) => {
        const a = p.accuracy[method];
        return a === undefined ? [] : [{ method, sparsity: p.sparsity, accuracy: a }];
      }),
    ),
    ...s.nm.map((n) => ({
      method: `N:M ${n.pattern}`,
      sparsity: n.sparsity,
      accuracy: n.accuracy,
    })),
  ];
  const columns: CsvColumn<SparsityRow>[] = [
    { header: 'Method', value: (r) => r.method },
    { header: 'Sparsity', value: (r) => r.sparsity },
    { header: 'Accuracy (float32 weights)', value: (r) => r.accuracy },
  ];
  return {
    baseName: `${safe(ctx.model)}-sparsity-sweep`,
    csv: toCsv(columns, rows),
    json: toJson({ kind: 'accuracy vs sparsity', ...ctx, complete: s.done, rows }),
    rows: rows.length,
  };
}

// ---------------------------------------------------------------------------------------------
// This session's configurations

export interface ExperimentLike {
  readonly model: string;
  readonly label: string;
  readonly accuracy: number;
  readonly sizeBits: number;
  readonly float32Bits: number;
}

export function experimentsFiles(
  list: readonly ExperimentLike[],
  ctx: Pick<ResultContext, 'savedAt'>,
): ResultFiles {
  const rows = list.map((e, i) => ({ n: i + 1, ...e }));
  const columns: CsvColumn<(typeof rows)[number]>[] = [
    { header: '#', value: (r) => r.n },
    { header: 'Model', value: (r) => r.model },
    { header: 'Pipeline', value: (r) => r.label },
    { header: 'Accuracy', value: (r) => r.accuracy },
    { header: 'Size (bits)', value: (r) => r.sizeBits },
    { header: 'Float32 size (bits)', value: (r) => r.float32Bits },
    {
      header: 'Compression (x)',
      value: (r) => (r.sizeBits > 0 ? r.float32Bits / r.sizeBits : null),
    },
  ];
  return {
    baseName: 'session-configurations',
    csv: toCsv(columns, rows),
    json: toJson({ kind: 'configurations measured this session', ...ctx, rows }),
    rows: rows.length,
  };
}
