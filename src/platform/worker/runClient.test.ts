import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCancelled } from './client';
import { FAKED_TIMERS, fakeWorkers, flushMessages } from './fakeWorker';
import { hostRuns } from './runHost';
import type { RunContext } from './runHost';
import { RunClient } from './runClient';
import type { RunClientOptions } from './runClient';

/**
 * The run client against a real comlink connection to a fake worker in the same thread, with
 * fake clocks: no assertion depends on how fast this machine is.
 */

interface Job {
  /** Steps to run; each takes `stepMs` of (fake) time. */
  steps: number;
  stepMs: number;
  /** 'yield': a step checks stop/cancel; 'hang': the first step never ends and never checks. */
  mode?: 'yield' | 'hang' | 'throw';
}
interface Product {
  steps: number;
  stopped: boolean;
  weights: Float32Array;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Products the executor returned, as the worker still sees them (transfer empties them). */
const returned: Product[] = [];

async function execute(job: Job, run: RunContext<number>): Promise<Product> {
  if (job.mode === 'hang') await new Promise(() => undefined);
  let step = 0;
  run.onProgress(step);
  while (step < job.steps) {
    if (run.control.cancel) throw new Error('TrainCancelled');
    if (run.control.stop) break;
    await sleep(job.stepMs);
    step++;
    if (job.mode === 'throw' && step === 2) throw new Error('NaN loss at step 2');
    run.onProgress(step);
  }
  const product = { steps: step, stopped: step < job.steps, weights: new Float32Array([1, 2, 3]) };
  returned.push(product);
  return product;
}

function setup(options: RunClientOptions = {}) {
  const fake = fakeWorkers(() =>
    hostRuns(execute, { transferables: (p: Product) => [p.weights.buffer] }),
  );
  const restarts: string[] = [];
  let n = 0;
  const client = new RunClient<Job, number, Product>(fake.create, {
    newRunId: () => `run-${++n}`,
    onRestart: (m) => restarts.push(m),
    ...options,
  });
  return { fake, client, restarts };
}

/** Advances fake time in small steps, letting messages flow between them. */
async function advance(ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await vi.advanceTimersByTimeAsync(Math.min(step, ms - t));
    await flushMessages();
  }
}

