import { describe, expect, it } from 'vitest';
import { CancelledError, WorkerDiedError } from '../worker/client';
import type { EvalRequest, Evaluation, ModelSummary } from '../worker/engine';
import { DEFAULT_CONFIG, modelKey } from '../shared/config';
import type { EngineClient } from '../worker/workers';
import {
  evaluateEach,
  onSecondWorker,
  NO_SECOND_WORKER,
  SHARE_WORK_MS,
  shareEvaluations,
  QUICK_EVAL_COUNT,
  quickThenFull,
  SPLIT_EVAL_MS,
  splitEval,
} from './job';
import type { EvaluateRange, SecondWorker } from './job';
import { createEvaluationMemo, evaluationMemoKey } from './evaluationMemo';

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

  it.each([
    ['split between two workers', true],
    ['on one worker', false],
  ])('asks the first worker for the rest before the estimate is drawn (%s)', async (_, split) => {
    const order: string[] = [];
    const inner = fakeWorker(TOTAL, []);
    const first: EvaluateRange = (limit, offset) => {
      order.push(`ask ${limit ?? 'rest'}@${offset ?? 0}`);
      return inner(limit, offset);
    };
    await quickThenFull(
      { fullEvalMs: new Map([['m', split ? 2 * SPLIT_EVAL_MS : SPLIT_EVAL_MS - 1]]) },
      'm',
      slow,
      first,
      (e) => order.push(`draw ${e.count}`),
      () => false,
      split ? fakeWorker(TOTAL, []) : null,
    );
    const rest = split
      ? `ask ${TOTAL / 2 - QUICK_EVAL_COUNT}@${QUICK_EVAL_COUNT}`
      : `ask rest@${QUICK_EVAL_COUNT}`;
    expect(order).toEqual([
      `ask ${QUICK_EVAL_COUNT}@0`,
      rest,
      `draw ${QUICK_EVAL_COUNT}`,
      `draw ${TOTAL}`,
    ]);
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

/**
 * evaluateEach's sharing of a list of evaluations between the compute workers. The "workers" are
 * labels; each evaluation is a promise the test settles itself, so the order in which the
 * workers take items and the results come in is the test's to choose.
 */
describe('evaluateEach on one or two workers', () => {
  /** What each fake worker was asked, in order; settled by the test. */
  let asked: { worker: string; item: string; settle: (e: Evaluation | Error) => void }[] = [];
  const worker = (label: string) =>
    ({
      call: (fn: (api: unknown) => Promise<Evaluation>) =>
        fn({
          evaluate: (_d: string, _a: string, request: { item: string }) =>
            new Promise<Evaluation>((resolve, reject) =>
              asked.push({
                worker: label,
                item: request.item,
                settle: (e) => (e instanceof Error ? reject(e) : resolve(e)),
              }),
            ),
        }),
    }) as unknown as EngineClient;
  const FIRST = worker('first');
  const SECOND = worker('second');
  const second = (
    available = true,
    quiet: SecondWorker['quiet'] = () => Promise.resolve(),
  ): SecondWorker => ({
    available: () => available,
    client: () => SECOND,
    cancel: () => undefined,
    quiet,
  });
  const evaluation = (accuracy: number): Evaluation => ({
    modelId: 'm',
    accuracy,
    correct: 0,
    count: 1,
    confusion: new Uint32Array(K * K),
    numClasses: K,
    ms: 1,
  });
  /** Runs evaluateEach over `items` with evaluations the test settles by hand. */
  function start(
    items: string[],
    opts: { eachMs: number; second?: SecondWorker; stale?: () => boolean },
  ) {
    asked = [];
    const reported: [number, number][] = [];
    const doneAt: number[] = [];
    const done = evaluateEach(
      {
        client: FIRST,
        second: opts.second ?? second(),
        fullEvalMs: new Map([[modelKey(DEFAULT_CONFIG), opts.eachMs]]),
      },
      DEFAULT_CONFIG,
      null,
      'sweep',
      items,
      (item) => ({ item }) as unknown as EvalRequest,
      (i, e, last) => {
        if (last) doneAt.push(reported.length);
        reported.push([i, e.accuracy]);
      },
      opts.stale ?? (() => false),
    );
    return {
      get asked() {
        return asked;
      },
      reported,
      doneAt,
      done,
    };
  }
  /** Lets the awaiting runners take their next items. */
  const tick = () => new Promise((r) => setTimeout(r, 0));
  const items = ['a', 'b', 'c', 'd', 'e'];
  const long = SHARE_WORK_MS / 2; // five of these are work enough for two workers

  it('keeps short work on the first worker, one item after another, in order', async () => {
    const run = start(items, { eachMs: SHARE_WORK_MS / items.length - 1 });
    for (let i = 0; i < items.length; i++) {
      await tick();
      expect(run.asked.map((a) => `${a.worker} ${a.item}`)).toEqual(
        items.slice(0, i + 1).map((x) => `first ${x}`),
      );
      run.asked[i]!.settle(evaluation(i));
    }
    await run.done;
    expect(run.reported).toEqual(items.map((_, i) => [i, i]));
    expect(run.doneAt).toEqual([items.length - 1]); // the last report says so
  });

  it('shares long work: each worker takes the next item when it is free, each item once', async () => {
    const run = start(items, { eachMs: long });
    await tick();
    expect(run.asked.map((a) => `${a.worker} ${a.item}`)).toEqual(['first a', 'second b']);
    // The second worker is faster this time: it takes c, then d, while the first still has a.
    run.asked[1]!.settle(evaluation(1));
    await tick();
    run.asked[2]!.settle(evaluation(2));
    await tick();
    expect(run.asked.map((a) => `${a.worker} ${a.item}`)).toEqual([
      'first a',
      'second b',
      'second c',
      'second d',
    ]);
    run.asked[0]!.settle(evaluation(0));
    await tick();
    expect(run.asked[4]).toMatchObject({ worker: 'first', item: 'e' });
    run.asked[4]!.settle(evaluation(4));
    run.asked[3]!.settle(evaluation(3));
    await run.done;
    // Each result is reported once, with its own item's index.
    expect([...run.reported].sort((x, y) => x[0] - y[0])).toEqual(items.map((_, i) => [i, i]));
    expect(run.reported.map(([i]) => i)).toEqual([1, 2, 0, 4, 3]);
  });

  it('lets the second worker join at the first point after the page learns it has a core to spare', async () => {
    // The compute worker reports its backend (and so whether a core is spare) only once tfjs is
    // in, which may be after a sweep has started.
    let spare = false;
    const run = start(items, {
      eachMs: long,
      second: { ...second(), available: () => spare },
    });
    await tick();
    expect(run.asked.map((a) => `${a.worker} ${a.item}`)).toEqual(['first a']);
    spare = true;
    run.asked[0]!.settle(evaluation(0));
    await tick();
    // Taking its next point, the first worker brings the second in, which takes the one after.
    expect(run.asked.map((a) => `${a.worker} ${a.item}`)).toEqual([
      'first a',
      'first b',
      'second c',
    ]);
    for (let i = 1; i < 3; i++) run.asked[i]!.settle(evaluation(i));
    await tick();
    for (let i = 3; i < run.asked.length; i++) run.asked[i]!.settle(evaluation(i));
    await run.done;
    expect([...run.reported].sort((x, y) => x[0] - y[0])).toEqual(items.map((_, i) => [i, i]));
  });

  it('starts each point on the second worker only once the settings are quiet', async () => {
    let calm: () => void = () => undefined;
    const waits: string[] = [];
    // The sweep's change was a step of a drag: the second worker waits for the hand to rest, the
    // first need not (no change since the sweep started; see the next test).
    const quiet = (_since?: number, isSecond?: boolean) =>
      !isSecond
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waits.push('wait');
            calm = resolve;
          });
    const run = start(['a', 'b', 'c'], { eachMs: SHARE_WORK_MS, second: second(true, quiet) });
    await tick();
    // The user is still moving a slider: the first worker works, the second waits.
    expect(run.asked.map((a) => `${a.worker} ${a.item}`)).toEqual(['first a']);
    calm();
    await tick();
    expect(run.asked.map((a) => `${a.worker} ${a.item}`)).toEqual(['first a', 'second b']);
    run.asked[1]!.settle(evaluation(1));
    await tick();
    // Before its next point the second worker asks again; meanwhile the first takes it.
    expect(waits).toHaveLength(2);
    run.asked[0]!.settle(evaluation(0));
    await tick();
    expect(run.asked[2]).toMatchObject({ worker: 'first', item: 'c' });
    run.asked[2]!.settle(evaluation(2));
    calm();
    await run.done;
    expect([...run.reported].sort((x, y) => x[0] - y[0])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });

  it('pauses the first worker too while a setting the sweep does not depend on moves', async () => {
    const since: (number | undefined)[] = [];
    let calm: () => void = () => undefined;
    // A slider moved after the sweep started: every wait lasts until the hand rests.
    const quiet = (s?: number) =>
      new Promise<void>((resolve) => {
        since.push(s);
        calm = resolve;
      });
    const before = performance.now();
    const run = start(['a', 'b'], { eachMs: 1, second: second(true, quiet) });
    await tick();
    // Short work: the first worker alone, and it asks from the sweep's start.
    expect(run.asked).toEqual([]);
    expect(since).toHaveLength(1);
    expect(since[0]).toBeGreaterThanOrEqual(before);
    calm();
    await tick();
    expect(run.asked.map((a) => `${a.worker} ${a.item}`)).toEqual(['first a']);
    run.asked[0]!.settle(evaluation(0));
    await tick();
    // Before its next point it waits again, from the same start.
    expect(run.asked).toHaveLength(1);
    expect(since).toEqual([since[0], since[0]]);
    calm();
    await tick();
    expect(run.asked.map((a) => `${a.worker} ${a.item}`)).toEqual(['first a', 'first b']);
    run.asked[1]!.settle(evaluation(1));
    await run.done;
    expect(run.reported).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });
  it('stays on the first worker when the page has no second one', async () => {
    const run = start(items, { eachMs: long, second: second(false) });
    for (let i = 0; i < items.length; i++) {
      await tick();
      run.asked[i]!.settle(evaluation(i));
    }
    await run.done;
    expect(run.asked.every((a) => a.worker === 'first')).toBe(true);
  });

  it("asks the first worker for the second worker's item when the second dies, even after its own last one", async () => {
    const run = start(['a', 'b'], { eachMs: 2 * SHARE_WORK_MS });
    await tick();
    run.asked[0]!.settle(evaluation(0)); // the first worker is done with its part
    await tick();
    run.asked[1]!.settle(new WorkerDiedError('The second compute worker stopped.'));
    await tick();
    expect(run.asked[2]).toMatchObject({ worker: 'first', item: 'b' });
    run.asked[2]!.settle(evaluation(1));
    await run.done;
    expect(run.reported).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('asks the first worker for an item the second held when a cancel closed it', async () => {
    const run = start(['a', 'b', 'c'], { eachMs: SHARE_WORK_MS });
    await tick();
    run.asked[1]!.settle(new CancelledError('The worker was closed.'));
    await tick();
    run.asked[0]!.settle(evaluation(0));
    await tick();
    expect(run.asked.slice(2).map((a) => `${a.worker} ${a.item}`)).toEqual(['first b']);
    run.asked[2]!.settle(evaluation(1));
    await tick();
    expect(run.asked[3]).toMatchObject({ worker: 'first', item: 'c' });
    run.asked[3]!.settle(evaluation(2));
    await run.done;
    expect(run.reported.map(([i]) => i)).toEqual([0, 1, 2]);
  });

  it('passes on other failures, and reports nothing after one', async () => {
    const run = start(items, { eachMs: long });
    await tick();
    run.asked[1]!.settle(new Error('out of memory'));
    await expect(run.done).rejects.toThrow('out of memory');
    run.asked[0]!.settle(evaluation(0));
    await tick();
    expect(run.reported).toEqual([]);
    expect(run.asked).toHaveLength(2);
  });

  it('once stale, starts and reports nothing more', async () => {
    let stale = false;
    const run = start(items, { eachMs: long, stale: () => stale });
    await tick();
    run.asked[0]!.settle(evaluation(0));
    await tick();
    stale = true;
    run.asked[1]!.settle(evaluation(1));
    run.asked[2]!.settle(evaluation(2));
    await run.done;
    expect(run.reported).toEqual([[0, 0]]);
    expect(run.asked.map((a) => a.item)).toEqual(['a', 'b', 'c']);
  });

  it('predicts the work from FLOPs before any measurement', () => {
    expect(shareEvaluations(new Map(), 'm', summaryOf(10_000, [784, 2000]), 18)).toBe(true);
    expect(shareEvaluations(new Map(), 'm', summaryOf(2_000, [784, 100]), 18)).toBe(false);
    expect(shareEvaluations(new Map([['m', long]]), 'm', null, 2)).toBe(true);
    expect(shareEvaluations(new Map([['m', long]]), 'm', null, 1)).toBe(false);
  });
});

/**
 * evaluateEach's estimates first: each item on the first QUICK_EVAL_COUNT test images, then each
 * item's rest joined to its estimate. Each fake evaluation counts `range` images, of which the
 * item's own number per thousand are correct, so a joined result's counts are known.
 */
describe('evaluateEach with estimates first', () => {
  const TEST = 10_000;
  type Ask = {
    worker: string;
    item: string;
    limit: number | undefined;
    offset: number | undefined;
    settle: (fail?: Error) => void;
  };
  let asked: Ask[] = [];
  const perMille: Record<string, number> = { a: 900, b: 800, c: 500 };
  const worker = (label: string) =>
    ({
      call: (fn: (api: unknown) => Promise<Evaluation>) =>
        fn({
          evaluate: (
            _d: string,
            _a: string,
            request: { item: string },
            limit?: number,
            _channel?: string,
            offset?: number,
          ) =>
            new Promise<Evaluation>((resolve, reject) =>
              asked.push({
                worker: label,
                item: request.item,
                limit,
                offset,
                settle: (fail) => {
                  if (fail) return reject(fail);
                  const count = limit ?? TEST - (offset ?? 0);
                  const correct = (count * perMille[request.item]!) / 1000;
                  const confusion = new Uint32Array(K * K);
                  confusion[0] = correct;
                  confusion[1] = count - correct;
                  resolve({
                    modelId: 'm',
                    accuracy: correct / count,
                    correct,
                    count,
                    confusion,
                    numClasses: K,
                    ms: 1,
                  });
                },
              }),
            ),
        }),
    }) as unknown as EngineClient;
  const summary = { dataset: { test: { count: TEST } } } as unknown as ModelSummary;
  const tick = () => new Promise((r) => setTimeout(r, 0));
  const shown = () =>
    asked.map((a) => `${a.worker} ${a.item} ${a.limit ?? '-'} ${a.offset ?? '-'}`);

  function start(eachMs: number, second: SecondWorker = NO_SECOND_WORKER, stale = () => false) {
    asked = [];
    const reported: { index: number; count: number; correct: number; done: boolean }[] = [];
    const done = evaluateEach(
      {
        client: worker('first'),
        second,
        fullEvalMs: new Map([[modelKey(DEFAULT_CONFIG), eachMs]]),
      },
      DEFAULT_CONFIG,
      summary,
      'sweep',
      ['a', 'b', 'c'],
      (item) => ({ item }) as unknown as EvalRequest,
      (index, e, last) => reported.push({ index, count: e.count, correct: e.correct, done: last }),
      stale,
      true,
    );
    return { reported, done };
  }

  it('on a slow model: every estimate first, then every rest, joined into whole-test-set results', async () => {
    const run = start(1_000);
    for (let i = 0; i < 6; i++) {
      await tick();
      asked[i]!.settle();
    }
    await run.done;
    const q = QUICK_EVAL_COUNT;
    expect(shown()).toEqual([
      `first a ${q} -`,
      `first b ${q} -`,
      `first c ${q} -`,
      `first a - ${q}`,
      `first b - ${q}`,
      `first c - ${q}`,
    ]);
    expect(run.reported).toEqual([
      { index: 0, count: q, correct: 0.9 * q, done: false },
      { index: 1, count: q, correct: 0.8 * q, done: false },
      { index: 2, count: q, correct: 0.5 * q, done: false },
      { index: 0, count: TEST, correct: 0.9 * TEST, done: false },
      { index: 1, count: TEST, correct: 0.8 * TEST, done: false },
      { index: 2, count: TEST, correct: 0.5 * TEST, done: true },
    ]);
  });

  it('on a fast model: each item whole, no estimates', async () => {
    const run = start(100);
    for (let i = 0; i < 3; i++) {
      await tick();
      asked[i]!.settle();
    }
    await run.done;
    expect(shown()).toEqual(['first a - -', 'first b - -', 'first c - -']);
    expect(run.reported.map((r) => r.count)).toEqual([TEST, TEST, TEST]);
  });

  it('an estimate cut short on the second worker is asked of the first, before any rest', async () => {
    const second: SecondWorker = {
      available: () => true,
      client: () => worker('second'),
      cancel: () => undefined,
      quiet: () => Promise.resolve(),
    };
    const run = start(SHARE_WORK_MS, second);
    await tick();
    const q = QUICK_EVAL_COUNT;
    expect(shown()).toEqual([`first a ${q} -`, `second b ${q} -`]);
    asked[1]!.settle(new WorkerDiedError('second compute worker crashed'));
    await tick();
    // The second worker's share ended with its death; the first is still busy with a.
    expect(shown()).toHaveLength(2);
    // Every other call settles as it is made, until the sweep is done.
    const settled = new Set([1]);
    let finished = false;
    void run.done.then(() => (finished = true));
    while (!finished) {
      asked.forEach((a, i) => {
        if (!settled.has(i)) {
          settled.add(i);
          a.settle();
        }
      });
      await tick();
    }
    await run.done;
    // b's estimate again, first in line, then the rests: one request at a time on the first.
    expect(shown().slice(2)).toEqual([
      `first b ${q} -`,
      `first c ${q} -`,
      `first a - ${q}`,
      `first b - ${q}`,
      `first c - ${q}`,
    ]);
    expect(run.reported.map((r) => [r.index, r.count, r.correct, r.done])).toEqual([
      [0, q, 0.9 * q, false],
      [1, q, 0.8 * q, false],
      [2, q, 0.5 * q, false],
      [0, TEST, 0.9 * TEST, false],
      [1, TEST, 0.8 * TEST, false],
      [2, TEST, 0.5 * TEST, true],
    ]);
  });

  it('a rest whose estimate the second worker dies on makes the estimate again after itself', async () => {
    const second: SecondWorker = {
      available: () => true,
      client: () => worker('second'),
      cancel: () => undefined,
      quiet: () => Promise.resolve(),
    };
    asked = [];
    const reported: [number, number, number][] = [];
    const done = evaluateEach(
      {
        client: worker('first'),
        second,
        fullEvalMs: new Map([[modelKey(DEFAULT_CONFIG), SHARE_WORK_MS * 2]]),
      },
      DEFAULT_CONFIG,
      summary,
      'sweep',
      ['a', 'b'],
      (item) => ({ item }) as unknown as EvalRequest,
      (index, e) => reported.push([index, e.count, e.correct]),
      () => false,
      true,
    );
    const q = QUICK_EVAL_COUNT;
    await tick();
    expect(shown()).toEqual([`first a ${q} -`, `second b ${q} -`]);
    asked[0]!.settle(); // a's estimate: the first worker takes a's rest, then b's
    await tick();
    asked[2]!.settle();
    await tick();
    expect(shown().slice(2)).toEqual([`first a - ${q}`, `first b - ${q}`]);
    // The second worker dies on b's estimate while the first measures b's rest.
    asked[1]!.settle(new WorkerDiedError('second compute worker crashed'));
    await tick();
    expect(shown()).toHaveLength(4); // one request at a time on the first worker
    asked[3]!.settle();
    await tick();
    expect(shown()[4]).toBe(`first b ${q} -`);
    asked[4]!.settle();
    await done;
    // b's estimate, put back in the queue, is not asked for again; b is reported whole only.
    expect(asked).toHaveLength(5);
    expect(reported).toEqual([
      [0, q, 0.9 * q],
      [0, TEST, 0.9 * TEST],
      [1, TEST, 0.8 * TEST],
    ]);
  });

  it('makes no estimate of a point another job is measuring whole; its result answers the point', async () => {
    asked = [];
    const memo = createEvaluationMemo();
    // Distinct requests (the memo keys them by their settings): activations at 2, 4, 8 bits.
    const bits: Record<string, number> = { a: 2, b: 4, c: 8 };
    const request = (item: string) =>
      ({
        item,
        weights: null,
        acts: { ...DEFAULT_CONFIG.acts, bits: bits[item] },
      }) as unknown as EvalRequest;
    // The configuration's own accuracy (b's request) is being measured whole by another job.
    let settleOther: (e: Evaluation) => void = () => undefined;
    memo.track(
      evaluationMemoKey(DEFAULT_CONFIG, request('b')),
      new Promise<Evaluation>((resolve) => (settleOther = resolve)),
    );
    const reported: [number, number][] = [];
    const done = evaluateEach(
      {
        client: worker('first'),
        second: NO_SECOND_WORKER,
        fullEvalMs: new Map([[modelKey(DEFAULT_CONFIG), 1_000]]),
        evaluations: memo,
      },
      DEFAULT_CONFIG,
      summary,
      'sweep',
      ['a', 'b', 'c'],
      request,
      (index, e) => reported.push([index, e.count]),
      () => false,
      true,
    );
    const q = QUICK_EVAL_COUNT;
    for (let i = 0; i < 2; i++) {
      await tick();
      asked[i]!.settle();
    }
    await tick();
    // a's and c's estimates only; then a's rest, and b's, which waits for the other job.
    expect(shown()).toEqual([`first a ${q} -`, `first c ${q} -`, `first a - ${q}`]);
    asked[2]!.settle();
    await tick();
    expect(asked).toHaveLength(3);
    settleOther({
      modelId: 'm',
      accuracy: 0.8,
      correct: 0.8 * TEST,
      count: TEST,
      confusion: new Uint32Array(K * K),
      numClasses: K,
      ms: 1,
    });
    await tick();
    asked[3]!.settle();
    await done;
    expect(shown().slice(3)).toEqual([`first c - ${q}`]);
    expect(reported).toEqual([
      [0, q],
      [2, q],
      [0, TEST],
      [1, TEST],
      [2, TEST],
    ]);
  });

  it('stops asking once stale', async () => {
    let isStale = false;
    const run = start(1_000, NO_SECOND_WORKER, () => isStale);
    await tick();
    asked[0]!.settle();
    await tick();
    isStale = true;
    asked[1]!.settle();
    await run.done;
    expect(asked).toHaveLength(2);
    expect(run.reported).toEqual([
      { index: 0, count: QUICK_EVAL_COUNT, correct: 900, done: false },
    ]);
  });
});
