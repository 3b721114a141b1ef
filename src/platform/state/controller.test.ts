import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../shared/config';
import type { EngineClient } from '../worker/workers';
import type { Evaluation, ModelSummary } from '../worker/engine';
import { GESTURE_MS, INSTANT_WAIT_MS, startController } from './controller';
import { selectEvaluation, selectSummary } from './selectors';
import { createAppStore } from './store';

/**
 * The run controller against a fake engine whose calls we resolve by hand: results land under
 * the key they were computed for, and a result for an older config is never shown as current.
 */
interface Pending {
  method: string;
  args: unknown[];
  resolve: (v: unknown) => void;
}

function fakeClient() {
  const pending: Pending[] = [];
  const api = new Proxy(
    {},
    {
      get:
        (_t, method: string) =>
        (...args: unknown[]) =>
          new Promise((resolve) => {
            if (method === 'init')
              resolve({
                name: 'cpu',
                simd: false,
                threads: 1,
                crossOriginIsolated: false,
                tfjsVersion: 'x',
                note: null,
              });
            else pending.push({ method, args, resolve });
          }),
    },
  );
  const client = {
    call: (fn: (a: unknown) => Promise<unknown>) => fn(api),
  } as unknown as EngineClient;
  const take = (method: string, match: (args: unknown[]) => boolean = () => true) => {
    const i = pending.findIndex((p) => p.method === method && match(p.args));
    if (i < 0)
      throw new Error(`no pending ${method}; pending: ${pending.map((p) => p.method).join(', ')}`);
    return pending.splice(i, 1)[0]!;
  };
  return { client, pending, take };
}

/**
 * A model slow enough for a quick estimate before any measurement (quickFirst): one 4096×4096
 * dense layer is 33.6 MFLOP an image, 100 test images ≈ 420 ms at the assumed speed.
 */
const SLOW_LAYER = {
  name: 'fc1',
  className: 'Dense',
  kernelShape: [4096, 4096],
  outputShape: [4096],
};
const summary = (id: string, testCount = 100, layer: object = SLOW_LAYER) =>
  ({
    id,
    meta: { id },
    dataset: { test: { count: testCount }, classes: [] },
    layers: [{ info: layer }],
    totalParams: 1,
    float32Bits: 32,
  }) as unknown as ModelSummary;
