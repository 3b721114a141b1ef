import { describe, expect, it } from 'vitest';
import { WorkerDiedError } from '../worker/client';
import type { Evaluation, ModelSummary } from '../worker/engine';
import {
  onSecondWorker,
  NO_SECOND_WORKER,
  QUICK_EVAL_COUNT,
  quickThenFull,
  SPLIT_EVAL_MS,
  splitEval,
} from './job';
import type { EvaluateRange } from './job';

/**
 * quickThenFull's split between two compute workers: which ranges each worker is asked for, and
 * that the joined result is the one-worker result. The "workers" are fakes over one labelled
 * test set whose predictions are fixed per image, so any range's confusion matrix is known.
 */

const K = 10;

function summaryOf(count: number, kernel: [number, number]): ModelSummary {
  return {
    id: 'm',
    meta: { id: 'm' },
    dataset: { test: { count }, classes: [] },
    layers: [
      {
        info: { name: 'fc', className: 'Dense', kernelShape: kernel, outputShape: [kernel[1]] },
      },
    ],
    totalParams: kernel[0] * kernel[1],
    float32Bits: 32 * kernel[0] * kernel[1],
  } as unknown as ModelSummary;
}

/** Image i: true class i % 10; predicted right unless i % 7 === 3 (then class (t + 1) % 10). */
function fakeWorker(total: number, calls: [number | undefined, number | undefined][]) {
  const range: EvaluateRange = (limit, offset) => {
    calls.push([limit, offset]);
    const from = offset ?? 0;
    const to = Math.min(total, from + (limit ?? total));
    const confusion = new Uint32Array(K * K);
    let correct = 0;
    for (let i = from; i < to; i++) {
      const t = i % K;
      const p = i % 7 === 3 ? (t + 1) % K : t;
      confusion[t * K + p]!++;
      if (t === p) correct++;
    }
    const count = Math.max(0, to - from);
    const e: Evaluation = {
      modelId: 'm',
      accuracy: count ? correct / count : 0,
      correct,
      count,
      confusion,
      numClasses: K,
      ms: count / 10,
    };
    return Promise.resolve(e);
  };
  return range;
}

const TOTAL = 10_000;
const slow = summaryOf(TOTAL, [784, 1000]);

async function run(
  fullEvalMs: Map<string, number>,
  second: EvaluateRange | null,
  stale: () => boolean = () => false,
  first?: EvaluateRange,
) {
  const firstCalls: [number | undefined, number | undefined][] = [];
  const emitted: Evaluation[] = [];
  const result = await quickThenFull(
    { fullEvalMs },
    'm',
    slow,
    first ?? fakeWorker(TOTAL, firstCalls),
    (e) => emitted.push(e),
    stale,
    second,
  );
  return { result, emitted, firstCalls };
}

