import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkerClient } from '../worker/client';
import type { EngineApi, Evaluation, ModelSummary } from '../worker/engine';
import type { StatsApi } from '../worker/stats';
import { FAKED_TIMERS, fakeWorkers, flushMessages } from '../worker/fakeWorker';
import { ENGINE_HEARTBEAT, STATS_HEARTBEAT } from '../worker/workers';
import { CANCEL_GRACE_MS, QUIET_MS, startController } from './controller';
import { sweepKey } from './keys';
import { selectEvaluation } from './selectors';
import { createSecondWorker } from './secondWorker';
import { createAppStore } from './store';

/**
 * Worker faults, end to end on the main thread: the real controller and worker clients, talking
 * over comlink to fake workers (same thread) that crash, hang or end themselves, with fake
 * clocks. Whatever a worker was computing when it failed must be asked for again, on a new
 * worker, without any change of settings; the user is told which worker it was.
 */

interface Call {
  readonly generation: number;
  readonly method: string;
  readonly args: unknown[];
}

const TEST_COUNT = 2000;
const summary = {
  id: 'mnist-mlp',
  meta: { id: 'mnist-mlp' },
  dataset: { test: { count: TEST_COUNT }, classes: [] },
  // Kernels big enough that an evaluation starts with a quick estimate (quickFirst).
  layers: [
    { info: { name: 'fc1', className: 'Dense', kernelShape: [784, 1000], outputShape: [1000] } },
    { info: { name: 'fc2', className: 'Dense', kernelShape: [1000, 10], outputShape: [10] } },
  ],
  totalParams: 1,
  float32Bits: 32,
} as unknown as ModelSummary;

/** The whole test set: 1,950 correct; its first 1,000 images 970 of them, the other 1,000 980. */
const correctOf = (count: number, offset: number) =>
  count === TEST_COUNT ? 1950 : offset === 0 ? 970 : 980;
const evaluation = (count: number, offset = 0): Evaluation => ({
  modelId: 'mnist-mlp',
  accuracy: correctOf(count, offset) / count,
  correct: correctOf(count, offset),
  count,
  confusion: new Uint32Array(100),
  numClasses: 10,
  ms: 50,
});

/**
 * A fake worker's API: records every call with the generation of the worker it reached, and
 * answers as `answer` says; a call it does not answer stays pending (a worker still busy).
 */
function recordingApi(answer: (generation: number, method: string, args: unknown[]) => unknown) {
  const calls: Call[] = [];
  let generation = 0;
  const make = () => {
    const g = ++generation;
    return new Proxy(
      {},
      {
        get:
          (_t, method: string) =>
          (...args: unknown[]) => {
            if (method === 'ping') return true;
            calls.push({ generation: g, method, args });
            const a = answer(g, method, args);
            return a === undefined ? new Promise(() => undefined) : a;
          },
      },
    );
  };
  return { calls, make };
}

const backend = {
  name: 'wasm',
  simd: true,
  threads: 1,
  crossOriginIsolated: false,
  tfjsVersion: 'x',
  note: null,
};

/** Advances the fake clock in steps, letting messages flow at each. */
async function advance(ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await vi.advanceTimersByTimeAsync(step);
    await flushMessages();
  }
}

/** Advances until `done()` holds (at most `limitMs`); returns the time it took. */
async function until(done: () => boolean, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (!done() && Date.now() - t0 < limitMs) await advance(50);
  return Date.now() - t0;
}

type Fault = 'crash' | 'close' | 'hang';

