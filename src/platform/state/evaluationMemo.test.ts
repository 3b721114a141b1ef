import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../shared/config';
import type { Config } from '../shared/config';
import { accuracyOf, recordingEngine } from '../../testing/recordingEngine';
import type { EvalRequest, ModelSummary } from '../worker/engine';
import type { EngineClient } from '../worker/workers';
import type { Evaluation } from '../worker/engine';
import { createEvaluationMemo, EVALUATION_MEMO_SIZE } from './evaluationMemo';
import { QUICK_EVAL_COUNT, quickThenFull } from './job';
import type { Data, Job } from './job';
import { createJobs } from './jobs';
import { createAppStore } from './store';
import type { Results, State } from './store';

/**
 * The evaluations measured this session answer the same request again without a worker: a
 * bit-width the sweep measured, the trained model met before. Run through the real jobs against
 * a fake compute worker that records each evaluation it is asked for.
 */

const summary = {
  id: 'mnist-mlp',
  meta: { id: 'mnist-mlp' },
  dataset: { test: { count: 100 }, classes: [] },
  layers: [
    { info: { name: 'fc1', className: 'Dense', kernelShape: [784, 10], outputShape: [10] } },
  ],
  totalParams: 1,
  float32Bits: 32,
} as unknown as ModelSummary;

const quantize = (patch: Partial<Config> = {}): Config => ({
  ...DEFAULT_CONFIG,
  view: 'quantize',
  ...patch,
});
const withBits = (c: Config, bits: number): Config => ({ ...c, weights: { ...c.weights, bits } });

/** All the app's jobs on one context (one memo), as the controller has them. */
function app() {
  const engine = recordingEngine();
  const jobs = createJobs(engine.client, engine.stats);
  async function run<K extends keyof Results>(name: K, config: Config) {
    const job = jobs.find((j) => j.name === name) as unknown as Job<K>;
    const emits: Data<K>[] = [];
    const state: State = { ...createAppStore().getState(), config };
    await job.run({ config, state, summary, emit: (d) => emits.push(d), stale: () => false });
    return emits;
  }
  return { engine, run };
}

