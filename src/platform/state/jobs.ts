import { NM_PATTERNS, modelArch, modelKey } from '../shared/config';
import { compressSettings } from '../../features/compress/shared/pipeline';
import type { PruneMethod } from '../../features/prune/shared/pruneModel';
import type { Config } from '../shared/config';
import type { EngineClient, StatsClient } from '../worker/workers';
import type { EvalRequest, ModelSummary } from '../worker/engine';
import {
  actInspectionKey,
  effectiveLayer,
  evaluationKey,
  histogramKey,
  kdImageIndex,
  layerErrorsKey,
  maskKey,
  misclassifiedKey,
  oneShotKey,
  pruneSweepKey,
  quantEvaluationKey,
  reportKey,
  sensitivityKey,
  softTargetsKey,
  sweepActs,
  sweepKey,
  sweepWithActs,
  weightInspectionKey,
} from './keys';
import type { PruneSweepPoint, Results, SensitivityRow, State, SweepPoint } from './store';

/** Size of the quick accuracy estimate shown before the full test set is done. */
export const QUICK_EVAL_COUNT = 1000;
/** Below this full-evaluation time (ms) the compressed model skips the quick estimate. */
export const FAST_EVAL_MS = 100;
/** Bit-widths of the accuracy sweep. */
export const SWEEP_BITS = [8, 7, 6, 5, 4, 3, 2, 1] as const;
/** Sparsities of the accuracy-vs-sparsity sweep: finer near the top, where accuracy falls. */
export const PRUNE_SWEEP_SPARSITIES = [
  0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99,
] as const;
/** Methods compared in that sweep. */
export const SWEEP_METHODS: readonly PruneMethod[] = [
  'magnitude',
  'global',
  'structured',
  'random',
];

/** Bit-widths tried per layer by the sensitivity analysis. */
export const SENSITIVITY_BITS = [8, 4, 3, 2] as const;

export type Data<K extends keyof Results> = NonNullable<Results[K]>['data'];

export interface Job<K extends keyof Results> {
  readonly name: K;
  /**
   * 'instant' jobs run on the stats worker and draw what a slider step changes at once; the
   * others (evaluations, on the compute worker) start once those are in, so that on a two-core
   * laptop the instant views do not share a core with an evaluation.
   */
  readonly lane?: 'instant';
  /** Started before the other jobs when this holds (the workers serve requests in order). */
  first?(s: State): boolean;
  /** The key of the result the current state needs, or null if it needs none. */
  key(s: State, summary: ModelSummary | null): string | null;
  /** Whether a stored result is final (streaming jobs store partial results on the way). */
  complete?(data: Data<K>, summary: ModelSummary | null): boolean;
  /** Computes the result; `emit` stores (partial) results, `stale` says the config moved on. */
  run(ctx: {
    config: Config;
    summary: ModelSummary | null;
    emit: (d: Data<K>) => void;
    stale: () => boolean;
  }): Promise<void>;
}

const quantRequest = (c: Config): EvalRequest => ({
  weights: compressSettings(c),
  acts: c.acts.bits > 0 ? c.acts : null,
});

/**
 * The results the app computes, in priority order: each says which result the current state needs
 * (its key) and how to compute it on the worker. The controller runs them.
 */
