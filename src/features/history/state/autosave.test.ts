import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, modelKey } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { parseConfig } from '../../../platform/shared/url';
import { evaluationKey, quantEvaluationKey, reportKey } from '../../../platform/state/keys';
import { createAppStore } from '../../../platform/state/store';
import type { State, Store } from '../../../platform/state/store';
import type { Evaluation, ModelSummary } from '../../../platform/worker/engine';
import { RecipeSchema } from '../../train';
import type { Recipe } from '../../train';
import { HistoryRecordSchema } from '../shared/record';
import type { HistoryRecord } from '../shared/record';
import { startAutosave } from './autosave';
import type { RunsSource } from './autosave';
import {
  SETTLE_MS,
  dueAt,
  measurementDraft,
  planSave,
  recordKey,
  runDraft,
  runToSave,
  settle,
  trainedSize,
} from './drafts';
import type { Draft, RunLike, TrainedLike } from './drafts';
import { createHistoryState } from './historyState';
import { openHistoryStore } from './historyStore';

/**
 * The autosave's decisions from state snapshots: which measurement makes an entry (full test
 * set, current, with its size), when (after the config has stayed put), and that the same
 * measurement is kept once; runs once they end with a kept model. Then the whole chain on
 * fake-indexeddb: saved, read back after a "reload", deduped across it.
 */

const TEST_COUNT = 2000;

type CompressionReport = NonNullable<State['report']>['data'];

function summaryFor(config: Config): State['summary'] {
  const data = {
    id: modelKey(config),
    meta: { name: 'LeNet-300-100 MLP' },
    dataset: { id: config.dataset, test: { count: TEST_COUNT } },
    layers: [],
    totalParams: 266_610,
    float32Bits: 266_610 * 32,
  } as unknown as ModelSummary;
  return { key: modelKey(config), data };
}

function evaluation(correct: number, count = TEST_COUNT): Evaluation {
  return {
    modelId: 'mnist-mlp',
    accuracy: correct / count,
    correct,
    count,
    confusion: new Uint32Array(100),
    numClasses: 10,
    ms: 10,
  };
}

function report(totalBits: number, sparsity = 0): CompressionReport {
  return {
    modelId: 'mnist-mlp',
    size: { totalBits, float32Bits: 266_610 * 32, layers: [], parts: {} },
    layers: [],
    sparsity,
    pruned: 0,
    total: 266_200,
  } as unknown as CompressionReport;
}

/** The store as the controller leaves it once `config` is fully measured. */
function measured(store: Store, config: Config, correct: number, bits: number, count = TEST_COUNT) {
  store.setState({
    config,
    summary: summaryFor(config),
    evaluation: { key: evaluationKey(config), data: evaluation(1952) },
    quantEvaluation: { key: quantEvaluationKey(config), data: evaluation(correct, count) },
    report: { key: reportKey(config), data: report(bits) },
  });
}

const W4: Config = {
  ...DEFAULT_CONFIG,
  view: 'quantize',
  weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 4 },
};
const W2: Config = { ...W4, weights: { ...W4.weights, bits: 2 } };

