import { DEFAULT_CONFIG, modelKey } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { parseConfig, serializeConfig } from '../../../platform/shared/url';
import { shapeSize } from '../../../platform/shared/stats';
import { quantEvaluationKey, reportKey } from '../../../platform/state/keys';
import type { State } from '../../../platform/state/store';
import { describePipeline, layerSize, layerSpec } from '../../compress';
import { RecipeSchema } from '../../train';
import type { Recipe } from '../../train';
import type { HistoryRecord, HistoryResults } from '../shared/record';

/**
 * What the autosave keeps, decided from plain snapshots (no timers, no storage): the entry a
 * finished measurement or training run makes, the key that says two entries are the same
 * measurement, and whether a new one replaces, joins or is skipped. The runner (autosave.ts)
 * adds the timing; the history state (historyState.ts) the storage.
 */

/** A history entry before it has an id and a time: what a measurement or run produced. */
export interface Draft {
  /** Equal keys: the same measurement (the same model, pipeline and storage; or the same run). */
  readonly key: string;
  readonly record: Omit<HistoryRecord, 'id' | 'createdAt'>;
}

const DATASET_LABEL: Readonly<Record<Config['dataset'], string>> = {
  mnist: 'MNIST',
  fashion: 'Fashion-MNIST',
};
const PIXELS = 784;
const CLASSES = 10;

/**
 * The model family a chart compares, by what a trained model was made from: fine-tuning and QAT
 * keep the base architecture, so a QAT 4-bit MLP is compared with the 4-bit PTQ MLP (the point of
 * training it); a distilled student is another architecture, grouped with students of its shape.
 */
export interface Family {
  readonly key: string;
  readonly label: string;
}

export function shippedFamily(dataset: Config['dataset'], arch: Config['arch']): Family {
  return { key: `${dataset}-${arch}`, label: `${DATASET_LABEL[dataset]} ${arch.toUpperCase()}` };
}

/** The family of a model trained from `recipe`; null when its base is itself a trained model. */
export function recipeFamily(recipe: Recipe): Family | null {
  if (recipe.kind === 'kd') {
    const shape = [PIXELS, ...recipe.student.hidden, CLASSES].join('-');
    return {
      key: `${recipe.dataset}-mlp-${shape}`,
      label: `${DATASET_LABEL[recipe.dataset]} MLP ${shape} (student)`,
    };
  }
  return recipe.base === null ? shippedFamily(recipe.dataset, recipe.arch) : null;
}

