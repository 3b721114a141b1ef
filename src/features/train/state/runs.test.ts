import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError } from '../../../platform/worker/client';
import { FAKED_TIMERS, flushMessages } from '../../../platform/worker/fakeWorker';
import type { RunCallbacks, RunHandle } from '../../../platform/worker/runClient';
import { createAppStore } from '../../../platform/state/store';
import { openTrainedStore } from '../../model/store';
import type { TrainedStore } from '../../model/store';
import type { TrainProgress } from '../shared/progress';
import { RecipeSchema } from '../shared/recipe';
import type { Recipe } from '../shared/recipe';
import type { TrainProduct } from '../worker/trainer';
import { createRunsStore } from './runs';

/**
 * The runs store against a run client whose runs the test drives by hand, and the real
 * trained-model store on fake-indexeddb.
 */

interface FakeRun {
  id: string;
  recipe: Recipe;
  callbacks: RunCallbacks<TrainProgress>;
  resolve: (p: TrainProduct) => void;
  reject: (e: Error) => void;
  stopped: boolean;
  cancelled: boolean;
}

function fakeClient() {
  const runs: FakeRun[] = [];
  return {
    runs,
    start(recipe: Recipe, callbacks: RunCallbacks<TrainProgress>): RunHandle<TrainProduct> {
      let resolve!: (p: TrainProduct) => void;
      let reject!: (e: Error) => void;
      const result = new Promise<TrainProduct>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const run: FakeRun = {
        id: `00000000-0000-4000-8000-${String(runs.length + 1).padStart(12, '0')}`,
        recipe,
        callbacks,
        resolve,
        reject,
        stopped: false,
        cancelled: false,
      };
      runs.push(run);
      return {
        id: run.id,
        result,
        stop: () => (run.stopped = true),
        cancel: async () => {
          run.cancelled = true;
          reject(new CancelledError('Cancelled'));
        },
      };
    },
  };
}

const point = (step: number): TrainProgress => ({
  step,
  totalSteps: 100,
  epoch: 1,
  loss: 2 / (step + 1),
  trainAccuracy: null,
  testAccuracy: null,
  sparsity: null,
  elapsedMs: step * 10,
});

function product(stopped = false): TrainProduct {
  return {
    layers: [
      {
        name: 'fc1',
        className: 'Dense',
        kernelShape: [2, 2],
        kernel: new Float32Array([0.5, -1, 2, 0]),
        bias: new Float32Array([0.1, 0.2]),
      },
    ],
    history: [point(0), point(1)],
    stopped,
    testAccuracy: 0.91,
    initialTestAccuracy: 0.13,
    arch: { kind: 'mlp', hidden: [] },
    quantizedWith: null,
    actQuant: null,
    sparsity: null,
  };
}

const qat = (bits: number): Recipe =>
  RecipeSchema.parse({ kind: 'qat', weights: { format: 'int', bits } });