describe('measurementDraft', () => {
  it('makes an entry of a full, current measurement with its true size and link', () => {
    const store = createAppStore();
    measured(store, W4, 1940, 270_000);
    const draft = measurementDraft(store.getState())!;
    expect(draft).not.toBeNull();
    const r = draft.record;
    expect(r.kind).toBe('measurement');
    expect(r.modelKey).toBe('mnist-mlp');
    expect(r.modelLabel).toBe('MNIST MLP');
    expect(r.summary).toContain('int4');
    expect(r.name).toBe(`MNIST MLP · ${r.summary}`);
    expect(r.results).toMatchObject({
      accuracy: 1940 / TEST_COUNT,
      correct: 1940,
      total: TEST_COUNT,
      sizeBits: 270_000,
      float32Bits: 266_610 * 32,
      floatAccuracy: 1952 / TEST_COUNT,
      weightBits: 4,
      actBits: null,
      sparsity: 0,
    });
    expect(r.results.ratio).toBeCloseTo((266_610 * 32) / 270_000, 12);
    // The link restores the config, and keys the same as the stored entry will.
    expect(parseConfig(r.hash).config).toEqual(W4);
    expect(recordKey({ kind: 'measurement', hash: r.hash })).toBe(draft.key);
    // Valid as stored.
    expect(HistoryRecordSchema.safeParse({ ...r, id: 'x', createdAt: 1 }).success).toBe(true);
  });

  it('makes none of a quick estimate, a stale result, a missing size or another model', () => {
    const store = createAppStore();
    measured(store, W4, 950, 270_000, 1000);
    expect(measurementDraft(store.getState())).toBeNull();

    measured(store, W4, 1940, 270_000);
    // The config moved on to 2 bits: the 4-bit results are stale.
    store.setState({ config: W2 });
    expect(measurementDraft(store.getState())).toBeNull();

    measured(store, W2, 1500, 140_000);
    store.setState({ report: null });
    expect(measurementDraft(store.getState())).toBeNull();

    measured(store, W2, 1500, 140_000);
    store.setState({ summary: summaryFor({ ...W2, arch: 'cnn' }) });
    expect(measurementDraft(store.getState())).toBeNull();
  });

  it('keys by what decides the numbers: the layer shown or the tab do not make a new entry', () => {
    const store = createAppStore();
    measured(store, W4, 1940, 270_000);
    const a = measurementDraft(store.getState())!;
    measured(store, { ...W4, layer: 'fc2', view: 'prune', bins: 32 }, 1940, 270_000);
    const b = measurementDraft(store.getState())!;
    expect(b.key).toBe(a.key);
    expect(b.record.hash).not.toBe(a.record.hash);
    measured(store, W2, 1500, 140_000);
    expect(measurementDraft(store.getState())!.key).not.toBe(a.key);
  });

  it('re-opens in the lab it was measured in, also when saved while another tab is shown', () => {
    const store = createAppStore();
    measured(store, { ...W4, view: 'prune' }, 1940, 270_000);
    expect(parseConfig(measurementDraft(store.getState())!.record.hash).config.view).toBe('prune');
    // Measured in the Quantize tab, then the History tab opened within the 1.5 s.
    measured(store, { ...W4, view: 'history' }, 1940, 270_000);
    expect(parseConfig(measurementDraft(store.getState())!.record.hash).config.view).toBe(
      'quantize',
    );
    const pruned: Config = { ...W4, view: 'history', prune: { ...W4.prune, method: 'magnitude' } };
    measured(store, pruned, 1900, 120_000);
    expect(parseConfig(measurementDraft(store.getState())!.record.hash).config.view).toBe('prune');
  });
});

describe('settle and dedupe', () => {
  it('waits for the key to hold SETTLE_MS, once per key', () => {
    let p = settle(null, 'a', 1000);
    expect(dueAt(p)).toBe(1000 + SETTLE_MS);
    // The same key later keeps its start.
    expect(settle(p, 'a', 2000)).toBe(p);
    // Another key starts over; none clears.
    p = settle(p, 'b', 2000);
    expect(dueAt(p)).toBe(2000 + SETTLE_MS);
    expect(settle(p, null, 2100)).toBeNull();
    expect(dueAt({ key: 'b', since: 0, saved: true })).toBeNull();
  });

  it('skips the same measurement, replaces changed numbers keeping id and name, adds new ones', () => {
    const store = createAppStore();
    measured(store, W4, 1940, 270_000);
    const draft = measurementDraft(store.getState())!;
    const first = planSave(undefined, draft, 100, () => 'id-1')!;
    expect(first).toMatchObject({ id: 'id-1', createdAt: 100, name: draft.record.name });
    const renamed: HistoryRecord = { ...first, name: 'my 4-bit' };
    expect(planSave(renamed, draft, 200, () => 'id-2')).toBeNull();
    const changed: Draft = {
      ...draft,
      record: { ...draft.record, results: { ...draft.record.results, sizeBits: 260_000 } },
    };
    expect(planSave(renamed, changed, 300, () => 'id-3')).toMatchObject({
      id: 'id-1',
      name: 'my 4-bit',
      createdAt: 300,
      results: { sizeBits: 260_000 },
    });
  });
});