const evaluation = (accuracy: number, count: number) =>
  ({
    modelId: 'm',
    accuracy,
    correct: accuracy * count,
    count,
    confusion: new Uint32Array(100),
    numClasses: 10,
    ms: 1,
  }) as Evaluation;

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('run controller', () => {
  it('loads the model, then streams a quick and a full evaluation', async () => {
    const store = createAppStore();
    const { client, take } = fakeClient();
    startController(store, client, client as never);
    take('describeModel').resolve(summary('mnist-mlp', 2000));
    await flush();
    expect(selectSummary(store.getState())?.id).toBe('mnist-mlp');
    take('evaluate', (a) => a[3] === 1000).resolve(evaluation(0.9, 1000));
    await flush();
    expect(selectEvaluation(store.getState())?.count).toBe(1000);
    // The full result: only the rest of the test set is evaluated, and joined to the estimate.
    take('evaluate', (a) => a[3] === undefined && a[5] === 1000).resolve(evaluation(1, 1000));
    await flush();
    expect(selectEvaluation(store.getState())?.count).toBe(2000);
    expect(selectEvaluation(store.getState())?.accuracy).toBe(0.95);
    expect(selectEvaluation(store.getState())?.correct).toBe(1900);
  });

  it('a model predicted fast (or measured fast) gets its full accuracy in one step, no quick estimate', async () => {
    const store = createAppStore();
    const { client, take, pending } = fakeClient();
    startController(store, client, client as never);
    // 784×100 dense: 0.16 MFLOP an image, 2,000 images ≈ 39 ms at the assumed speed.
    const small = { name: 'fc1', className: 'Dense', kernelShape: [784, 100], outputShape: [100] };
    take('describeModel').resolve(summary('mnist-mlp', 2000, small));
    await flush();
    expect(pending.some((p) => p.method === 'evaluate' && p.args[3] === 1000)).toBe(false);
    take('evaluate', (a) => a[3] === undefined).resolve(evaluation(0.95, 2000));
    await flush();
    expect(selectEvaluation(store.getState())?.count).toBe(2000);
  });

  it('a model measured slow gets a quick estimate on its next evaluation even if predicted fast', async () => {
    const store = createAppStore();
    const { client, take } = fakeClient();
    startController(store, client, client as never);
    const small = { name: 'fc1', className: 'Dense', kernelShape: [784, 100], outputShape: [100] };
    take('describeModel').resolve(summary('mnist-mlp', 2000, small));
    await flush();
    // The first full evaluation took 400 ms (a busy machine, say): over FAST_EVAL_MS.
    take('evaluate', (a) => a[3] === undefined).resolve({ ...evaluation(0.95, 2000), ms: 400 });
    await flush();
    store.getState().setView('quantize');
    await flush();
    // The compressed model's evaluation waits for the instant views of the change.
    for (const m of ['inspectWeights', 'layerErrors', 'compressionReport']) take(m).resolve({});
    await new Promise((r) => setTimeout(r, 100));
    take('evaluate', (a) => a[3] === 1000 && a[4] === 'compressed').resolve(evaluation(0.9, 1000));
  });

  it('drops a result computed for a config the user has left', async () => {
    const store = createAppStore();
    const { client, take } = fakeClient();
    startController(store, client, client as never);
    const first = take('describeModel');
    store.getState().setArch('cnn'); // the user moves on before the MLP has loaded
    await flush();
    const second = take('describeModel', (a) => a[1] === 'cnn');
    first.resolve(summary('mnist-mlp'));
    await flush();
    expect(selectSummary(store.getState())).toBeNull();
    second.resolve(summary('mnist-cnn'));
    await flush();
    expect(selectSummary(store.getState())?.id).toBe('mnist-cnn');
  });

  it('never shows the previous model’s accuracy as the current one', async () => {
    const store = createAppStore();
    const { client, take } = fakeClient();
    startController(store, client, client as never);
    take('describeModel').resolve(summary('mnist-mlp'));
    await flush();
    take('evaluate', (a) => a[3] === 1000).resolve(evaluation(0.9, 1000));
    await flush();
    store.getState().replaceConfig({ ...DEFAULT_CONFIG, dataset: 'fashion' });
    await flush();
    expect(selectEvaluation(store.getState())).toBeNull();
    // The MLP's full evaluation arrives late: it is for another model, so it is not stored as current.
    take('evaluate', (a) => a[0] === 'mnist' && a[3] === undefined).resolve(evaluation(0.99, 100));
    await flush();
    expect(selectEvaluation(store.getState())).toBeNull();
  });

  it('starts an evaluation only once the instant views of the same change are in', async () => {
    const store = createAppStore();
    const engine = fakeClient();
    const stats = fakeClient();
    startController(store, engine.client, stats.client as never);
    engine.take('describeModel').resolve(summary('mnist-mlp'));
    await flush();
    store.getState().setView('quantize');
    await flush();
    const compressed = (a: unknown[]) => a[4] === 'compressed';
    // The stats worker has the histogram to draw; the compute worker waits for it.
    const inspection = stats.take('inspectWeights');
    expect(engine.pending.some((p) => p.method === 'evaluate' && compressed(p.args))).toBe(false);
    inspection.resolve({ modelId: 'mnist-mlp', layer: 'fc1' });
    for (const m of ['layerErrors', 'compressionReport']) stats.take(m).resolve({ modelId: 'm' });
    await flush();
    expect(engine.pending.some((p) => p.method === 'evaluate' && compressed(p.args))).toBe(true);
  });

  it('does not let a slow instant view hold an evaluation back for long', async () => {
    const store = createAppStore();
    const engine = fakeClient();
    const stats = fakeClient();
    startController(store, engine.client, stats.client as never);
    engine.take('describeModel').resolve(summary('mnist-mlp'));
    await flush();
    store.getState().setView('quantize');
    await new Promise((r) => setTimeout(r, INSTANT_WAIT_MS + 20));
    expect(stats.pending.length).toBeGreaterThan(0); // never answered
    expect(engine.pending.some((p) => p.method === 'evaluate' && p.args[4] === 'compressed')).toBe(
      true,
    );
  });

  it('a drag: a change made while the last one’s accuracy is measured waits for the hand to rest; one made after its answer does not', async () => {
    const store = createAppStore();
    const engine = fakeClient();
    const stats = fakeClient();
    startController(store, engine.client, stats.client as never);
    // Fast (no quick estimate): one evaluation per configuration.
    const small = { name: 'fc1', className: 'Dense', kernelShape: [784, 100], outputShape: [100] };
    engine.take('describeModel').resolve(summary('mnist-mlp', 2000, small));
    await flush();
    store.getState().setView('quantize');
    const answerViews = async () => {
      await flush();
      for (const p of stats.pending.splice(0)) p.resolve({ modelId: 'mnist-mlp', layer: 'fc1' });
      await flush();
      await flush();
    };
    const bitsOf = (p: Pending) =>
      (p.args[2] as { weights: { weights: { bits: number } } }).weights.weights.bits;
    const asked = () =>
      engine.pending
        .filter((p) => p.method === 'evaluate' && p.args[4] === 'compressed')
        .map(bitsOf);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await answerViews();
    // The float model's accuracy (the reference beside the compressed one) is in.
    engine.take('evaluate', (a) => a[4] !== 'compressed').resolve(evaluation(0.95, 2000));
    await flush();
    expect(asked()).toEqual([8]); // in flight

    // Two steps in quick succession while 8 bits is still being measured: held.
    store.getState().setWeightQuant({ bits: 7 });
    await answerViews();
    await sleep(20);
    store.getState().setWeightQuant({ bits: 6 });
    await answerViews();
    // The views are in (nothing else holds an evaluation back), yet nothing new is asked for.
    await sleep(5);
    expect(asked()).toEqual([8]);
    // …and the store says that the accuracy waits for the hand (the readout tells the user).
    expect(store.getState().heldForRest).toBe(true);
    // The hand rests: the last step's accuracy is asked for, the one passed over never.
    await sleep(GESTURE_MS + 30);
    expect(asked()).toEqual([8, 6]);
    expect(store.getState().heldForRest).toBe(false);
    for (const p of engine.pending.splice(0)) p.resolve(evaluation(0.9, 2000));
    await flush();

    // A step after a rest is measured at once, and so is one that follows it quickly once its
    // answer has come (the user is not outpacing the answers).
    store.getState().setWeightQuant({ bits: 5 });
    await answerViews();
    expect(asked()).toEqual([5]);
    expect(store.getState().heldForRest).toBe(false);
    engine.take('evaluate', (a) => a[4] === 'compressed').resolve(evaluation(0.9, 2000));
    await flush();
    store.getState().setWeightQuant({ bits: 4 });
    await answerViews();
    expect(asked()).toEqual([4]);
  });
});