function parseRecipe(json: string | null): Recipe | null {
  if (json === null) return null;
  try {
    const r = RecipeSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The family of the model a config works on; `name` names a trained model of unknown make. */
export function configFamily(config: Config, name: string): Family {
  // An uploaded model is a family of its own (evaluated on the dataset picked, or by fidelity).
  if (config.uploaded) return { key: `${config.uploaded}@${config.dataset}`, label: name };
  if (config.trained === null) return shippedFamily(config.dataset, config.arch);
  const recipe = parseRecipe(config.trainedRecipe);
  return (recipe && recipeFamily(recipe)) ?? { key: config.trained, label: name };
}

/** The link that restores a config, with its '#'. */
export function hashOf(config: Config): string {
  return `#${serializeConfig(config)}`;
}

/**
 * The key of a measurement: the compressed model's evaluation and size keys. Read back through
 * the link (as a stored entry's is), so that a value the link rounds keys the same both ways.
 */
export function measurementKey(hash: string): string {
  const config = parseConfig(hash).config;
  return `m|${quantEvaluationKey(config)}|${reportKey(config)}`;
}

/** The key of a run: the trained model it kept (one entry per run). */
export function runKey(productId: string): string {
  return `run|${productId}`;
}

/** The key of a stored entry, from its link: the same as its draft had. */
export function recordKey(r: Pick<HistoryRecord, 'kind' | 'hash'>): string {
  if (r.kind === 'run') return runKey(parseConfig(r.hash).config.trained ?? r.hash);
  return measurementKey(r.hash);
}

/** A ratio the record can hold (finite): float32 / packed, 0 for an empty model. */
function ratioOf(float32Bits: number, sizeBits: number): number {
  return sizeBits > 0 ? float32Bits / sizeBits : 0;
}

/** Weight bits as the comparison shows them: codes of int and k-means, 16 for half floats. */
function weightBits(c: Config): number | null {
  switch (c.weights.format) {
    case 'int':
      return c.weights.bits;
    case 'cluster':
      return Math.max(1, Math.ceil(Math.log2(c.cluster.k)));
    case 'float16':
    case 'bfloat16':
      return 16;
    case 'float32':
      return null;
  }
}

/**
 * The tab a measurement re-opens in: the lab it was made in, or — saved while another tab is
 * shown (the results stay current there) — the lab of its pipeline.
 */
export function measuredView(c: Config): Config['view'] {
  if (c.view === 'quantize' || c.view === 'prune') return c.view;
  return c.prune.method !== 'none' || c.weights.format === 'cluster' ? 'prune' : 'quantize';
}

/**
 * The entry the current state makes, or null: the compressed model's full-test-set evaluation
 * and its size report, both for the current config and model (a quick estimate, a stale result
 * or a missing size make none). The float model's accuracy joins when it is measured too.
 */
export function measurementDraft(s: State): Draft | null {
  const mk = modelKey(s.config);
  const summary = s.summary?.key === mk ? s.summary.data : null;
  const q = s.quantEvaluation;
  const r = s.report;
  if (!summary || !q || !r) return null;
  if (q.key !== quantEvaluationKey(s.config) || r.key !== reportKey(s.config)) return null;
  if (q.data.count !== summary.dataset.test.count || q.data.count < 1) return null;
  const size = r.data.size;
  const base = s.evaluation;
  const floatAccuracy =
    base && base.key === mk && base.data.count === q.data.count ? base.data.accuracy : undefined;
  const family = configFamily(s.config, summary.meta.name);
  const modelName =
    s.config.trained === null && s.config.uploaded === null ? family.label : summary.meta.name;
  const pipeline = describePipeline(s.config);
  const hash = hashOf({ ...s.config, view: measuredView(s.config) });
  const results: HistoryResults = {
    accuracy: q.data.accuracy,
    correct: q.data.correct,
    total: q.data.count,
    sizeBits: size.totalBits,
    float32Bits: size.float32Bits,
    ratio: ratioOf(size.float32Bits, size.totalBits),
    ...(floatAccuracy !== undefined ? { floatAccuracy } : {}),
    sparsity: r.data.sparsity,
    weightBits: weightBits(s.config),
    actBits: s.config.acts.bits > 0 ? s.config.acts.bits : null,
  };
  return {
    key: measurementKey(hash),
    record: {
      name: `${modelName} · ${pipeline}`,
      kind: 'measurement',
      modelKey: family.key,
      modelLabel: family.label,
      hash,
      summary: pipeline,
      results,
    },
  };
}

/* ---------------------------------- runs ---------------------------------- */

/** What the autosave reads of a training run (features/train/state `Run`). */
export interface RunLike {
  readonly id: string;
  readonly name: string;
  readonly recipe: Recipe;
  readonly status: string;
  readonly productId: string | null;
  readonly baselineOf: string | null;
  readonly endedAt: number | null;
  readonly progress: readonly {
    readonly step: number;
    readonly totalSteps: number;
  }[];
}

/** What the autosave reads of the kept model (features/model/store `TrainedModel`). */
export interface TrainedLike {
  readonly id: string;
  readonly name: string;
  readonly dataset: Config['dataset'];
  readonly arch: { readonly kind: Config['arch'] };
  readonly testAccuracy: number;
  readonly initialTestAccuracy: number;
  readonly sparsity: number | null;
  readonly quantizedWith: Config['weights'] | null;
  readonly actQuant: { readonly acts: Config['acts'] } | null;
  readonly layers: readonly {
    readonly name: string;
    readonly kernelShape: readonly number[];
    readonly bias: ArrayBuffer | null;
  }[];
}

/** A run that ended with a model to keep an entry of: done or stopped, not a baseline. */
export function runToSave(run: RunLike): boolean {
  return (
    (run.status === 'done' || run.status === 'stopped') &&
    run.productId !== null &&
    run.baselineOf === null
  );
}

const TECHNIQUE: Readonly<Record<Recipe['kind'], string>> = {
  finetune: 'fine-tuning after pruning',
  qat: 'QAT',
  kd: 'distillation',
};

/**
 * The trained model's size: float32, or as its QAT quantizer stores it (codes, scales, zero-points
 * and float32 biases, dense). A fine-tuned model's zeros are not counted as sparse storage here:
 * re-opened in the Prune & cluster tab it is measured with its sparse formats.
 */
export function trainedSize(
  model: TrainedLike,
  seed: number,
): { sizeBits: number; float32Bits: number } {
  let sizeBits = 0;
  let float32Bits = 0;
  for (const l of model.layers) {
    const out = l.kernelShape[l.kernelShape.length - 1] ?? 1;
    const info = { kernelShape: l.kernelShape, biasShape: l.bias ? [out] : null, outChannels: out };
    const floatBits = 32 * (shapeSize(l.kernelShape) + (l.bias ? out : 0));
    float32Bits += floatBits;
    sizeBits += model.quantizedWith
      ? layerSize(layerSpec({ weights: model.quantizedWith, overrides: {}, seed }, l.name), info)
          .totalBits
      : floatBits;
  }
  return { sizeBits, float32Bits };
}

/** Epochs the run trained: all of them, or the fraction done when stopped. */
function epochsDone(run: RunLike): number {
  const last = run.progress[run.progress.length - 1];
  if (run.status !== 'stopped' || !last || last.totalSteps <= 0) return run.recipe.epochs;
  return Math.round((last.step / last.totalSteps) * run.recipe.epochs * 100) / 100;
}

/**
 * The config that re-opens a run's model: it picked in the labs, in the tab that shows what the
 * run trained (QAT: the Quantize tab with its quantizer; fine-tuning: Prune & cluster with its
 * pruning; distillation: the Model tab). The rest of the pipeline is off.
 */
export function runConfig(base: Config, run: RunLike, model: TrainedLike): Config {
  const r = run.recipe;
  const config: Config = {
    ...base,
    dataset: model.dataset,
    arch: model.arch.kind,
    trained: model.id as Config['trained'],
    trainedRecipe: JSON.stringify(r),
    layer: null,
    overrides: {},
    weights: { ...DEFAULT_CONFIG.weights, format: 'float32' },
    acts: DEFAULT_CONFIG.acts,
    prune: DEFAULT_CONFIG.prune,
    cluster: DEFAULT_CONFIG.cluster,
    storage: DEFAULT_CONFIG.storage,
    view: 'model',
  };
  if (r.kind === 'qat')
    return {
      ...config,
      view: 'quantize',
      weights: model.quantizedWith ?? config.weights,
      acts: model.actQuant?.acts ?? config.acts,
    };
  if (r.kind === 'finetune') return { ...config, view: 'prune', prune: r.prune };
  return config;
}

/** The entry a finished run makes; `total` is the size of its test set. */
export function runDraft(run: RunLike, model: TrainedLike, total: number, base: Config): Draft {
  const r = run.recipe;
  const family = recipeFamily(r) ?? { key: model.id, label: model.name };
  const { sizeBits, float32Bits } = trainedSize(model, r.seed);
  const epochs = epochsDone(run);
  const detail =
    r.kind === 'kd'
      ? `T ${r.temperature}, α ${r.alpha}`
      : describePipeline({
          prune: r.kind === 'finetune' ? r.prune : DEFAULT_CONFIG.prune,
          weights: model.quantizedWith ?? { ...DEFAULT_CONFIG.weights, format: 'float32' },
          cluster: DEFAULT_CONFIG.cluster,
          acts: model.actQuant?.acts ?? DEFAULT_CONFIG.acts,
          overrides: {},
        });
  const hash = hashOf(runConfig(base, run, model));
  const accuracy = model.testAccuracy;
  return {
    key: runKey(model.id),
    record: {
      name: run.name,
      kind: 'run',
      modelKey: family.key,
      modelLabel: family.label,
      hash,
      summary: `${TECHNIQUE[r.kind]}: ${detail} · ${epochs} epoch${epochs === 1 ? '' : 's'}${run.status === 'stopped' ? ' (stopped)' : ''}`,
      results: {
        accuracy,
        correct: Math.min(total, Math.round(accuracy * total)),
        total,
        sizeBits,
        float32Bits,
        ratio: ratioOf(float32Bits, sizeBits),
        ...(model.sparsity !== null ? { sparsity: model.sparsity } : {}),
        weightBits:
          model.quantizedWith?.format === 'int'
            ? model.quantizedWith.bits
            : model.quantizedWith?.format === 'float16' ||
                model.quantizedWith?.format === 'bfloat16'
              ? 16
              : null,
        actBits: model.actQuant && model.actQuant.acts.bits > 0 ? model.actQuant.acts.bits : null,
      },
      run: { technique: TECHNIQUE[r.kind], epochs, initialAccuracy: model.initialTestAccuracy },
    },
  };
}

/* --------------------------------- dedupe --------------------------------- */

/**
 * What to store for a draft, given the stored entry with the same key (if any): nothing when it
 * is the same measurement (same accuracy and size: it stays as first saved, name and time), the
 * entry replaced in place (its id and the user's name kept, the time now) when the numbers
 * differ, or a new entry.
 */
export function planSave(
  existing: HistoryRecord | undefined,
  draft: Draft,
  now: number,
  newId: () => string,
): HistoryRecord | null {
  if (existing) {
    const a = existing.results;
    const b = draft.record.results;
    if (
      a.accuracy === b.accuracy &&
      a.correct === b.correct &&
      a.total === b.total &&
      a.sizeBits === b.sizeBits
    )
      return null;
    return { ...draft.record, id: existing.id, name: existing.name, createdAt: now };
  }
  return { ...draft.record, id: newId(), createdAt: now };
}

/* --------------------------------- settle --------------------------------- */

/** How long a measured config must stay put before it is saved: a slider drag saves nothing. */
export const SETTLE_MS = 1500;

/** The draft waiting to settle: its key, since when, and whether it was handed on already. */
export interface Pending {
  readonly key: string;
  readonly since: number;
  readonly saved: boolean;
}

/**
 * The next pending draft after a state change: none without a draft; the same one (its time
 * kept) while the key holds; else a new one from `now`.
 */
export function settle(pending: Pending | null, key: string | null, now: number): Pending | null {
  if (key === null) return null;
  if (pending && pending.key === key) return pending;
  return { key, since: now, saved: false };
}

/** When `pending` is due to be saved (ms), or null if it was saved already. */
export function dueAt(pending: Pending | null, settleMs = SETTLE_MS): number | null {
  return pending && !pending.saved ? pending.since + settleMs : null;
}