/** A fake history: what was handed to it, when. */
function recorder(clock: () => number) {
  const saved: { at: number; draft: Draft }[] = [];
  return { saved, save: async (draft: Draft) => void saved.push({ at: clock(), draft }) };
}

describe('startAutosave (measurements)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('saves a config measured and left alone for 1.5 s, and none of those a drag passes through', () => {
    const store = createAppStore();
    const { saved, save } = recorder(() => Date.now());
    const stop = startAutosave({ store, save });
    // A drag: each config fully measured, but moved on from within 1.5 s.
    for (let bits = 8; bits >= 3; bits--) {
      measured(store, { ...W4, weights: { ...W4.weights, bits } }, 1900 + bits, 30_000 * bits);
      vi.advanceTimersByTime(300);
    }
    expect(saved).toEqual([]);
    // It stops at 2 bits.
    measured(store, W2, 1500, 140_000);
    vi.advanceTimersByTime(SETTLE_MS - 1);
    expect(saved).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.draft.record.results.correct).toBe(1500);
    // Unrelated store changes (busy flags, other results) save nothing more.
    store.setState({ busy: new Set(['sweep']) });
    vi.advanceTimersByTime(10 * SETTLE_MS);
    expect(saved).toHaveLength(1);
    // Back to 4 bits, measured: saved again (the history dedupes if it is kept already).
    measured(store, W4, 1940, 270_000);
    vi.advanceTimersByTime(SETTLE_MS);
    expect(saved.map((s) => s.draft.record.results.correct)).toEqual([1500, 1940]);
    stop();
  });

  it('waits for the full test set: the 1.5 s count from the full evaluation', () => {
    const store = createAppStore();
    const { saved, save } = recorder(() => Date.now());
    startAutosave({ store, save });
    measured(store, W4, 960, 270_000, 1000); // the quick estimate
    vi.advanceTimersByTime(5000);
    expect(saved).toEqual([]);
    measured(store, W4, 1940, 270_000);
    vi.advanceTimersByTime(SETTLE_MS);
    expect(saved.map((s) => s.at)).toEqual([5000 + SETTLE_MS]);
  });
});

/* Runs. */

const QAT = RecipeSchema.parse({
  kind: 'qat',
  weights: { ...DEFAULT_CONFIG.weights, bits: 4, granularity: 'channel' },
  epochs: 2,
}) as Extract<Recipe, { kind: 'qat' }>;

function trained(overrides: Partial<TrainedLike> = {}): TrainedLike {
  return {
    id: 'trained:1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    name: 'MNIST MLP · QAT 4-bit per-channel · run 3',
    dataset: 'mnist',
    arch: { kind: 'mlp' },
    testAccuracy: 0.976,
    initialTestAccuracy: 0.97,
    sparsity: null,
    quantizedWith: QAT.weights,
    actQuant: null,
    layers: [
      { name: 'fc1', kernelShape: [784, 300], bias: new ArrayBuffer(300 * 4) },
      { name: 'fc2', kernelShape: [300, 100], bias: new ArrayBuffer(100 * 4) },
      { name: 'fc3', kernelShape: [100, 10], bias: new ArrayBuffer(10 * 4) },
    ],
    ...overrides,
  };
}