function setup({
  holdEngine = (g: number) => g === 1,
  holdStats = () => false,
  engineDelay = 0,
  evalMs = 50,
  second = false,
}: {
  /** Whether a worker of this generation leaves this evaluation unanswered. */
  holdEngine?: (generation: number, args: unknown[]) => boolean;
  holdStats?: (generation: number, method: string) => boolean;
  /** Fake ms an answered evaluation takes. */
  engineDelay?: number;
  /** The time an evaluation reports (what the jobs take as the model's speed). */
  evalMs?: number;
  /** A second compute worker (the same fake API, its own workers), as the app has on 2 cores. */
  second?: boolean;
} = {}) {
  const answer = (g: number, method: string, args: unknown[]) => {
    if (method === 'init') return backend;
    if (method === 'describeModel') return summary;
    if (method !== 'evaluate' || holdEngine(g, args)) return undefined;
    // evaluate(dataset, arch, request, limit, channel, offset): `limit` images from `offset`.
    const offset = (args[5] as number | undefined) ?? 0;
    const result = {
      ...evaluation((args[3] as number | undefined) ?? TEST_COUNT - offset, offset),
      ms: evalMs,
    };
    return engineDelay > 0 ? new Promise((r) => setTimeout(() => r(result), engineDelay)) : result;
  };
  const engineApi = recordingApi(answer);
  const secondApi = recordingApi(answer);
  const statsApi = recordingApi((g, method) =>
    holdStats(g, method)
      ? undefined
      : { modelId: 'mnist-mlp', layer: 'fc1', method, size: { totalBits: 8, float32Bits: 32 } },
  );
  const engineWorkers = fakeWorkers(engineApi.make);
  const statsWorkers = fakeWorkers(statsApi.make);
  const engine = new WorkerClient<EngineApi>(engineWorkers.create, {
    label: 'compute worker',
    heartbeat: ENGINE_HEARTBEAT,
  });
  const stats = new WorkerClient<StatsApi>(statsWorkers.create, {
    label: 'statistics worker',
    heartbeat: STATS_HEARTBEAT,
  });
  const secondWorkers = fakeWorkers(secondApi.make);
  const secondWorker = second
    ? createSecondWorker(
        () => true,
        () =>
          new WorkerClient<EngineApi>(secondWorkers.create, {
            label: 'second compute worker',
            heartbeat: ENGINE_HEARTBEAT,
          }),
      )
    : undefined;
  const store = createAppStore();
  const stop = startController(store, engine, stats, secondWorker);
  const dispose = () => {
    stop();
    engine.dispose();
    stats.dispose();
    if (secondWorker?.started) secondWorker.client().dispose();
  };
  const errors = () => store.getState().notices.filter((n) => n.kind === 'error');
  return {
    engineApi,
    secondApi,
    statsApi,
    engineWorkers,
    statsWorkers,
    secondWorkers,
    engine,
    stats,
    store,
    dispose,
    errors,
  };
}

function inflict(worker: { die(): void; freeze(): void; crash(m: string): void }, fault: Fault) {
  if (fault === 'close') worker.die();
  else if (fault === 'hang') worker.freeze();
  else worker.crash('Uncaught Error: out of memory');
}

