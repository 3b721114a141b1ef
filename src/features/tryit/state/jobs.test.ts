import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import { startController } from '../../../platform/state/controller';
import { createAppStore } from '../../../platform/state/store';
import type { EngineClient } from '../../../platform/worker/workers';
import type { ModelSummary } from '../../../platform/worker/engine';
import type { TryitPrediction, TryitQuery } from '../worker';
import {
  selectTryitPrediction,
  selectTryitPredictionCurrent,
  selectTryitPredictions,
} from './selectors';

/** A fake engine whose calls are resolved by hand (as in platform/state/controller.test.ts). */
function fakeClient() {
  const pending: { method: string; args: unknown[]; resolve: (v: unknown) => void }[] = [];
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
  const has = (method: string) => pending.some((p) => p.method === method);
  return { client, take, has };
}

const summary = {
  id: 'mnist-mlp',
  meta: { id: 'mnist-mlp' },
  dataset: { test: { count: 2000 }, classes: [] },
  layers: [{ info: { name: 'fc1' } }],
  totalParams: 1,
  float32Bits: 32,
} as unknown as ModelSummary;

const prediction = (top: number): TryitPrediction => {
  const float = new Float32Array(10);
  float[top] = 5;
  return { modelId: 'mnist-mlp', float, compressed: float.slice(), outputs: 'logits', test: null };
};

const flush = () => new Promise((r) => setTimeout(r, 0));

async function tryitApp() {
  const store = createAppStore();
  store.getState().replaceConfig({ ...DEFAULT_CONFIG, view: 'tryit' });
  const engine = fakeClient();
  startController(store, engine.client, engine.client as never);
  engine.take('describeModel').resolve(summary);
  await flush();
  return { store, engine };
}

const query = (args: unknown[]) => args[3] as TryitQuery;

describe('Try it jobs', () => {
  it('predicts the chosen test image with the pipeline of the config', async () => {
    const { store, engine } = await tryitApp();
    store.getState().setWeightQuant({ format: 'int', bits: 2 });
    await flush();
    type Req = { weights: { weights: { bits: number; format: string } } };
    const bits = (a: unknown[]) => (a[2] as Req).weights.weights.bits;
    // The default pipeline's request, then the 2-bit one for the same image.
    engine.take('tryitPredict', (a) => bits(a) === DEFAULT_CONFIG.weights.bits);
    const call = engine.take('tryitPredict', (a) => bits(a) === 2);
    expect(query(call.args)).toEqual({ kind: 'test', index: 0 });
    expect((call.args[2] as Req).weights.weights.format).toBe('int');
    call.resolve(prediction(7));
    await flush();
    expect(selectTryitPredictionCurrent(store.getState())).toBe(true);
    expect(selectTryitPrediction(store.getState())?.data.float[7]).toBe(5);
  });

  it('never shows the previous drawing’s prediction as the current one', async () => {
    const { store, engine } = await tryitApp();
    engine.take('tryitPredict', (a) => query(a).kind === 'test'); // the initial test image
    const input1 = new Float32Array(784).fill(0.5);
    store.getState().setTryit({ mode: 'drawing', drawing: { id: 1, input: input1, ink: 'ok' } });
    await flush();
    const first = engine.take('tryitPredict', (a) => query(a).kind === 'input');
    const sent = query(first.args);
    expect(sent.kind === 'input' && Array.from(sent.input)).toEqual(Array.from(input1));
    // A copy was sent: the store's input stays whole if the worker takes the buffer.
    expect(sent.kind === 'input' && sent.input).not.toBe(input1);

    // A second stroke before the first answer: the first answer is for another drawing.
    const input2 = new Float32Array(784).fill(0.25);
    store.getState().setTryit({ drawing: { id: 2, input: input2, ink: 'ok' } });
    await flush();
    const second = engine.take('tryitPredict', (a) => query(a).kind === 'input');
    first.resolve(prediction(1));
    await flush();
    expect(selectTryitPredictionCurrent(store.getState())).toBe(false);
    second.resolve(prediction(2));
    await flush();
    expect(selectTryitPredictionCurrent(store.getState())).toBe(true);
    expect(selectTryitPrediction(store.getState())?.data.float[2]).toBe(5);

    // Cleared: nothing to predict, and the old prediction is not current.
    store.getState().setTryit({ drawing: { id: 3, input: null, ink: 'empty' } });
    await flush();
    expect(engine.has('tryitPredict')).toBe(false);
    expect(selectTryitPredictionCurrent(store.getState())).toBe(false);
  });

  it('finds both models’ classes of the test set for the current pipeline only', async () => {
    const { store, engine } = await tryitApp();
    const old = engine.take('tryitPredictions');
    store.getState().setWeightQuant({ format: 'int', bits: 2 });
    await flush();
    const now = engine.take('tryitPredictions');
    const data = {
      modelId: 'mnist-mlp',
      labels: Uint8Array.from([1, 2]),
      float: Uint8Array.from([1, 2]),
      compressed: Uint8Array.from([1, 0]),
    };
    old.resolve(data);
    await flush();
    expect(selectTryitPredictions(store.getState())).toBeNull();
    now.resolve(data);
    await flush();
    expect(selectTryitPredictions(store.getState())?.compressed[1]).toBe(0);
  });

  it('runs nothing for an uploaded model of another shape, and both jobs for one of the shipped shape', async () => {
    for (const evaluation of ['fidelity', 'none', 'dataset'] as const) {
      const store = createAppStore();
      store.getState().replaceConfig({
        ...DEFAULT_CONFIG,
        view: 'tryit',
        uploaded: `uploaded:${'ab'.repeat(32)}`,
      });
      const engine = fakeClient();
      startController(store, engine.client, engine.client as never);
      const uploaded = {
        ...summary,
        id: `uploaded:${'ab'.repeat(32)}`,
        meta: { id: `uploaded:${'ab'.repeat(32)}`, training: { uploaded: true, evaluation } },
      } as unknown as ModelSummary;
      engine.take('describeModel').resolve(uploaded);
      await flush();
      const runs = evaluation === 'dataset';
      expect(engine.has('tryitPredict'), evaluation).toBe(runs);
      expect(engine.has('tryitPredictions'), evaluation).toBe(runs);
    }
  });

  it('computes nothing outside the Try it tab', async () => {
    const { store, engine } = await tryitApp();
    engine.take('tryitPredict');
    engine.take('tryitPredictions');
    store.getState().setView('model');
    store.getState().setTryit({ testIndex: 5 });
    await flush();
    expect(engine.has('tryitPredict')).toBe(false);
    expect(engine.has('tryitPredictions')).toBe(false);
  });
});