function runOf(overrides: Partial<RunLike> = {}): RunLike {
  return {
    id: 'run-1',
    name: 'MNIST MLP · QAT 4-bit per-channel · run 3',
    recipe: QAT,
    status: 'done',
    productId: trained().id,
    baselineOf: null,
    endedAt: 5000,
    progress: [{ step: 1876, totalSteps: 1876 }],
    ...overrides,
  };
}

describe('runs', () => {
  it('saves runs that ended with a kept model, not failed, cancelled or baseline runs', () => {
    expect(runToSave(runOf())).toBe(true);
    expect(runToSave(runOf({ status: 'stopped' }))).toBe(true);
    expect(runToSave(runOf({ status: 'running', productId: null }))).toBe(false);
    expect(runToSave(runOf({ status: 'failed' }))).toBe(false);
    expect(runToSave(runOf({ status: 'cancelled', productId: null }))).toBe(false);
    expect(runToSave(runOf({ baselineOf: 'run-0', productId: null }))).toBe(false);
  });

  it('sizes a QAT model as its quantizer stores it: 4-bit codes, a float32 scale per channel, float32 biases', () => {
    const { sizeBits, float32Bits } = trainedSize(trained(), 1);
    const weights = 784 * 300 + 300 * 100 + 100 * 10;
    const channels = 300 + 100 + 10;
    expect(float32Bits).toBe(32 * (weights + channels));
    expect(sizeBits).toBe(4 * weights + 32 * channels + 32 * channels);
    expect(trainedSize(trained({ quantizedWith: null }), 1).sizeBits).toBe(float32Bits);
  });

  it('makes an entry with the run’s numbers, grouped with its base model, re-opening its model', () => {
    const draft = runDraft(runOf(), trained(), TEST_COUNT, DEFAULT_CONFIG);
    const r = draft.record;
    expect(r).toMatchObject({
      kind: 'run',
      name: 'MNIST MLP · QAT 4-bit per-channel · run 3',
      modelKey: 'mnist-mlp',
      modelLabel: 'MNIST MLP',
      results: { accuracy: 0.976, correct: 1952, total: TEST_COUNT, weightBits: 4, actBits: null },
      run: { technique: 'QAT', epochs: 2, initialAccuracy: 0.97 },
    });
    expect(r.summary).toMatch(/^QAT: int4 .*\/ch · 2 epochs$/);
    const config = parseConfig(r.hash).config;
    expect(config).toMatchObject({ trained: trained().id, view: 'quantize', weights: QAT.weights });
    expect(recordKey({ kind: 'run', hash: r.hash })).toBe(draft.key);
    expect(HistoryRecordSchema.safeParse({ ...r, id: 'x', createdAt: 1 }).success).toBe(true);

    const stopped = runDraft(
      runOf({ status: 'stopped', progress: [{ step: 469, totalSteps: 1876 }] }),
      trained(),
      TEST_COUNT,
      DEFAULT_CONFIG,
    );
    expect(stopped.record.run?.epochs).toBe(0.5);
    expect(stopped.record.summary).toContain('(stopped)');
  });

  it('saves each ended run once, when it ends, after the test-set size is known', async () => {
    const store = createAppStore();
    const saved: Draft[] = [];
    let state: { runs: Record<string, RunLike> } = {
      runs: { 'run-1': runOf({ status: 'running', productId: null }) },
    };
    const listeners = new Set<(s: typeof state) => void>();
    const runs: RunsSource = {
      getState: () => state,
      subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    };
    const setRuns = (next: typeof state) => {
      state = next;
      for (const l of listeners) l(state);
    };
    const getTrainedModel = vi.fn(async () => trained());
    startAutosave({ store, runs, getTrainedModel, save: async (d) => void saved.push(d) });
    setRuns({ runs: { 'run-1': runOf() } });
    setRuns({ runs: { 'run-1': runOf(), 'run-2': runOf({ id: 'run-2', status: 'queued' }) } });
    await vi.waitFor(() => expect(getTrainedModel).toHaveBeenCalledTimes(1));
    // No model of MNIST described yet: it waits for the test-set size.
    await Promise.resolve();
    expect(saved).toEqual([]);
    store.setState({ summary: summaryFor(DEFAULT_CONFIG) });
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.record.results.total).toBe(TEST_COUNT);
    setRuns({ ...state });
    await Promise.resolve();
    expect(getTrainedModel).toHaveBeenCalledTimes(1);
  });
});