describe('RunClient', () => {
  let dispose: (() => void) | null = null;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED_TIMERS] });
    returned.length = 0;
  });
  afterEach(() => {
    dispose?.();
    dispose = null;
    vi.useRealTimers();
  });

  it('streams progress as ordered deltas at most every 100 ms, then the product, transferred', async () => {
    const { client } = setup();
    dispose = () => client.dispose();
    const deltas: { at: number; points: readonly number[] }[] = [];
    let started = false;
    const run = client.start(
      { steps: 60, stepMs: 10 },
      {
        onStart: () => (started = true),
        onProgress: (points) => deltas.push({ at: Date.now(), points }),
      },
    );
    let product: Product | null = null;
    void run.result.then((p) => (product = p));
    await advance(700);
    expect(started).toBe(true);
    expect(product).not.toBeNull();
    expect(product!.steps).toBe(60);
    expect(Array.from(product!.weights)).toEqual([1, 2, 3]);
    // Transferred, not copied: the worker's array was emptied.
    expect(returned[0]!.weights.byteLength).toBe(0);
    // Every point once, in order, and every one before the product.
    expect(deltas.flatMap((d) => d.points)).toEqual([...Array(61).keys()]);
    expect(deltas.length).toBeLessThanOrEqual(8);
    // 10 Hz, but for the last delta: the run's end sends what is left at once.
    for (let i = 1; i < deltas.length - 1; i++)
      expect(deltas[i]!.at - deltas[i - 1]!.at).toBeGreaterThanOrEqual(100);
  });

  it('stop ends the run at its next step and resolves with what it has', async () => {
    const { client } = setup();
    dispose = () => client.dispose();
    const run = client.start({ steps: 1000, stepMs: 10 });
    await advance(55);
    run.stop();
    await advance(30);
    const product = await run.result;
    expect(product.stopped).toBe(true);
    expect(product.steps).toBeGreaterThanOrEqual(5);
    expect(product.steps).toBeLessThan(10);
  });

  it('a cooperative cancel ends the run without replacing the worker', async () => {
    const { client, fake } = setup();
    dispose = () => client.dispose();
    const run = client.start({ steps: 1000, stepMs: 10 });
    const outcome = run.result.catch((e: unknown) => e);
    await advance(50);
    let freed = false;
    void run.cancel().then(() => (freed = true));
    expect(isCancelled(await outcome)).toBe(true); // at once
    await advance(30);
    expect(freed).toBe(true);
    expect(fake.workers).toHaveLength(1);
    expect(fake.current().terminated).toBe(false);
  });

  it('cancel of a step that never yields terminates and replaces the worker within 0.5 s, rejecting what was pending', async () => {
    const { client, fake, restarts } = setup();
    dispose = () => client.dispose();
    const run = client.start({ steps: 1, stepMs: 10, mode: 'hang' });
    const outcome = run.result.catch((e: unknown) => e);
    const next = client.start({ steps: 3, stepMs: 10 });
    await advance(50);
    expect(client.activeRunId).toBe(run.id);
    // The worker's event loop is now blocked: it will answer nothing.
    const first = fake.current();
    first.freeze();
    const t0 = Date.now();
    let freedAt = -1;
    void run.cancel().then(() => (freedAt = Date.now()));
    expect(isCancelled(await outcome)).toBe(true);

    await advance(290);
    expect(first.terminated).toBe(false); // still given its chance
    await advance(200);
    expect(first.terminated).toBe(true);
    expect(freedAt).toBeGreaterThanOrEqual(t0);
    expect(freedAt - t0).toBeLessThanOrEqual(500);
    expect(fake.workers).toHaveLength(2);
    // startRun, cancel and any ping on the old worker were rejected, not left hanging.
    expect(client.pendingCalls).toBeLessThanOrEqual(1); // at most the next run's startRun
    expect(restarts).toEqual([]); // a cancel is not a crash

    // The queued run runs on the new worker.
    await advance(100);
    expect((await next.result).steps).toBe(3);
  });

  it('cancelling a queued run drops it before it starts', async () => {
    const { client } = setup();
    dispose = () => client.dispose();
    const a = client.start({ steps: 3, stepMs: 10 });
    let bStarted = false;
    const b = client.start({ steps: 3, stepMs: 10 }, { onStart: () => (bStarted = true) });
    const bOutcome = b.result.catch((e: unknown) => e);
    expect(client.queuedCount).toBe(2);
    await b.cancel();
    expect(isCancelled(await bOutcome)).toBe(true);
    await advance(100);
    expect((await a.result).steps).toBe(3);
    expect(bStarted).toBe(false);
  });

  it('a run that throws fails with its message; the next run still runs', async () => {
    const { client, fake } = setup();
    dispose = () => client.dispose();
    const bad = client.start({ steps: 5, stepMs: 10, mode: 'throw' });
    const good = client.start({ steps: 2, stepMs: 10 });
    const outcome = bad.result.catch((e: unknown) => e);
    await advance(100);
    const e = await outcome;
    expect(isCancelled(e)).toBe(false);
    expect((e as Error).message).toMatch(/NaN loss at step 2/);
    expect((await good.result).steps).toBe(2);
    expect(fake.workers).toHaveLength(1);
  });

  it('a crash fails the run with the reason (not as a cancel) and replaces the worker', async () => {
    const { client, fake, restarts } = setup();
    dispose = () => client.dispose();
    const run = client.start({ steps: 1000, stepMs: 10 });
    const outcome = run.result.catch((e: unknown) => e);
    await advance(50);
    fake.current().crash('out of memory');
    const e = await outcome;
    expect(isCancelled(e)).toBe(false);
    expect((e as Error).message).toBe('The training worker crashed: out of memory');
    expect(restarts).toEqual(['The training worker crashed: out of memory']);
    expect(fake.workers).toHaveLength(2);
    expect(fake.workers[0]!.terminated).toBe(true);
  });

  it('a worker that falls silent (ended itself) fails the run after deadAfterMs and is replaced', async () => {
    const { client, fake, restarts } = setup({ heartbeatMs: 1000, deadAfterMs: 5000 });
    dispose = () => client.dispose();
    const run = client.start({ steps: 1, stepMs: 10, mode: 'hang' });
    const outcome = run.result.catch((e: unknown) => e);
    await advance(100);
    // A hanging but awake worker answers its pings: it is not taken for dead.
    await advance(8000, 250);
    expect(fake.workers).toHaveLength(1);
    fake.current().die();
    await advance(7000, 250);
    const e = await outcome;
    expect(isCancelled(e)).toBe(false);
    expect((e as Error).message).toMatch(/training worker stopped answering/);
    expect(restarts).toHaveLength(1);
    expect(fake.workers).toHaveLength(2);
    expect(fake.workers[0]!.terminated).toBe(true);
  });

  it('a worker whose event loop is blocked (a hang) fails the run after deadAfterMs, and the next run runs on a new worker', async () => {
    const { client, fake, restarts } = setup({ heartbeatMs: 1000, deadAfterMs: 5000 });
    dispose = () => client.dispose();
    // A step that never ends, then a blocked event loop: neither pings nor progress come back.
    // (Progress travels on a port of its own that the fake cannot block, so this run sends none.)
    const run = client.start({ steps: 1, stepMs: 10, mode: 'hang' });
    const outcome = run.result.catch((e: unknown) => e);
    const next = client.start({ steps: 3, stepMs: 10 });
    await advance(100);
    fake.current().freeze();
    await advance(7500, 250);
    const e = await outcome;
    expect(isCancelled(e)).toBe(false);
    expect((e as Error).message).toMatch(
      /^The training worker stopped answering \(silent for [5-7] s\)/,
    );
    expect(restarts).toHaveLength(1);
    expect(fake.workers[0]!.terminated).toBe(true);
    await advance(200);
    expect((await next.result).steps).toBe(3);
    expect(fake.workers).toHaveLength(2);
  });
});