describe('evaluation memo', () => {
  it("answers a bit-width the sweep measured, weight-only, with the sweep's own pass", async () => {
    const { engine, run } = app();
    const c = quantize({ seed: 3, weights: { ...DEFAULT_CONFIG.weights, scheme: 'affine' } });
    await run('sweep', c);
    const swept = engine.calls.length;
    const int4 = engine.calls.findIndex(
      (k) =>
        k.request.weights?.weights.format === 'int' &&
        k.request.weights.weights.bits === 4 &&
        !k.request.acts,
    );
    expect(int4).toBeGreaterThanOrEqual(0);
    const [e] = await run('quantEvaluation', withBits(c, 4));
    expect(engine.calls.length).toBe(swept); // no new pass
    expect(e!.accuracy).toBe(accuracyOf(int4));
    expect(e!.remembered).toBe(true);
  });

  it('a sweep over points measured before runs no pass and still ends done, its points in order', async () => {
    const { engine, run } = app();
    const c = quantize();
    const first = await run('sweep', c);
    const n = engine.calls.length;
    // The Train tab's PTQ-vs-QAT chart draws the same sweep: a second run is all lookups.
    const again = await run('sweep', c);
    expect(engine.calls.length).toBe(n);
    expect(again.at(-1)).toEqual(first.at(-1));
    expect(again.at(-1)!.done).toBe(true);
  });

  it('runs a new pass for what the sweep did not measure: per-layer overrides, another seed, activations', async () => {
    const { engine, run } = app();
    const c = quantize();
    await run('sweep', c);
    for (const other of [
      { ...withBits(c, 4), overrides: { fc1: 2 } },
      {
        ...withBits(c, 4),
        seed: c.seed + 1,
        weights: { ...c.weights, bits: 4, rounding: 'stochastic' as const },
      },
      { ...withBits(c, 4), acts: { ...c.acts, bits: 6 } },
    ]) {
      const before = engine.calls.length;
      const [e] = await run('quantEvaluation', other);
      expect(engine.calls.length).toBeGreaterThan(before);
      expect(e!.remembered).toBeUndefined();
    }
  });

  it('answers the trained model met before, and a configuration measured before, once each', async () => {
    const { engine, run } = app();
    const c = quantize({ weights: { ...DEFAULT_CONFIG.weights, bits: 5 } });
    const [first] = await run('evaluation', c);
    const [q1] = await run('quantEvaluation', c);
    const n = engine.calls.length;
    expect(n).toBe(2);
    const [again] = await run('evaluation', c);
    const [q2] = await run('quantEvaluation', c);
    expect(engine.calls.length).toBe(n);
    expect(again!.accuracy).toBe(first!.accuracy);
    expect(q2!.accuracy).toBe(q1!.accuracy);
    expect(again!.remembered).toBe(true);
    // The trained model and the compressed one are different passes.
    expect(q1!.accuracy).not.toBe(first!.accuracy);
  });

  it('keeps whole test sets only, not quick estimates; a hit records no model time', async () => {
    const memo = createEvaluationMemo();
    const fullEvalMs = new Map([['m', 10_000]]); // slow: quick estimate first
    const big = {
      ...summary,
      dataset: { ...summary.dataset, test: { count: 5000 } },
    } as ModelSummary;
    const asked: (number | undefined)[] = [];
    const evaluate = (limit?: number, offset?: number): Promise<Evaluation> => {
      asked.push(limit);
      const count = limit ?? 5000 - (offset ?? 0);
      return Promise.resolve({
        modelId: 'm',
        accuracy: 0.5,
        correct: count / 2,
        count,
        confusion: new Uint32Array(4),
        numClasses: 2,
        ms: 7,
      });
    };
    const emitted: Evaluation[] = [];
    const pass = () =>
      quickThenFull(
        { fullEvalMs, evaluations: memo },
        'm',
        big,
        evaluate,
        (e) => emitted.push(e),
        () => false,
        null,
        'k',
      );
    await pass();
    expect(emitted.map((e) => e.count)).toEqual([QUICK_EVAL_COUNT, 5000]);
    fullEvalMs.clear();
    emitted.length = 0;
    asked.length = 0;
    await pass();
    expect(asked).toEqual([]);
    expect(emitted.map((e) => [e.count, e.remembered])).toEqual([[5000, true]]);
    expect(fullEvalMs.has('m')).toBe(false);
  });

  it('knows the passes in progress until they end: a result marked remembered, a failure as null', async () => {
    const memo = createEvaluationMemo();
    const e: Evaluation = {
      modelId: 'm',
      accuracy: 0.75,
      correct: 3,
      count: 4,
      confusion: new Uint32Array(4),
      numClasses: 2,
      ms: 9,
    };
    let done!: (e: Evaluation) => void;
    memo.track('ok', new Promise<Evaluation>((r) => (done = r)));
    memo.track('failed', Promise.reject(new Error('the worker died')));
    memo.track('stale', Promise.resolve(null));
    const ok = memo.inFlight('ok')!;
    expect(memo.inFlight('other')).toBeUndefined();
    expect(await memo.inFlight('failed')).toBeNull();
    expect(await memo.inFlight('stale')).toBeNull();
    done(e);
    expect(await ok).toEqual({ ...e, remembered: true });
    await Promise.resolve();
    for (const k of ['ok', 'failed', 'stale']) expect(memo.inFlight(k)).toBeUndefined();
    // Tracking is not remembering: only `set` keeps a result.
    expect(memo.get('ok')).toBeUndefined();
    memo.track('cleared', new Promise<Evaluation>(() => undefined));
    memo.clear();
    expect(memo.inFlight('cleared')).toBeUndefined();
  });

  it('a job whose awaited pass ended without a result runs its own', async () => {
    const memo = createEvaluationMemo();
    let fail!: (e: Error) => void;
    memo.track('k', new Promise<Evaluation>((_, reject) => (fail = reject)));
    const asked: (number | undefined)[] = [];
    const emitted: Evaluation[] = [];
    const result = quickThenFull(
      { fullEvalMs: new Map(), evaluations: memo },
      'm',
      summary,
      (limit) => {
        asked.push(limit);
        return Promise.resolve({
          modelId: 'm',
          accuracy: 0.5,
          correct: 50,
          count: 100,
          confusion: new Uint32Array(4),
          numClasses: 2,
          ms: 1,
        });
      },
      (x) => emitted.push(x),
      () => false,
      null,
      'k',
    );
    await Promise.resolve();
    expect(asked).toEqual([]); // waiting for the pass in progress
    fail(new Error('cut short'));
    expect((await result)!.accuracy).toBe(0.5);
    expect(asked).toEqual([undefined]);
    expect(emitted.map((x) => x.remembered)).toEqual([undefined]);
  });

  it('forgets the oldest beyond its size, and all on clear', () => {
    const memo = createEvaluationMemo();
    const e = (i: number): Evaluation => ({
      modelId: 'm',
      accuracy: i,
      correct: 0,
      count: 1,
      confusion: new Uint32Array(4),
      numClasses: 2,
      ms: 1,
    });
    for (let i = 0; i <= EVALUATION_MEMO_SIZE; i++) memo.set(`k${i}`, e(i));
    expect(memo.get('k0')).toBeUndefined();
    expect(memo.get(`k${EVALUATION_MEMO_SIZE}`)?.accuracy).toBe(EVALUATION_MEMO_SIZE);
    memo.clear();
    expect(memo.get(`k${EVALUATION_MEMO_SIZE}`)).toBeUndefined();
  });

  it("the jobs read the memo they are given: cleared (the benchmarks' dropCaches), a pass runs again", async () => {
    const engine = recordingEngine();
    const memo = createEvaluationMemo();
    const jobs = createJobs(engine.client, engine.stats, undefined, memo);
    const job = jobs.find((j) => j.name === 'quantEvaluation') as unknown as Job<'quantEvaluation'>;
    const c = quantize();
    const run = () =>
      job.run({
        config: c,
        state: { ...createAppStore().getState(), config: c },
        summary,
        emit: () => undefined,
        stale: () => false,
      });
    await run();
    await run();
    expect(engine.calls).toHaveLength(1);
    memo.clear();
    await run();
    expect(engine.calls).toHaveLength(2);
  });

  it.each([
    ['the accuracy first (as the controller starts them), then the sweep', 4, false],
    ["the sweep first, its widest point then the accuracy's request", 8, true],
  ])(
    'a pass in progress answers the same request asked by another job: %s',
    async (_, bits, sweepFirst) => {
      // The first job's passes stay in progress until released; the second job's are answered.
      const engine = recordingEngine();
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const heldChannel = sweepFirst ? 'sweep' : 'compressed';
      type Evaluate = (...args: unknown[]) => Promise<unknown>;
      const client = {
        call: (fn: (api: { evaluate: Evaluate }) => Promise<unknown>) =>
          fn({
            evaluate: (...args) =>
              (args[4] === heldChannel ? held : Promise.resolve()).then(() =>
                engine.client.call((api) => (api.evaluate as Evaluate)(...args) as never),
              ),
          }),
      } as unknown as EngineClient;
      const jobs = createJobs(client, engine.stats, undefined, createEvaluationMemo());
      const c = quantize({ weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits } });
      const start = <K extends 'quantEvaluation' | 'sweep'>(name: K) => {
        const job = jobs.find((j) => j.name === name) as unknown as Job<K>;
        const emits: Data<K>[] = [];
        const done = job.run({
          config: c,
          state: { ...createAppStore().getState(), config: c },
          summary,
          emit: (d) => emits.push(d),
          stale: () => false,
        });
        return { emits, done };
      };
      const tick = () => new Promise((r) => setTimeout(r, 0));
      const first = start(sweepFirst ? 'sweep' : 'quantEvaluation');
      await tick();
      const second = start(sweepFirst ? 'quantEvaluation' : 'sweep');
      for (let i = 0; i < 5; i++) await tick();
      release();
      await Promise.all([first.done, second.done]);
      const [q, sweep] = (sweepFirst ? [second, first] : [first, second]) as [
        ReturnType<typeof start<'quantEvaluation'>>,
        ReturnType<typeof start<'sweep'>>,
      ];
      const same = (k: { request: EvalRequest }) =>
        k.request.weights?.weights.format === 'int' &&
        k.request.weights.weights.bits === bits &&
        !k.request.acts;
      expect(engine.calls.filter(same)).toHaveLength(1);
      const last = sweep.emits.at(-1)!;
      expect(last.done).toBe(true);
      expect(last.points.find((p) => p.bits === bits)!.weightOnly).toBe(q.emits.at(-1)!.accuracy);
      // The job that waited shows the other's result, as one measured before.
      if (sweepFirst) expect(q.emits.at(-1)!.remembered).toBe(true);
    },
  );
});