describe('worker faults', () => {
  let dispose: (() => void) | null = null;
  beforeEach(() => vi.useFakeTimers({ toFake: [...FAKED_TIMERS] }));
  afterEach(() => {
    dispose?.();
    dispose = null;
    vi.useRealTimers();
  });

  /** The longest a silent compute worker goes unnoticed: next ping, the wait, next check. */
  const ENGINE_BOUND = 2 * ENGINE_HEARTBEAT.everyMs + ENGINE_HEARTBEAT.deadAfterMs;
  const STATS_BOUND = 2 * STATS_HEARTBEAT.everyMs + STATS_HEARTBEAT.deadAfterMs;

  it.each(['close', 'hang', 'crash'] as const)(
    'compute worker (%s) while the accuracy is measured: noticed, named, restarted, the accuracy asked again and shown',
    async (fault) => {
      const t = setup();
      dispose = t.dispose;
      await advance(200);
      const first = t.engineApi.calls.filter((c) => c.generation === 1 && c.method === 'evaluate');
      expect(first).toHaveLength(1); // the quick estimate, which worker 1 never answers
      expect(selectEvaluation(t.store.getState())).toBeNull();
      expect(t.store.getState().busy.has('evaluation')).toBe(true);

      inflict(t.engineWorkers.current(), fault);
      const took = await until(() => t.errors().length > 0, ENGINE_BOUND + 1000);
      expect(took).toBeLessThanOrEqual(fault === 'crash' ? 50 : ENGINE_BOUND);
      const notices = t.errors();
      expect(notices).toHaveLength(1);
      expect(notices[0]!.text).toMatch(
        fault === 'crash'
          ? /^The compute worker crashed: Uncaught Error: out of memory\. It was restarted/
          : /^The compute worker stopped answering \(silent for \d+ s\)\. It was restarted/,
      );
      expect(t.engineWorkers.workers).toHaveLength(2);
      expect(t.engineWorkers.workers[0]!.terminated).toBe(true);

      // Without any change of settings, the new worker is asked the same thing, then the rest.
      await advance(500);
      const again = t.engineApi.calls.filter((c) => c.generation === 2 && c.method === 'evaluate');
      expect(again[0]!.args).toEqual(first[0]!.args);
      expect(t.engineApi.calls.some((c) => c.generation === 2 && c.method === 'init')).toBe(true);
      const shown = selectEvaluation(t.store.getState());
      expect(shown?.count).toBe(TEST_COUNT);
      expect(shown?.accuracy).toBe(0.975);
      expect(t.store.getState().busy.has('evaluation')).toBe(false);
      // One notice for the fault, not one per call it cut short.
      expect(t.errors()).toHaveLength(1);
    },
  );

  it.each(['close', 'hang', 'crash'] as const)(
    'statistics worker (%s) while the instant views are drawn: named in a notice, every view asked again',
    async (fault) => {
      const t = setup({ holdEngine: () => false, holdStats: (g) => g === 1 });
      dispose = t.dispose;
      await advance(200);
      t.store.getState().setView('quantize');
      await advance(200);
      const asked = t.statsApi.calls.filter((c) => c.generation === 1).map((c) => c.method);
      expect(asked).toEqual(
        expect.arrayContaining(['inspectWeights', 'layerErrors', 'compressionReport']),
      );
      expect(t.store.getState().weightInspection).toBeNull();

      inflict(t.statsWorkers.current(), fault);
      const took = await until(() => t.errors().length > 0, STATS_BOUND + 1000);
      expect(took).toBeLessThanOrEqual(fault === 'crash' ? 50 : STATS_BOUND);
      expect(t.errors()[0]!.text).toMatch(/^The statistics worker (crashed|stopped answering)/);
      // The compute worker is not touched.
      expect(t.engineWorkers.workers).toHaveLength(1);
      await advance(300);
      const reasked = t.statsApi.calls.filter((c) => c.generation === 2).map((c) => c.method);
      expect(reasked.sort()).toEqual([...asked].sort());
      const s = t.store.getState();
      for (const name of ['weightInspection', 'layerErrors', 'report'] as const)
        expect(s[name], name).not.toBeNull();
      expect(t.errors().map((n) => n.text)).toHaveLength(1);
    },
  );

  it('a fault during a sweep restarts the sweep on the new worker; the other results fill in too', async () => {
    const t = setup({ holdEngine: (g, args) => g === 1 && args[4] === 'sweep' });
    dispose = t.dispose;
    await advance(200);
    t.store.getState().setView('quantize');
    await advance(300);
    // Held: at most the point the configuration's own accuracy answered (its pass is not held).
    const held = t.store.getState().sweep;
    expect(held?.data.done ?? false).toBe(false);
    expect(held?.data.points.length ?? 0).toBeLessThanOrEqual(1);
    inflict(t.engineWorkers.current(), 'close');
    await until(() => t.store.getState().sweep?.data.done === true, ENGINE_BOUND + 2000);
    expect(t.store.getState().sweep?.data.done).toBe(true);
    expect(t.store.getState().sweep?.key).toBe(sweepKey(t.store.getState().config));
    expect(t.store.getState().quantEvaluation?.data.count).toBe(TEST_COUNT);
  });

  it('a slider moved during a sweep it does not change pauses the sweep until the hand rests', async () => {
    const t = setup({ holdEngine: () => false, engineDelay: 100 });
    dispose = t.dispose;
    await advance(200);
    t.store.getState().setView('quantize');
    await advance(400);
    const sweepCalls = () => t.engineApi.calls.filter((c) => c.args[4] === 'sweep').length;
    const before = sweepCalls();
    expect(before).toBeGreaterThan(0);
    const key = sweepKey(t.store.getState().config);
    // The weight bits move every 100 ms for 1.5 s: each step is measured, the sweep waits.
    for (let i = 0; i < 15; i++) {
      t.store.getState().setWeightQuant({ bits: 2 + (i % 6) });
      await advance(100);
    }
    expect(sweepKey(t.store.getState().config)).toBe(key);
    const during = sweepCalls();
    // At most the point that was asked for as the hand started moving.
    expect(during - before).toBeLessThanOrEqual(1);
    expect(t.engineApi.calls.filter((c) => c.args[4] !== 'sweep').length).toBeGreaterThan(5);
    await until(() => t.store.getState().sweep?.data.done === true, QUIET_MS + 5000);
    expect(sweepCalls()).toBeGreaterThan(during + 3);
    expect(t.store.getState().sweep?.key).toBe(key);
  });

  it('cancelling a sweep whose step does not end frees the compute worker within the grace; nothing else is lost', async () => {
    const t = setup({ holdEngine: (g, args) => g === 1 && args[4] === 'sweep' });
    dispose = t.dispose;
    await advance(200);
    t.store.getState().setView('quantize');
    await advance(300);
    const s = t.store.getState();
    expect(s.busy.has('sweep')).toBe(true);
    s.cancelJob('sweep', sweepKey(s.config));
    const took = await until(() => t.engineWorkers.workers.length === 2, 2000);
    expect(took).toBeLessThanOrEqual(CANCEL_GRACE_MS + 50);
    await advance(300);
    const after = t.store.getState();
    expect(after.busy.has('sweep')).toBe(false);
    // A cancel is the user's own doing: no error notice, and the sweep is not asked again…
    expect(t.errors().map((n) => n.text)).toEqual([]);
    const sweepCalls = (g: number) =>
      t.engineApi.calls.filter((c) => c.generation === g && c.args[4] === 'sweep');
    expect(sweepCalls(2)).toEqual([]);
    // …while the results that were cut short with it are.
    expect(after.quantEvaluation?.data.count).toBe(TEST_COUNT);
    expect(selectEvaluation(after)?.count).toBe(TEST_COUNT);

    // Resume runs it again, to the end.
    after.resumeJob('sweep');
    await until(() => t.store.getState().sweep?.data.done === true, 2000);
    expect(t.store.getState().sweep?.data.done).toBe(true);
    expect(sweepCalls(2).length).toBeGreaterThan(8);
  });

  /**
   * A slow model (1 s a pass) whose sweep is shared between the two compute workers, which hold
   * every sweep point; the Quantize tab opened 200 ms after the start. `sweepOn(api)`: the sweep
   * points asked of that worker so far.
   */
  async function quantizeTabWithHeldSweeps() {
    const t = setup({ holdEngine: (_g, args) => args[4] === 'sweep', evalMs: 1000, second: true });
    dispose = t.dispose;
    const sweepOn = (api: typeof t.engineApi) => api.calls.filter((c) => c.args[4] === 'sweep');
    await advance(200);
    t.store.getState().setView('quantize');
    return { t, sweepOn };
  }

  it("a sweep started by a drag's step takes the second worker only once the hand rests", async () => {
    const { t, sweepOn } = await quantizeTabWithHeldSweeps();
    await advance(QUIET_MS);
    // The activations' bit-width dragged: every step is a new sweep (its W+A curve changes). The
    // first step came after a rest: its sweep takes the second worker at once; the others wait.
    const steps: number[] = [];
    for (const bits of [7, 6, 5, 4]) {
      t.store.getState().setActQuant({ bits });
      await advance(100);
      steps.push(sweepOn(t.secondApi).length);
    }
    expect(steps).toEqual([2, 2, 2, 2]);
    // 400 ms after the last step: not rested yet; 700 ms after it: rested.
    await advance(QUIET_MS - 200);
    expect(sweepOn(t.secondApi)).toHaveLength(2);
    await advance(300);
    // Rested: the drag's sweeps take the second worker too.
    expect(sweepOn(t.secondApi).length).toBeGreaterThan(2);
    expect(t.errors().map((n) => n.text)).toEqual([]);
  });

  it('cancelling a sweep held on both compute workers frees both within the grace', async () => {
    // Opening the tab (a change after a rest) starts the sweep on both workers at once.
    const { t, sweepOn } = await quantizeTabWithHeldSweeps();
    await advance(300);
    const s = t.store.getState();
    expect(sweepOn(t.engineApi)).toHaveLength(1);
    expect(sweepOn(t.secondApi)).toHaveLength(1);
    expect(t.secondWorkers.workers).toHaveLength(1);
    s.cancelJob('sweep', sweepKey(s.config));
    const took = await until(
      () => t.engineWorkers.workers.length === 2 && t.secondWorkers.workers[0]!.terminated,
      2000,
    );
    expect(took).toBeLessThanOrEqual(CANCEL_GRACE_MS + 50);
    await advance(300);
    expect(t.store.getState().busy.has('sweep')).toBe(false);
    expect(t.errors().map((n) => n.text)).toEqual([]);
    expect(t.store.getState().quantEvaluation?.data.count).toBe(TEST_COUNT);
  });

  it('cancelling a sweep whose step ends in time stops it there without restarting the worker', async () => {
    const t = setup({ holdEngine: () => false, engineDelay: 100 });
    dispose = t.dispose;
    await advance(200);
    t.store.getState().setView('quantize');
    await until(() => (t.store.getState().sweep?.data.points.length ?? 0) >= 2, 3000);
    const s = t.store.getState();
    s.cancelJob('sweep', sweepKey(s.config));
    const asked = t.engineApi.calls.filter((c) => c.args[4] === 'sweep').length;
    await advance(2000);
    expect(t.engineWorkers.workers).toHaveLength(1);
    expect(t.engineApi.calls.filter((c) => c.args[4] === 'sweep').length).toBe(asked);
    expect(t.store.getState().sweep?.data.done).toBe(false);
    expect(t.store.getState().busy.has('sweep')).toBe(false);
    // Other settings have a sweep of their own: it runs.
    t.store.getState().setWeightQuant({ granularity: 'channel' });
    await until(() => t.store.getState().sweep?.data.done === true, 5000);
    expect(t.store.getState().sweep?.key).toBe(sweepKey(t.store.getState().config));
  });
});