describe('quickThenFull on two workers', () => {
  it('splits a slow model: the estimate and the first half on one worker, the second half on the other; the result is the one-worker result', async () => {
    const secondCalls: [number | undefined, number | undefined][] = [];
    const { result, emitted, firstCalls } = await run(
      new Map([['m', 2 * SPLIT_EVAL_MS]]),
      fakeWorker(TOTAL, secondCalls),
    );
    expect(firstCalls).toEqual([
      [QUICK_EVAL_COUNT, undefined],
      [TOTAL / 2 - QUICK_EVAL_COUNT, QUICK_EVAL_COUNT],
    ]);
    expect(secondCalls).toEqual([[undefined, TOTAL / 2]]);
    const alone = await run(new Map([['m', 2 * SPLIT_EVAL_MS]]), null);
    expect(alone.result!.workers).toBeUndefined();
    expect(result!.count).toBe(TOTAL);
    expect(result!.correct).toBe(alone.result!.correct);
    expect([...result!.confusion]).toEqual([...alone.result!.confusion]);
    expect(result!.workers).toBe(2);
    // The estimate first, then the whole.
    expect(emitted.map((e) => e.count)).toEqual([QUICK_EVAL_COUNT, TOTAL]);
  });

  it("records the model's time as both workers' work added up, so the choice does not flip", async () => {
    const times = new Map([['m', 2 * SPLIT_EVAL_MS]]);
    await run(times, fakeWorker(TOTAL, []));
    // The fakes take count / 10 ms: 10,000 images of work in all.
    expect(times.get('m')).toBe(TOTAL / 10);
    expect(splitEval(times, 'm', slow)).toBe(true);
  });

  it('does not split a model measured faster than SPLIT_EVAL_MS, nor without a second worker', async () => {
    const secondCalls: [number | undefined, number | undefined][] = [];
    const fast = await run(new Map([['m', SPLIT_EVAL_MS - 1]]), fakeWorker(TOTAL, secondCalls));
    expect(secondCalls).toEqual([]);
    expect(fast.firstCalls).toEqual([
      [QUICK_EVAL_COUNT, undefined],
      [undefined, QUICK_EVAL_COUNT],
    ]);
    const none = await run(
      new Map([['m', 2 * SPLIT_EVAL_MS]]),
      onSecondWorker(NO_SECOND_WORKER, () => fakeWorker(TOTAL, secondCalls)),
    );
    expect(secondCalls).toEqual([]);
    expect(none.result!.count).toBe(TOTAL);
  });

  it('asks the first worker for the second half when the second worker dies, once its own part is done', async () => {
    const order: string[] = [];
    const calls: [number | undefined, number | undefined][] = [];
    const inner = fakeWorker(TOTAL, calls);
    const first: EvaluateRange = (limit, offset) => {
      order.push(`first ${limit ?? 'rest'}@${offset ?? 0}`);
      return inner(limit, offset);
    };
    const dead: EvaluateRange = () => {
      order.push('second died');
      return Promise.reject(new WorkerDiedError('The second compute worker stopped.'));
    };
    const { result } = await run(new Map([['m', 2 * SPLIT_EVAL_MS]]), dead, undefined, first);
    expect(order).toEqual([
      'second died',
      `first ${QUICK_EVAL_COUNT}@0`,
      `first ${TOTAL / 2 - QUICK_EVAL_COUNT}@${QUICK_EVAL_COUNT}`,
      `first rest@${TOTAL / 2}`,
    ]);
    const alone = await run(new Map([['m', 2 * SPLIT_EVAL_MS]]), null);
    expect(result!.count).toBe(TOTAL);
    expect([...result!.confusion]).toEqual([...alone.result!.confusion]);
  });

  it("passes on the second worker's other failures", async () => {
    const failing: EvaluateRange = () => Promise.reject(new Error('out of memory'));
    await expect(run(new Map([['m', 2 * SPLIT_EVAL_MS]]), failing)).rejects.toThrow(
      'out of memory',
    );
  });

  it('stops after the estimate once stale, asking the first worker for nothing more', async () => {
    const { result, emitted, firstCalls } = await run(
      new Map([['m', 2 * SPLIT_EVAL_MS]]),
      fakeWorker(TOTAL, []),
      () => true,
    );
    expect(result).toBeNull();
    expect(emitted.map((e) => e.count)).toEqual([QUICK_EVAL_COUNT]);
    expect(firstCalls).toEqual([[QUICK_EVAL_COUNT, undefined]]);
  });

  it("does not take a pass that resumed from cached activations as the model's time", async () => {
    const times = new Map([['m', 2 * SPLIT_EVAL_MS]]);
    const cachedSecond: EvaluateRange = async (limit, offset) => ({
      ...(await fakeWorker(TOTAL, [])(limit, offset)),
      ms: 3,
      resumedAt: 4,
    });
    const { result } = await run(times, cachedSecond);
    expect(result!.count).toBe(TOTAL);
    expect(times.get('m')).toBe(2 * SPLIT_EVAL_MS);
    // A whole-network pass is recorded.
    await run(times, fakeWorker(TOTAL, []));
    expect(times.get('m')).toBe(TOTAL / 10);
  });

  it('predicts from FLOPs before any measurement: a big model splits, a small one does not', () => {
    expect(splitEval(new Map(), 'm', summaryOf(10_000, [784, 2000]))).toBe(true);
    expect(splitEval(new Map(), 'm', summaryOf(2_000, [784, 100]))).toBe(false);
    expect(splitEval(new Map(), 'm', null)).toBe(false);
  });
});