export function createJobs(client: EngineClient, stats: StatsClient): Job<keyof Results>[] {
  /** Last full-test-set evaluation time per model, in ms. */
  const fullEvalMs = new Map<string, number>();
  const jobs: Job<keyof Results>[] = [];
  const add = <K extends keyof Results>(job: Job<K>) =>
    jobs.push(job as unknown as Job<keyof Results>);
  const inQuantView = (s: State) => s.config.view === 'quantize';
  /** Views that show the compressed model. */
  const inCompressView = (s: State) => s.config.view === 'quantize' || s.config.view === 'prune';
  const inPruneView = (s: State) => s.config.view === 'prune';
  /** The Train tab with quantization-aware training: its PTQ-vs-QAT chart draws the sweep. */
  const inQatView = (s: State) => s.config.view === 'train' && s.config.train.technique === 'qat';
  /** The Train tab with distillation: the teacher's soft targets for a test image. */
  const inKdView = (s: State) => s.config.view === 'train' && s.config.train.technique === 'kd';
  const layerOf = (s: State, summary: ModelSummary | null) => effectiveLayer(s.config, summary);

  add({
    name: 'summary',
    key: (s) => modelKey(s.config),
    run: async ({ config, emit }) =>
      emit(await client.call((api) => api.describeModel(config.dataset, modelArch(config)))),
  });

  add({
    name: 'histogram',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null ? null : histogramKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      emit(
        await client.call((api) =>
          api.layerHistogram(config.dataset, modelArch(config), layer, config.bins),
        ),
      );
    },
  });

  add({
    name: 'weightInspection',
    lane: 'instant',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null || !inCompressView(s) ? null : weightInspectionKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      const settings = compressSettings(config);
      emit(
        await stats.call((api) =>
          api.inspectWeights(config.dataset, modelArch(config), settings, layer, config.bins),
        ),
      );
    },
  });

  add({
    name: 'layerErrors',
    lane: 'instant',
    key: (s) => (inQuantView(s) ? layerErrorsKey(s.config) : null),
    run: async ({ config, emit }) =>
      emit(
        await stats.call((api) =>
          api.layerErrors(config.dataset, modelArch(config), compressSettings(config)),
        ),
      ),
  });

  add({
    name: 'report',
    lane: 'instant',
    // In the pruning lab the sizes and sparsity are what a slider step changes: first in line.
    first: inPruneView,
    key: (s) => (inCompressView(s) ? reportKey(s.config) : null),
    run: async ({ config, emit }) =>
      emit(
        await stats.call((api) =>
          api.compressionReport(
            config.dataset,
            modelArch(config),
            compressSettings(config),
            config.storage,
          ),
        ),
      ),
  });

  add({
    name: 'maskImage',
    lane: 'instant',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null || !inPruneView(s) ? null : maskKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      emit(
        await stats.call((api) =>
          api.maskImage(config.dataset, modelArch(config), compressSettings(config), layer),
        ),
      );
    },
  });

  add({
    name: 'evaluation',
    key: (s) => evaluationKey(s.config),
    complete: (d, summary) => d.count === summary?.dataset.test.count,
    run: async ({ config, emit, stale }) => {
      // Quick estimate on a subset first, then the whole test set.
      emit(
        await client.call((api) =>
          api.evaluate(config.dataset, modelArch(config), null, QUICK_EVAL_COUNT),
        ),
      );
      if (stale()) return;
      emit(await client.call((api) => api.evaluate(config.dataset, modelArch(config), null)));
    },
  });

  add({
    name: 'quantEvaluation',
    key: (s) => (inCompressView(s) ? quantEvaluationKey(s.config) : null),
    complete: (d, summary) => d.count === summary?.dataset.test.count,
    run: async ({ config, emit, stale }) => {
      const req = quantRequest(config);
      const model = modelKey(config);
      // The quick estimate is for slow models; where the whole test set takes under a tenth of a
      // second it only adds a redraw.
      if ((fullEvalMs.get(model) ?? Infinity) > FAST_EVAL_MS) {
        emit(
          await client.call((api) =>
            api.evaluate(config.dataset, modelArch(config), req, QUICK_EVAL_COUNT, 'compressed'),
          ),
        );
        if (stale()) return;
      }
      const full = await client.call((api) =>
        api.evaluate(config.dataset, modelArch(config), req, undefined, 'compressed'),
      );
      fullEvalMs.set(model, full.ms);
      emit(full);
    },
  });

  add({
    name: 'actInspection',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null || !inQuantView(s) || s.config.acts.bits === 0
        ? null
        : actInspectionKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      emit(
        await client.call((api) =>
          api.inspectActivations(
            config.dataset,
            modelArch(config),
            config.acts,
            layer,
            config.bins,
          ),
        ),
      );
    },
  });

  add({
    name: 'sweep',
    key: (s) => (inQuantView(s) || inQatView(s) ? sweepKey(s.config) : null),
    complete: (d) => d.done,
    run: async ({ config, emit, stale }) => {
      const acts = sweepActs(config.acts);
      const points: SweepPoint[] = [];
      const references: Partial<Record<'float16' | 'bfloat16', number>> = {};
      const evalWeights = (weights: Config['weights'], a: Config['acts'] | null) =>
        client.call((api) =>
          api.evaluate(
            config.dataset,
            modelArch(config),
            { weights: { ...compressSettings(config), weights, overrides: {} }, acts: a },
            undefined,
            'sweep',
          ),
        );
      // Point by point, widest first, weight-only then W+A, so the curve fills in as it goes.
      for (const bits of SWEEP_BITS) {
        const weights = { ...config.weights, format: 'int' as const, bits };
        const wOnly = await evalWeights(weights, null);
        if (stale()) return;
        points.push({ bits, weightOnly: wOnly.accuracy, weightAct: null });
        emit({
          actBits: acts.bits,
          points: [...points],
          references: { ...references },
          done: false,
        });
        if (!sweepWithActs(config)) continue;
        const wa = await evalWeights(weights, acts);
        if (stale()) return;
        points[points.length - 1] = { bits, weightOnly: wOnly.accuracy, weightAct: wa.accuracy };
        emit({
          actBits: acts.bits,
          points: [...points],
          references: { ...references },
          done: false,
        });
      }
      for (const format of ['float16', 'bfloat16'] as const) {
        const e = await evalWeights({ ...config.weights, format }, null);
        if (stale()) return;
        references[format] = e.accuracy;
        emit({
          actBits: acts.bits,
          points: [...points],
          references: { ...references },
          done: format === 'bfloat16',
        });
      }
    },
  });

  add({
    name: 'softTargets',
    // One image's forward pass: sent before the full-test-set evaluations of a model change.
    first: inKdView,
    key: (s, summary) => {
      const index = kdImageIndex(s.config, summary);
      return index === null || !inKdView(s) ? null : softTargetsKey(s.config, index);
    },
    run: async ({ config, summary, emit }) => {
      const index = kdImageIndex(config, summary)!;
      emit(await client.call((api) => api.softTargets(config.dataset, modelArch(config), index)));
    },
  });

  add({
    name: 'oneShot',
    key: (s) =>
      s.config.view === 'train' &&
      s.config.train.technique === 'finetune' &&
      s.config.prune.method !== 'none'
        ? oneShotKey(s.config)
        : null,
    run: async ({ config, emit }) => {
      const weights = {
        ...compressSettings(config),
        weights: { ...config.weights, format: 'float32' as const },
        overrides: {},
      };
      emit(
        await client.call((api) =>
          api.evaluate(
            config.dataset,
            modelArch(config),
            { weights, acts: null },
            undefined,
            'oneShot',
          ),
        ),
      );
    },
  });

  add({
    name: 'misclassified',
    key: (s) => (inKdView(s) ? misclassifiedKey(s.config) : null),
    run: async ({ config, emit }) =>
      emit(await client.call((api) => api.misclassified(config.dataset, modelArch(config)))),
  });

  add({
    name: 'sensitivity',
    key: (s) => {
      if (!inQuantView(s) || s.sensitivityRequest === '') return null;
      const k = sensitivityKey(s.config);
      return s.sensitivityRequest === k ? k : null;
    },
    complete: (d) => d.done,
    run: async ({ config, summary, emit, stale }) => {
      if (!summary) return;
      const names = summary.layers.map((l) => l.info.name);
      const rows: SensitivityRow[] = [];
      const evalWith = (overrides: Config['overrides']) =>
        client.call((api) =>
          api.evaluate(
            config.dataset,
            modelArch(config),
            {
              weights: {
                ...compressSettings(config),
                weights: { ...config.weights, format: 'int' as const },
                overrides,
              },
              acts: null,
            },
            undefined,
            'sensitivity',
          ),
        );
      // The reference: every layer float32 on the same (possibly pruned) model, so that a drop is
      // the quantization's alone, not pruning's too.
      const reference = (await evalWith(Object.fromEntries(names.map((n) => [n, 0])))).accuracy;
      if (stale()) return;
      for (const layer of names) {
        const accuracy: Record<number, number> = {};
        for (const bits of SENSITIVITY_BITS) {
          // This layer at `bits`, every other layer float32.
          const e = await evalWith(
            Object.fromEntries(names.map((n) => [n, n === layer ? bits : 0])),
          );
          if (stale()) return;
          accuracy[bits] = e.accuracy;
          emit({
            candidates: [...SENSITIVITY_BITS],
            reference,
            rows: [...rows, { layer, accuracy: { ...accuracy } }],
            done: false,
          });
        }
        rows.push({ layer, accuracy });
      }
      emit({ candidates: [...SENSITIVITY_BITS], reference, rows, done: true });
    },
  });

  add({
    name: 'pruneSweep',
    key: (s) => (inPruneView(s) ? pruneSweepKey(s.config) : null),
    complete: (d) => d.done,
    run: async ({ config, emit, stale }) => {
      const chosen: PruneMethod =
        config.prune.method === 'none' || config.prune.method === 'nm'
          ? 'magnitude'
          : config.prune.method;
      const methods = [chosen, ...SWEEP_METHODS.filter((m) => m !== chosen)];
      const points: PruneSweepPoint[] = PRUNE_SWEEP_SPARSITIES.map((sparsity) => ({
        sparsity,
        accuracy: {},
      }));
      const nm: { pattern: string; sparsity: number; accuracy: number }[] = [];
      const float = { ...config.weights, format: 'float32' as const };
      const evalAt = (prune: Config['prune']) =>
        client.call((api) =>
          api.evaluate(
            config.dataset,
            modelArch(config),
            {
              weights: { ...compressSettings(config), weights: float, overrides: {}, prune },
              acts: null,
            },
            undefined,
            'pruneSweep',
          ),
        );
      // Method by method, the chosen one first, so its curve is complete earliest.
      for (const method of methods) {
        for (const [i, sparsity] of PRUNE_SWEEP_SPARSITIES.entries()) {
          const prune = {
            ...config.prune,
            method: sparsity === 0 ? ('none' as const) : method,
            sparsity,
            overrides: {},
          };
          const e = await evalAt(prune);
          if (stale()) return;
          points[i] = { sparsity, accuracy: { ...points[i]!.accuracy, [method]: e.accuracy } };
          emit({ methods, points: [...points], nm: [...nm], done: false });
        }
      }
      for (const pattern of NM_PATTERNS) {
        const e = await evalAt({ ...config.prune, method: 'nm', pattern, overrides: {} });
        if (stale()) return;
        const [n = 2, m = 4] = pattern.split(':').map(Number);
        nm.push({ pattern, sparsity: 1 - n / m, accuracy: e.accuracy });
        emit({
          methods,
          points: [...points],
          nm: [...nm],
          done: pattern === NM_PATTERNS[NM_PATTERNS.length - 1],
        });
      }
    },
  });

  return jobs;
}
