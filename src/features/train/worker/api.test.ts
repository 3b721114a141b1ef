import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCancelled } from '../../../platform/worker/client';
import { FAKED_TIMERS, fakeWorkers, flushMessages } from '../../../platform/worker/fakeWorker';
import { RunClient } from '../../../platform/worker/runClient';
import type { TrainProgress } from '../shared/progress';
import { RecipeSchema } from '../shared/recipe';
import type { Recipe } from '../shared/recipe';
import { createTrainApi } from './api';
import type { TrainHooks, TrainProduct } from './trainer';

/**
 * The training worker's API with a stand-in trainer (the real one needs tfjs and the data),
 * behind the real run client over comlink: the contract `train(recipe, …, hooks)` honours.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Steps every 5 ms; weights in ONE buffer, as views (what tfjs might hand out). */
async function fakeTrain(recipe: Recipe, hooks: TrainHooks): Promise<TrainProduct> {
  const totalSteps = recipe.epochs * 40;
  const history: TrainProgress[] = [];
  let step = 0;
  for (; step <= totalSteps; step++) {
    if (hooks.control.cancel) {
      const e = new Error('Training was cancelled.');
      e.name = 'TrainCancelled';
      throw e;
    }
    const p: TrainProgress = {
      step,
      totalSteps,
      epoch: Math.floor(step / 40) + 1,
      loss: 1 / (step + 1),
      trainAccuracy: null,
      testAccuracy: null,
      sparsity: null,
      elapsedMs: step * 5,
    };
    history.push(p);
    hooks.onProgress(p);
    if (hooks.control.stop) break;
    await sleep(5);
  }
  const memory = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
  return {
    layers: [
      {
        name: 'fc1',
        className: 'Dense',
        kernelShape: [2, 2],
        kernel: memory.subarray(0, 4),
        bias: memory.subarray(4, 6),
      },
      {
        name: 'fc2',
        className: 'Dense',
        kernelShape: [2, 1],
        kernel: memory.subarray(6, 8),
        bias: null,
      },
    ],
    history,
    stopped: step < totalSteps,
    testAccuracy: 0.9,
    initialTestAccuracy: 0.1,
    arch: { kind: 'mlp', hidden: [2] },
    quantizedWith: null,
    actQuant: null,
    sparsity: null,
  };
}

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    await vi.advanceTimersByTimeAsync(5);
    await flushMessages();
  }
}

describe('training worker API', () => {
  let client: RunClient<Recipe, TrainProgress, TrainProduct>;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED_TIMERS] });
    const fake = fakeWorkers(() => createTrainApi(fakeTrain));
    client = new RunClient(fake.create);
  });
  afterEach(() => {
    client.dispose();
    vi.useRealTimers();
  });

  it('streams deltas of the history and returns the product with weights of its own', async () => {
    const recipe = RecipeSchema.parse({ kind: 'qat', epochs: 2 });
    const deltas: (readonly TrainProgress[])[] = [];
    const run = client.start(recipe, { onProgress: (d) => deltas.push(d) });
    await advance(500);
    const product = await run.result;
    expect(product.stopped).toBe(false);
    expect(deltas.flat()).toEqual(product.history);
    expect(deltas.flat().map((p) => p.step)).toEqual([...Array(81).keys()]);
    // 81 points in 400 ms of training: a handful of messages, not 81.
    expect(deltas.length).toBeLessThanOrEqual(6);
    expect(Array.from(product.layers[0]!.kernel)).toEqual([1, 2, 3, 4]);
    expect(Array.from(product.layers[0]!.bias!)).toEqual([5, 6]);
    expect(Array.from(product.layers[1]!.kernel)).toEqual([7, 8]);
    expect(product.layers[1]!.bias).toBeNull();
  });

  it('stop returns the model as it is; cancel rejects as cancelled', async () => {
    const recipe = RecipeSchema.parse({ kind: 'finetune', epochs: 10 });
    const stopped = client.start(recipe);
    await advance(50);
    stopped.stop();
    await advance(20);
    const p = await stopped.result;
    expect(p.stopped).toBe(true);
    expect(p.history.length).toBeLessThan(20);

    const cancelled = client.start(recipe);
    const outcome = cancelled.result.catch((e: unknown) => e);
    await advance(50);
    const freed = cancelled.cancel();
    await advance(20);
    await freed;
    expect(isCancelled(await outcome)).toBe(true);
    expect(client.workerGeneration).toBe(1); // it yielded: no need to terminate
  });
});