/* The whole chain on fake-indexeddb. */

let dbCount = 0;

describe('history state over IndexedDB', () => {
  it('keeps saves across a reload, dedupes the same measurement across it, renames, deletes and undoes', async () => {
    const dbName = `autosave-test-${++dbCount}`;
    const notices: string[] = [];
    let id = 0;
    const make = () =>
      createHistoryState({
        open: () => openHistoryStore({ dbName }),
        notify: (t) => notices.push(t),
        newId: () => `e-${++id}`,
        now: () => 1_700_000_000_000 + id,
      });
    const store = createAppStore();
    measured(store, W4, 1940, 270_000);
    const d4 = measurementDraft(store.getState())!;
    measured(store, W2, 1500, 140_000);
    const d2 = measurementDraft(store.getState())!;

    const first = make();
    expect(await first.getState().save(d4)).not.toBeNull();
    expect(await first.getState().save(d2)).not.toBeNull();
    expect(await first.getState().save(d4)).toBeNull(); // the same measurement: kept once

    const again = make(); // a reload
    await again.getState().load();
    expect(again.getState().records.map((r) => r.results.correct)).toEqual([1500, 1940]);
    expect(await again.getState().save(d4)).toBeNull();
    expect(again.getState().records).toHaveLength(2);

    const [newest, older] = again.getState().records;
    expect(await again.getState().rename(older!.id, '  4-bit per-tensor  ')).toBeNull();
    expect(await again.getState().rename(older!.id, '   ')).toBe('A name cannot be empty.');
    await again.getState().remove(newest!.id);
    expect(again.getState().records.map((r) => r.name)).toEqual(['4-bit per-tensor']);
    await again.getState().undoRemove();
    expect(again.getState().records.map((r) => r.id)).toEqual([newest!.id, older!.id]);

    const third = make();
    await third.getState().load();
    expect(third.getState().records.map((r) => r.name)).toEqual([newest!.name, '4-bit per-tensor']);
    expect(notices).toEqual([]);
  });

  it('reports a storage that cannot be opened once, and saving goes on failing quietly', async () => {
    const notices: string[] = [];
    const history = createHistoryState({
      open: async () => ({ ok: false, error: 'Could not open the history: private browsing.' }),
      notify: (t) => notices.push(t),
    });
    const store = createAppStore();
    measured(store, W4, 1940, 270_000);
    const draft = measurementDraft(store.getState())!;
    expect(await history.getState().save(draft)).toBeNull();
    expect(await history.getState().save(draft)).toBeNull();
    expect(notices).toEqual(['Could not open the history: private browsing.']);
    expect(history.getState()).toMatchObject({ status: 'failed', records: [] });
  });

  it('reports a full disk at save once, and keeps what it had', async () => {
    const dbName = `autosave-test-${++dbCount}`;
    const notices: string[] = [];
    const history = createHistoryState({
      open: () => openHistoryStore({ dbName }),
      notify: (t) => notices.push(t),
    });
    const store = createAppStore();
    measured(store, W4, 1940, 270_000);
    const d4 = measurementDraft(store.getState())!;
    measured(store, W2, 1500, 140_000);
    const d2 = measurementDraft(store.getState())!;
    expect(await history.getState().save(d4)).not.toBeNull();
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quota;
    });
    expect(await history.getState().save(d2)).toBeNull();
    expect(await history.getState().save(d2)).toBeNull();
    put.mockRestore();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('it is full (QuotaExceededError)');
    expect(history.getState().records.map((r) => r.results.correct)).toEqual([1940]);
  });
});
