import { describe, expect, it } from 'vitest';
import { createSerial } from './serial';

/** A promise settled from outside. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending microtask (and the promise chains they start) run. */
const flush = () => new Promise<void>((r) => setTimeout(r, 0));

/** Records starts and finishes, and the most jobs ever running at once. */
function recorder() {
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  /** A job that starts, waits for `gate` (if any), then returns `name` or throws `fail`. */
  const job =
    (name: string, gate?: Promise<unknown>, fail?: Error) => async (): Promise<string> => {
      log.push(`start ${name}`);
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        await gate;
        if (fail) throw fail;
        return name;
      } finally {
        running--;
        log.push(`end ${name}`);
      }
    };
  return { log, job, maxRunning: () => maxRunning };
}

/** Settles a promise into a value we can compare: its value, or the error's name and message. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ ok: v }),
    (e: Error) => ({ err: e.name, message: e.message }),
  );

describe('exclusive', () => {
  it('runs one job at a time, in arrival order, each returning its own value', async () => {
    const { exclusive } = createSerial();
    const r = recorder();
    const g1 = deferred();
    const g2 = deferred();
    const g3 = deferred();
    const p1 = exclusive(r.job('a', g1.promise));
    const p2 = exclusive(r.job('b', g2.promise));
    const p3 = exclusive(r.job('c', g3.promise));
    await flush();
    expect(r.log).toEqual(['start a']);
    // Releasing the later jobs first changes nothing: they have not started.
    g3.resolve();
    g2.resolve();
    await flush();
    expect(r.log).toEqual(['start a']);
    g1.resolve();
    await expect(Promise.all([p1, p2, p3])).resolves.toEqual(['a', 'b', 'c']);
    expect(r.log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(r.maxRunning()).toBe(1);
  });

  it('passes a failing job’s error to its caller and goes on with the next job', async () => {
    const { exclusive } = createSerial();
    const r = recorder();
    const g = deferred();
    const boom = new Error('boom');
    const p1 = exclusive(r.job('a', g.promise, boom));
    const p2 = exclusive(r.job('b'));
    await flush();
    expect(r.log).toEqual(['start a']);
    g.resolve();
    await expect(p1).rejects.toBe(boom);
    await expect(p2).resolves.toBe('b');
    expect(r.log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('goes on after a job that throws synchronously, and after a rejected gate', async () => {
    const { exclusive } = createSerial();
    const r = recorder();
    const p1 = exclusive((): Promise<string> => {
      throw new TypeError('sync');
    });
    const g = deferred();
    const p2 = exclusive(r.job('b', g.promise));
    const p3 = exclusive(r.job('c'));
    await expect(p1).rejects.toThrow('sync');
    g.reject(new RangeError('gate'));
    await expect(p2).rejects.toBeInstanceOf(RangeError);
    await expect(p3).resolves.toBe('c');
    expect(r.log).toEqual(['start b', 'end b', 'start c', 'end c']);
  });

  it('a job queued after the queue has drained runs at once', async () => {
    const { exclusive } = createSerial();
    await exclusive(() => Promise.resolve(1));
    const r = recorder();
    const p = exclusive(r.job('late'));
    await flush();
    expect(r.log).toEqual(['start late', 'end late']);
    await expect(p).resolves.toBe('late');
  });

  it('each instance has its own queue', async () => {
    const one = createSerial();
    const two = createSerial();
    const r = recorder();
    const g = deferred();
    const p1 = one.exclusive(r.job('one', g.promise));
    const p2 = two.exclusive(r.job('two'));
    await expect(p2).resolves.toBe('two');
    expect(r.log).toEqual(['start one', 'start two', 'end two']);
    g.resolve();
    await expect(p1).resolves.toBe('one');
  });
});

describe('supersedable', () => {
  it('drops queued jobs of a channel that saw a newer request; the newest runs', async () => {
    const { supersedable } = createSerial();
    const r = recorder();
    const g = deferred();
    const running = supersedable('eval', r.job('a', g.promise));
    await flush(); // a has started
    const queued = [1, 2, 3].map((i) => supersedable('eval', r.job(`q${i}`)));
    await flush();
    expect(r.log).toEqual(['start a']);
    g.resolve();
    const results = await Promise.all([running, ...queued].map(outcome));
    // The running job is not interrupted; q1 and q2 were superseded by q3 before their turn.
    expect(results.map((o) => ('ok' in o ? o.ok : o.err))).toEqual([
      'a',
      'CancelledError',
      'CancelledError',
      'q3',
    ]);
    const cancelled = results[1] as { message: string };
    expect(cancelled.message).toContain('eval');
    // The superseded jobs' functions never ran.
    expect(r.log).toEqual(['start a', 'end a', 'start q3', 'end q3']);
  });

  it('even the first job is only checked at its turn: two requests in one tick run only the later', async () => {
    // The queue starts a job a microtask after it is asked for, so on an idle queue a second
    // request made synchronously after the first still supersedes it.
    const { supersedable } = createSerial();
    const r = recorder();
    const p1 = outcome(supersedable('c', r.job('first')));
    const p2 = outcome(supersedable('c', r.job('second')));
    expect(await p1).toMatchObject({ err: 'CancelledError' });
    expect(await p2).toEqual({ ok: 'second' });
    expect(r.log).toEqual(['start second', 'end second']);
  });

  it('the rejection is an Error named CancelledError', async () => {
    const { supersedable } = createSerial();
    const g = deferred();
    const first = supersedable('c', () => g.promise);
    await flush();
    const older = supersedable('c', () => Promise.resolve('never'));
    const newer = supersedable('c', () => Promise.resolve('newer'));
    g.resolve();
    await first;
    const e: unknown = await older.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe('CancelledError');
    await expect(newer).resolves.toBe('newer');
  });

  it('does not interrupt a running job when a newer request on its channel arrives', async () => {
    const { supersedable } = createSerial();
    const r = recorder();
    const g = deferred();
    const first = supersedable('c', r.job('first', g.promise));
    await flush();
    expect(r.log).toEqual(['start first']);
    const second = supersedable('c', r.job('second'));
    await flush();
    expect(r.log).toEqual(['start first']);
    g.resolve();
    await expect(first).resolves.toBe('first');
    await expect(second).resolves.toBe('second');
    expect(r.log).toEqual(['start first', 'end first', 'start second', 'end second']);
  });

  it('decides at the job’s turn, not when it is queued: a job whose turn came first runs', async () => {
    const { supersedable } = createSerial();
    const r = recorder();
    const gx = deferred();
    const gc = deferred();
    const x = supersedable('x', r.job('x', gx.promise));
    const c1 = supersedable('c', r.job('c1', gc.promise));
    gx.resolve();
    await x;
    await flush();
    // c1 has started; a newer c request now waits behind it and does not cancel it.
    expect(r.log).toEqual(['start x', 'end x', 'start c1']);
    const c2 = supersedable('c', r.job('c2'));
    gc.resolve();
    await expect(c1).resolves.toBe('c1');
    await expect(c2).resolves.toBe('c2');
  });

  it('channels do not supersede each other, but still run one at a time in arrival order', async () => {
    const { supersedable } = createSerial();
    const r = recorder();
    const g = deferred();
    const p0 = supersedable('a', r.job('a0', g.promise));
    await flush();
    const pa = supersedable('a', r.job('a1'));
    const pb = supersedable('b', r.job('b1'));
    const pc = supersedable('c', r.job('c1'));
    g.resolve();
    await expect(Promise.all([p0, pa, pb, pc])).resolves.toEqual(['a0', 'a1', 'b1', 'c1']);
    expect(r.log.filter((l) => l.startsWith('start'))).toEqual([
      'start a0',
      'start a1',
      'start b1',
      'start c1',
    ]);
    expect(r.maxRunning()).toBe(1);
  });

  it('with no channel it is plain exclusive: nothing is superseded', async () => {
    const { supersedable } = createSerial();
    const r = recorder();
    const g = deferred();
    const ps = ['u0', 'u1', 'u2', 'u3'].map((n, i) =>
      supersedable(undefined, r.job(n, i === 0 ? g.promise : undefined)),
    );
    g.resolve();
    await expect(Promise.all(ps)).resolves.toEqual(['u0', 'u1', 'u2', 'u3']);
    expect(r.maxRunning()).toBe(1);
  });

  it('shares the one queue with exclusive', async () => {
    const { exclusive, supersedable } = createSerial();
    const r = recorder();
    const g = deferred();
    const s1 = supersedable('c', r.job('s1', g.promise));
    await flush();
    const e1 = exclusive(r.job('e1'));
    const s2 = supersedable('c', r.job('s2'));
    const s3 = supersedable('c', r.job('s3'));
    await flush();
    expect(r.log).toEqual(['start s1']);
    g.resolve();
    const results = await Promise.all([s1, e1, s2, s3].map(outcome));
    expect(results.map((o) => ('ok' in o ? o.ok : o.err))).toEqual([
      's1',
      'e1',
      'CancelledError',
      's3',
    ]);
    expect(r.log).toEqual(['start s1', 'end s1', 'start e1', 'end e1', 'start s3', 'end s3']);
    expect(r.maxRunning()).toBe(1);
  });

  it('passes a job’s own error through with its name, and the queue goes on', async () => {
    const { supersedable } = createSerial();
    const r = recorder();
    const boom = new Error('boom');
    const p1 = supersedable('c', r.job('bad', undefined, boom));
    await expect(p1).rejects.toBe(boom);
    expect(boom.name).toBe('Error');
    await expect(supersedable('c', r.job('good'))).resolves.toBe('good');
    expect(r.log).toEqual(['start bad', 'end bad', 'start good', 'end good']);
  });

  it('a channel that was superseded earlier accepts new requests afterwards', async () => {
    const { supersedable } = createSerial();
    const g = deferred();
    const first = supersedable('c', () => g.promise.then(() => 'first'));
    await flush();
    const dropped = outcome(supersedable('c', () => Promise.resolve('dropped')));
    const kept = supersedable('c', () => Promise.resolve('kept'));
    g.resolve();
    await expect(first).resolves.toBe('first');
    expect(await dropped).toMatchObject({ err: 'CancelledError' });
    await expect(kept).resolves.toBe('kept');
    await expect(supersedable('c', () => Promise.resolve('again'))).resolves.toBe('again');
  });
});
