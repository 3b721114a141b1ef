import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCancelled, WorkerClient } from './client';
import { FAKED_TIMERS, fakeWorkers, flushMessages } from './fakeWorker';

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

  it('an error event restarts the worker and reports it', async () => {
    const fake = fakeWorkers(api);
    const crashes: string[] = [];
    client = new WorkerClient<Api>(fake.create, { onCrash: (m) => crashes.push(m) });
    const hanging = client.call((a) => a.never()).catch((e: unknown) => e);
    fake.current().crash('');
    expect(isCancelled(await hanging)).toBe(true);
    expect(crashes).toEqual(['The compute worker crashed.']);
    expect(fake.workers).toHaveLength(2);
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
});
