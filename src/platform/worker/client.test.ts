import type * as Comlink from 'comlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCancelled, isWorkerDied, WorkerClient } from './client';
import type { RestartEvent } from './client';
import { FAKED_TIMERS, FakeLocks, fakeWorkers, flushMessages } from './fakeWorker';

/** The worker client every worker goes through: restart, crash and heartbeat. */

function api() {
  let pings = 0;
  return {
    echo: (x: number) => x,
    never: () => new Promise<number>(() => undefined),
    ping: () => ++pings,
    pings: () => pings,
  };
}
type Api = ReturnType<typeof api>;

describe('WorkerClient', () => {
  let client: WorkerClient<Api> | null = null;
  beforeEach(() => vi.useFakeTimers({ toFake: [...FAKED_TIMERS] }));
  afterEach(() => {
    client?.dispose();
    client = null;
    vi.useRealTimers();
  });

  it('answers calls; restart rejects what was pending as cancelled and starts a new worker', async () => {
    const fake = fakeWorkers(api);
    client = new WorkerClient<Api>(fake.create);
    expect(await client.call((a) => a.echo(7))).toBe(7);
    const hanging = client.call((a) => a.never()).catch((e: unknown) => e);
    await flushMessages();
    expect(client.pendingCount).toBe(1);
    client.restart('newer settings');
    const e = await hanging;
    expect(isCancelled(e)).toBe(true);
    expect((e as Error).message).toBe('newer settings');
    expect(client.pendingCount).toBe(0);
    expect(client.workerGeneration).toBe(2);
    expect(fake.workers[0]!.terminated).toBe(true);
    expect(await client.call((a) => a.echo(8))).toBe(8);
  });

  it('an error event restarts the worker, rejects what was pending as a death, and reports it', async () => {
    const fake = fakeWorkers(api);
    const crashes: string[] = [];
    const restarts: RestartEvent[] = [];
    client = new WorkerClient<Api>(fake.create, { onCrash: (m) => crashes.push(m) });
    client.onRestart((e) => restarts.push(e));
    const hanging = client.call((a) => a.never()).catch((e: unknown) => e);
    fake.current().crash('');
    const e = await hanging;
    expect(isWorkerDied(e)).toBe(true);
    expect(isCancelled(e)).toBe(false);
    expect(crashes).toEqual(['The compute worker crashed.']);
    expect(restarts).toEqual([
      { cause: 'crash', message: 'The compute worker crashed.', generation: 2 },
    ]);
    expect(fake.workers).toHaveLength(2);
    fake.current().crash('Uncaught RangeError: out of memory');
    expect(crashes[1]).toBe('The compute worker crashed: Uncaught RangeError: out of memory');
    expect(await client.call((a) => a.echo(3))).toBe(3);
  });

  it('pings only while a call is pending, and takes only silence for death', async () => {
    const fake = fakeWorkers(api);
    const crashes: string[] = [];
    client = new WorkerClient<Api>(fake.create, {
      onCrash: (m) => crashes.push(m),
      label: 'test worker',
      heartbeat: { ping: (a) => a.ping(), everyMs: 100, deadAfterMs: 1000 },
    });
    const probe = fake.current();
    await vi.advanceTimersByTimeAsync(1000);
    await flushMessages();
    // Idle: no pings sent, nothing declared dead.
    expect(await client.call((a) => a.pings())).toBe(0);

    const hanging = client.call((a) => a.never()).catch((e: unknown) => e);
    for (let t = 0; t < 3000; t += 50) {
      await vi.advanceTimersByTimeAsync(50);
      await flushMessages();
    }
    expect(crashes).toEqual([]);
    probe.die();
    for (let t = 0; t < 1200; t += 50) {
      await vi.advanceTimersByTimeAsync(50);
      await flushMessages();
    }
    const e = (await hanging) as Error;
    expect(e.name).toBe('WorkerDiedError');
    expect(crashes).toEqual([e.message]);
    expect(e.message).toMatch(/^The test worker stopped answering \(silent for 1 s\)/);
    expect(fake.workers).toHaveLength(2);
    expect(client.pendingCount).toBe(0);
  });

  /** Advances the fake clock in steps, letting messages flow between the two ends at each. */
  async function advance(ms: number, step = 50): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      await vi.advanceTimersByTimeAsync(step);
      await flushMessages();
    }
  }

  const HB = { ping: (a: Comlink.Remote<Api>) => a.ping(), everyMs: 100, deadAfterMs: 1000 };

  /** A client whose worker is told to misbehave one of the three ways a real one does. */
  async function faulted(fault: 'close' | 'hang' | 'crash') {
    const fake = fakeWorkers(api);
    const restarts: RestartEvent[] = [];
    const c = new WorkerClient<Api>(fake.create, { label: 'test worker', heartbeat: HB });
    client = c;
    c.onRestart((e) => restarts.push(e));
    const pending = [1, 2, 3].map(() => c.call((a) => a.never()).catch((e: unknown) => e));
    await advance(300);
    const first = fake.current();
    if (fault === 'close') first.die();
    else if (fault === 'hang') first.freeze();
    else first.crash('Uncaught Error: boom');
    const t0 = Date.now();
    let noticedAfter = -1;
    for (let t = 0; t < 5000 && restarts.length === 0; t += 50) {
      await advance(50);
      if (restarts.length > 0) noticedAfter = Date.now() - t0;
    }
    if (restarts.length > 0 && noticedAfter < 0) noticedAfter = 0;
    return { c, fake, first, restarts, pending, noticedAfter };
  }

  it.each(['close', 'hang'] as const)(
    'a worker that stops answering (%s) is noticed within everyMs + deadAfterMs + everyMs, its calls rejected, a new one started',
    async (fault) => {
      const { c, fake, first, restarts, pending, noticedAfter } = await faulted(fault);
      expect(restarts).toHaveLength(1);
      expect(restarts[0]!.cause).toBe('silent');
      expect(restarts[0]!.message).toMatch(/^The test worker stopped answering/);
      expect(noticedAfter).toBeGreaterThanOrEqual(HB.deadAfterMs);
      expect(noticedAfter).toBeLessThanOrEqual(HB.everyMs + HB.deadAfterMs + HB.everyMs);
      for (const e of await Promise.all(pending)) expect(isWorkerDied(e)).toBe(true);
      expect(c.pendingCount).toBe(0);
      expect(first.terminated).toBe(true);
      expect(fake.workers).toHaveLength(2);
      // A hung worker that wakes up later is gone: nothing it says reaches the client.
      if (fault === 'hang') first.thaw();
      expect(await c.call((a) => a.echo(5))).toBe(5);
      expect(c.workerGeneration).toBe(2);
    },
  );

  it('a worker that crashes is replaced at once', async () => {
    const { c, restarts, pending, noticedAfter } = await faulted('crash');
    expect(noticedAfter).toBe(0);
    expect(restarts.map((r) => r.cause)).toEqual(['crash']);
    expect(restarts[0]!.message).toBe('The test worker crashed: Uncaught Error: boom');
    for (const e of await Promise.all(pending)) expect(isWorkerDied(e)).toBe(true);
    expect(await c.call((a) => a.echo(6))).toBe(6);
  });

  it('a worker that died while idle is noticed through the next call', async () => {
    const fake = fakeWorkers(api);
    const restarts: RestartEvent[] = [];
    client = new WorkerClient<Api>(fake.create, { heartbeat: HB });
    client.onRestart((e) => restarts.push(e));
    expect(await client.call((a) => a.echo(1))).toBe(1);
    fake.current().die();
    await advance(3000);
    expect(restarts).toEqual([]); // nothing was asked of it: nothing to notice yet
    const call = client.call((a) => a.echo(2)).catch((e: unknown) => e);
    await advance(HB.everyMs * 2 + HB.deadAfterMs + 100);
    expect(isWorkerDied(await call)).toBe(true);
    expect(restarts.map((r) => r.cause)).toEqual(['silent']);
    expect(await client.call((a) => a.echo(3))).toBe(3);
  });

  it('a worker that ends itself is noticed at once through its lifeline lock, busy or idle; its own restarts are not taken for deaths', async () => {
    const locks = new FakeLocks();
    const fake = fakeWorkers(api, locks);
    const crashes: string[] = [];
    const restarts: RestartEvent[] = [];
    client = new WorkerClient<Api>(fake.create, {
      onCrash: (m) => crashes.push(m),
      heartbeat: { ping: (a) => a.ping(), everyMs: 1000, deadAfterMs: 15_000 },
      locks: locks.agent(),
    });
    client.onRestart((e) => restarts.push(e));
    await flushMessages(); // the worker took its lock; the page waits for it
    const pending = client.call((a) => a.never()).catch((e: unknown) => e);
    await flushMessages();
    fake.current().die(); // self.close(): no error event, no answer
    await flushMessages();
    // No timer has run (fake timers stand still): the heartbeat's 15 s did not pass.
    const e = await pending;
    expect(isWorkerDied(e)).toBe(true);
    expect((e as Error).message).toBe('The compute worker stopped: it ended without an error.');
    expect(crashes).toEqual(['The compute worker stopped: it ended without an error.']);
    expect(restarts.map((r) => [r.cause, r.generation])).toEqual([['crash', 2]]);
    expect(await client.call((a) => a.echo(4))).toBe(4);

    // Idle: nothing was asked of it, yet its end is noticed and it is replaced.
    fake.current().die();
    await flushMessages();
    expect(client.workerGeneration).toBe(3);
    expect(crashes).toHaveLength(2);
    expect(await client.call((a) => a.echo(5))).toBe(5);

    // A restart of ours (a hard cancel) ends the worker too: that is not reported as a death.
    client.restart('newer settings');
    await flushMessages();
    expect(client.workerGeneration).toBe(4);
    expect(crashes).toHaveLength(2);
    expect(restarts.map((r) => r.cause)).toEqual(['crash', 'crash', 'cancel']);
    expect(await client.call((a) => a.echo(6))).toBe(6);
  });

  it('without a lock manager no lifeline is asked for: a worker ending itself is left to the heartbeat', async () => {
    const fake = fakeWorkers(api, new FakeLocks());
    const restarts: RestartEvent[] = [];
    client = new WorkerClient<Api>(fake.create, { heartbeat: HB, locks: null });
    client.onRestart((e) => restarts.push(e));
    await flushMessages();
    fake.current().die();
    await flushMessages();
    expect(restarts).toEqual([]);
    expect(client.workerGeneration).toBe(1);
  });

  it('a late timer (a throttled background tab) is not taken for silence', async () => {
    const fake = fakeWorkers(api);
    const restarts: RestartEvent[] = [];
    client = new WorkerClient<Api>(fake.create, { heartbeat: HB });
    client.onRestart((e) => restarts.push(e));
    const hanging = client.call((a) => a.never()).catch((e: unknown) => e);
    await advance(500);
    // The clock jumps a minute between two timer callbacks; the worker was alive all along.
    vi.setSystemTime(Date.now() + 60_000);
    await advance(500);
    expect(restarts).toEqual([]);
    expect(client.pendingCount).toBeGreaterThanOrEqual(1);
    void hanging;
  });

  it('each death by silence doubles the wait, up to the cap, so a slow worker is not killed forever', async () => {
    const fake = fakeWorkers(api);
    client = new WorkerClient<Api>(fake.create, {
      heartbeat: { ...HB, maxDeadAfterMs: 3000 },
    });
    expect(client.deadAfter).toBe(1000);
    for (const expected of [2000, 3000, 3000]) {
      const call = client.call((a) => a.never()).catch((e: unknown) => e);
      await advance(50);
      fake.current().freeze();
      await advance(client.deadAfter + 3 * HB.everyMs);
      expect(isWorkerDied(await call)).toBe(true);
      expect(client.deadAfter).toBe(expected);
    }
  });

  it('restart() is reported as a cancel, its calls rejected as cancelled', async () => {
    const fake = fakeWorkers(api);
    const restarts: RestartEvent[] = [];
    client = new WorkerClient<Api>(fake.create, { heartbeat: HB });
    client.onRestart((e) => restarts.push(e));
    const hanging = client.call((a) => a.never()).catch((e: unknown) => e);
    await flushMessages();
    client.restart('Cancelled by the user');
    expect(isCancelled(await hanging)).toBe(true);
    expect(restarts).toEqual([
      { cause: 'cancel', message: 'Cancelled by the user', generation: 2 },
    ]);
    // The heartbeat of the old worker is gone with it: no death is reported later.
    await advance(3000);
    expect(restarts).toHaveLength(1);
  });
});
