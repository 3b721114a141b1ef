import { modelKey } from '../core/config';
import type { Config } from '../core/config';
import type { EngineClient } from '../worker/client';
import { isCancelled } from '../worker/client';
import type { EvalRequest, ModelSummary } from '../worker/engine';
import {
  actInspectionKey,
  effectiveLayer,
  evaluationKey,
  histogramKey,
  quantEvaluationKey,
  sensitivityKey,
  sweepActs,
  sweepKey,
  weightInspectionKey,
} from './keys';
import type { Results, State, Store, SweepPoint, SensitivityRow } from './store';

/** Size of the quick accuracy estimate shown before the full test set is done. */
export const QUICK_EVAL_COUNT = 1000;
/** Bit-widths of the accuracy sweep. */
export const SWEEP_BITS = [8, 7, 6, 5, 4, 3, 2, 1] as const;
/** Bit-widths tried per layer by the sensitivity analysis. */
export const SENSITIVITY_BITS = [8, 4, 3, 2] as const;

type Data<K extends keyof Results> = NonNullable<Results[K]>['data'];

interface Job<K extends keyof Results> {
  readonly name: K;
  /** The key of the result the current state needs, or null if it needs none. */
  key(s: State, summary: ModelSummary | null): string | null;
  /** Whether a stored result is final (streaming jobs store partial results on the way). */
  complete?(data: Data<K>, summary: ModelSummary | null): boolean;
  /** Computes the result; `emit` stores (partial) results, `stale` says the config moved on. */
  run(ctx: { config: Config; summary: ModelSummary | null; emit: (d: Data<K>) => void; stale: () => boolean }): Promise<void>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const quantRequest = (c: Config): EvalRequest => ({
  weights: { weights: c.weights, overrides: c.overrides, seed: c.seed },
  acts: c.acts.bits > 0 ? c.acts : null,
});

/**
 * The run controller: watches the config, asks the worker for whatever the current config's
 * results lack, and stores each result under the key it was computed for. A result whose key no
 * longer matches the config is dropped on arrival, and multi-step jobs (sweeps, the sensitivity
 * analysis) stop between steps once stale. Returns an unsubscribe function.
 */
export function startController(store: Store, client: EngineClient): () => void {
  const jobs: Job<keyof Results>[] = [];
  const add = <K extends keyof Results>(job: Job<K>) => jobs.push(job as unknown as Job<keyof Results>);
  const inQuantView = (s: State) => s.config.view === 'quantize';
  const layerOf = (s: State, summary: ModelSummary | null) => effectiveLayer(s.config, summary);

  add({
    name: 'summary',
    key: (s) => modelKey(s.config),
    run: async ({ config, emit }) => emit(await client.call((api) => api.describeModel(config.dataset, config.arch))),
  });

  add({
    name: 'histogram',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null ? null : histogramKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      emit(await client.call((api) => api.layerHistogram(config.dataset, config.arch, layer, config.bins)));
    },
  });