let dbCount = 0;
describe('runs store', () => {
  let trained: TrainedStore<Recipe>;
  beforeEach(async () => {
    trained = await openTrainedStore({ recipeSchema: RecipeSchema, dbName: `runs-${++dbCount}` });
    vi.useFakeTimers({ toFake: [...FAKED_TIMERS] });
  });
  afterEach(() => {
    vi.useRealTimers();
    trained.close();
  });

  /** Lets promise chains and fake-indexeddb (which runs on setImmediate) finish. */
  const settle = () => flushMessages(20);

  it('appends progress deltas in order, one store update per 200 ms at most', async () => {
    const client = fakeClient();
    const store = createRunsStore({ client, trained, flushMs: 200 });
    const id = store.getState().startRun(qat(2));
    expect(store.getState().runs[id]!.status).toBe('queued');
    const run = client.runs[0]!;
    run.callbacks.onStart?.();
    expect(store.getState().runs[id]!.status).toBe('running');

    let updates = 0;
    store.subscribe(() => updates++);
    // 50 deltas of 2 points, one every 20 ms (1 s).
    for (let i = 0; i < 50; i++) {
      run.callbacks.onProgress?.([point(2 * i), point(2 * i + 1)]);
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(200);
    expect(store.getState().runs[id]!.progress.map((p) => p.step)).toEqual([...Array(100).keys()]);
    expect(updates).toBeLessThanOrEqual(6);
  });

  it("keeps the run's model under its own recipe, whatever the config does later", async () => {
    const app = createAppStore();
    const client = fakeClient();
    const kept: string[] = [];
    const store = createRunsStore({ client, trained, onModelKept: (m) => kept.push(m) });
    // The recipe is taken from the config at Start...
    const { dataset, arch, weights } = app.getState().config;
    const recipe = RecipeSchema.parse({
      kind: 'qat',
      dataset,
      arch,
      weights: { ...weights, bits: 2 },
    });
    const id = store.getState().startRun(recipe);
    client.runs[0]!.callbacks.onStart?.();
    client.runs[0]!.callbacks.onProgress?.([point(0)]);

    // ...then the user moves on: another model, other bits, a whole new config.
    app.getState().setArch('cnn');
    app.getState().setWeightQuant({ bits: 8 });
    app.getState().replaceConfig({ ...app.getState().config, dataset: 'fashion' });

    client.runs[0]!.resolve(product());
    await settle();
    const run = store.getState().runs[id]!;
    expect(run.status).toBe('done');
    expect(run.recipe).toBe(recipe);
    expect(run.progress).toHaveLength(1);
    expect(run.name).toBe('MNIST MLP · QAT 2-bit · run 1');
    expect(kept).toEqual([run.productId]);
    const model = await trained.get(run.productId!);
    expect(model!.recipe).toEqual(recipe);
    expect(model!.dataset).toBe('mnist');
    expect(model!.name).toBe(run.name);
    expect(Array.from(new Float32Array(model!.layers[0]!.kernel))).toEqual([0.5, -1, 2, 0]);

    // Nothing the config does reaches the runs.
    const before = store.getState();
    app.getState().setArch('mlp');
    app.getState().resetPipeline();
    expect(store.getState()).toBe(before);
  });

  it('stop keeps the model as it is; cancel keeps nothing; a failure says why', async () => {
    const client = fakeClient();
    const store = createRunsStore({ client, trained });
    const a = store.getState().startRun(qat(4));
    const b = store.getState().startRun(qat(3));
    const c = store.getState().startRun(qat(2));
    store.getState().stopRun(a);
    expect(client.runs[0]!.stopped).toBe(true);
    expect(store.getState().runs[a]!.stopRequested).toBe(true);
    client.runs[0]!.resolve(product(true));
    await store.getState().cancelRun(b);
    client.runs[2]!.reject(new Error('Loss became NaN at step 12.'));
    await settle();

    const runs = store.getState().runs;
    expect(runs[a]!.status).toBe('stopped');
    expect((await trained.get(runs[a]!.productId!))!.stopped).toBe(true);
    expect(runs[b]!.status).toBe('cancelled');
    expect(runs[b]!.productId).toBeNull();
    expect(runs[b]!.error).toBeNull();
    expect(runs[c]!).toMatchObject({ status: 'failed', error: 'Loss became NaN at step 12.' });
    expect((await trained.list()).models).toHaveLength(1);
    expect(store.getState().order).toEqual([a, b, c]);
  });

  it('a distillation queues its scratch baseline, whose model is not kept; cancel takes both', async () => {
    const client = fakeClient();
    const store = createRunsStore({ client, trained });
    const kd = RecipeSchema.parse({
      kind: 'kd',
      arch: 'cnn',
      student: { arch: 'mlp', hidden: [32] },
    });
    const id = store.getState().startRun(kd);
    const order = store.getState().order;
    expect(order).toHaveLength(2);
    const baseline = store.getState().runs[order[1]!]!;
    expect(baseline.baselineOf).toBe(id);
    expect(baseline.recipe).toMatchObject({
      kind: 'kd',
      alpha: 0,
      seed: kd.seed,
      epochs: kd.epochs,
    });
    expect(store.getState().runs[id]!.name).toBe(
      'MNIST MLP 784-32-10 · distilled from CNN · run 1',
    );
    expect(baseline.name).toBe('MNIST MLP 784-32-10 · from scratch · run 2');

    client.runs[0]!.resolve(product());
    await settle();
    client.runs[1]!.resolve(product());
    await settle();
    expect(store.getState().runs[order[1]!]!).toMatchObject({ status: 'done', productId: null });
    expect((await trained.list()).models.map((m) => m.id)).toEqual([
      store.getState().runs[id]!.productId,
    ]);

    const second = store.getState().startRun(kd);
    await store.getState().cancelRun(second);
    await settle();
    const [, , s1, s2] = store.getState().order;
    expect(store.getState().runs[s1!]!.status).toBe('cancelled');
    expect(store.getState().runs[s2!]!.status).toBe('cancelled');
  });

  it('numbers runs on from the models kept before a reload; a model that cannot be kept fails the run', async () => {
    const client = fakeClient();
    const earlier = createRunsStore({ client, trained });
    await settle();
    const kept = earlier.getState().startRun(qat(2));
    expect(earlier.getState().runs[kept]!.number).toBe(1);
    client.runs[0]!.resolve(product());
    await settle();

    // A reload: a new store over the same database.
    const reloaded = createRunsStore({ client, trained });
    await settle();
    expect(reloaded.getState().runs).toEqual({});
    const next = reloaded.getState().startRun(qat(8));
    expect(reloaded.getState().runs[next]!.name).toBe('MNIST MLP · QAT 8-bit · run 2');

    const full = createRunsStore({
      client,
      trained: {
        put: () => Promise.reject(new Error('QuotaExceededError')),
        nextRunNumber: async () => 1,
      },
    });
    const lost = full.getState().startRun(qat(2));
    client.runs[client.runs.length - 1]!.resolve(product());
    await settle();
    expect(full.getState().runs[lost]!).toMatchObject({
      status: 'failed',
      productId: null,
      testAccuracy: 0.91,
      error: 'The model was trained but could not be kept: QuotaExceededError',
    });
  });
});