  add({
    name: 'weightInspection',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null || !inQuantView(s) ? null : weightInspectionKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      const settings = { weights: config.weights, overrides: config.overrides, seed: config.seed };
      emit(await client.call((api) => api.inspectWeights(config.dataset, config.arch, settings, layer, config.bins)));
    },
  });

  add({
    name: 'evaluation',
    key: (s) => evaluationKey(s.config),
    complete: (d, summary) => d.count === summary?.dataset.test.count,
    run: async ({ config, emit, stale }) => {
      // Quick estimate on a subset first, then the whole test set.
      emit(await client.call((api) => api.evaluate(config.dataset, config.arch, null, QUICK_EVAL_COUNT)));
      if (stale()) return;
      emit(await client.call((api) => api.evaluate(config.dataset, config.arch, null)));
    },
  });

  add({
    name: 'quantEvaluation',
    key: (s) => (inQuantView(s) ? quantEvaluationKey(s.config) : null),
    complete: (d, summary) => d.count === summary?.dataset.test.count,
    run: async ({ config, emit, stale }) => {
      const req = quantRequest(config);
      emit(await client.call((api) => api.evaluate(config.dataset, config.arch, req, QUICK_EVAL_COUNT)));
      if (stale()) return;
      emit(await client.call((api) => api.evaluate(config.dataset, config.arch, req)));
    },
  });

  add({
    name: 'actInspection',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null || !inQuantView(s) || s.config.acts.bits === 0 ? null : actInspectionKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      emit(await client.call((api) => api.inspectActivations(config.dataset, config.arch, config.acts, layer, config.bins)));
    },
  });

  add({
    name: 'sweep',
    key: (s) => (inQuantView(s) ? sweepKey(s.config) : null),
    complete: (d) => d.done,
    run: async ({ config, emit, stale }) => {
      const acts = sweepActs(config.acts);
      const points: SweepPoint[] = [];
      // Point by point, widest first, weight-only then W+A, so the curve fills in as it goes.
      for (const bits of SWEEP_BITS) {
        const weights = { weights: { ...config.weights, format: 'int' as const, bits }, overrides: {}, seed: config.seed };
        const wOnly = await client.call((api) => api.evaluate(config.dataset, config.arch, { weights, acts: null }));
        if (stale()) return;
        points.push({ bits, weightOnly: wOnly.accuracy, weightAct: null });
        emit({ actBits: acts.bits, points: [...points], done: false });
        const wa = await client.call((api) => api.evaluate(config.dataset, config.arch, { weights, acts }));
        if (stale()) return;
        points[points.length - 1] = { bits, weightOnly: wOnly.accuracy, weightAct: wa.accuracy };
        emit({ actBits: acts.bits, points: [...points], done: bits === SWEEP_BITS[SWEEP_BITS.length - 1] });
      }
    },
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
      for (const layer of names) {
        const accuracy: Record<number, number> = {};
        for (const bits of SENSITIVITY_BITS) {
          // This layer at `bits`, every other layer float32.
          const overrides = Object.fromEntries(names.map((n) => [n, n === layer ? bits : 0]));
          const weights = { weights: { ...config.weights, format: 'int' as const }, overrides, seed: config.seed };
          const e = await client.call((api) => api.evaluate(config.dataset, config.arch, { weights, acts: null }));
          if (stale()) return;
          accuracy[bits] = e.accuracy;
          emit({ candidates: [...SENSITIVITY_BITS], rows: [...rows, { layer, accuracy: { ...accuracy } }], done: false });
        }
        rows.push({ layer, accuracy });
      }
      emit({ candidates: [...SENSITIVITY_BITS], rows, done: true });
    },
  });

  /** Keys already asked for, so one config change sends each request once. */
  const requested = new Map<keyof Results, string>();

  const setBusy = (name: keyof Results, on: boolean) =>
    store.setState((s) => {
      const busy = new Set(s.busy);
      if (on) busy.add(name);
      else busy.delete(name);
      return { busy };
    });

  function currentSummary(s: State): ModelSummary | null {
    return s.summary?.key === modelKey(s.config) ? s.summary.data : null;
  }

  function start(job: Job<keyof Results>, key: string): void {
    const s = store.getState();
    const summary = currentSummary(s);
    requested.set(job.name, key);
    const stale = () => job.key(store.getState(), currentSummary(store.getState())) !== key;
    const emit = (data: Data<keyof Results>) => {
      if (!stale()) store.setState({ [job.name]: { key, data } } as Partial<State>);
    };
    setBusy(job.name, true);
    job
      .run({ config: s.config, summary, emit, stale })
      .catch((e: unknown) => {
        if (!isCancelled(e) && !stale()) store.getState().addNotice('error', message(e));
      })
      .finally(() => {
        // Forget the request once it ends, so a config that comes back is computed again if its
        // result was cut short.
        if (requested.get(job.name) === key) {
          requested.delete(job.name);
          setBusy(job.name, false);
        }
      });
  }

  function sync(): void {
    const s = store.getState();
    const summary = currentSummary(s);
    for (const job of jobs) {
      if (job.name !== 'summary' && !summary) continue; // everything else needs the model
      const key = job.key(s, summary);
      if (key === null) continue;
      const have = s[job.name];
      if (have?.key === key && (!job.complete || job.complete(have.data as never, summary))) continue;
      if (requested.get(job.name) === key) continue;
      start(job, key);
    }
  }

  client
    .call((api) => api.init())
    .then((backend) => {
      store.setState({ backend });
      if (backend.note) store.getState().addNotice('warning', backend.note);
    })
    .catch((e: unknown) => store.getState().addNotice('error', message(e)));

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.config !== prev.config || s.summary !== prev.summary || s.sensitivityRequest !== prev.sensitivityRequest) sync();
  });
  sync();
  return unsubscribe;
}
