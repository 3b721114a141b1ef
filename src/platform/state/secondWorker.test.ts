import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecondWorker, hasSpareCore } from './secondWorker';
import type { BackendInfo } from '../worker/backend';

class FakeClient {
  pendingCount = 0;
  disposed = false;
  dispose() {
    this.disposed = true;
  }
}

describe('the second compute worker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A second worker with a core to spare, over fake clients, closed after 1 s unused. */
  const spare = () =>
    createSecondWorker(
      () => true,
      () => new FakeClient(),
      1000,
    );

  it('starts on first use and is the same worker while used', () => {
    const made: FakeClient[] = [];
    const w = createSecondWorker(
      () => true,
      () => {
        const c = new FakeClient();
        made.push(c);
        return c;
      },
      1000,
    );
    expect(w.started).toBe(false);
    const a = w.client();
    vi.advanceTimersByTime(900);
    expect(w.client()).toBe(a);
    vi.advanceTimersByTime(900);
    expect(w.client()).toBe(a);
    expect(made).toHaveLength(1);
    expect(a.disposed).toBe(false);
  });

  it('is closed after the idle time without a request, and a new one starts on the next', () => {
    const w = spare();
    const a = w.client();
    vi.advanceTimersByTime(1000);
    expect(a.disposed).toBe(true);
    expect(w.started).toBe(false);
    const b = w.client();
    expect(b).not.toBe(a);
    expect(b.disposed).toBe(false);
  });

  it('is not closed while a call is in flight', () => {
    const w = spare();
    const a = w.client();
    a.pendingCount = 1;
    vi.advanceTimersByTime(2500);
    expect(a.disposed).toBe(false);
    a.pendingCount = 0;
    vi.advanceTimersByTime(1000);
    expect(a.disposed).toBe(true);
  });

  it('a cancel closes it when busy, not when idle; the next use starts a new one', () => {
    const w = spare();
    w.cancel(); // not started: nothing to close
    expect(w.started).toBe(false);
    const a = w.client();
    w.cancel();
    expect(a.disposed).toBe(false);
    a.pendingCount = 1;
    w.cancel();
    expect(a.disposed).toBe(true);
    expect(w.started).toBe(false);
    const b = w.client();
    expect(b).not.toBe(a);
    // The closed worker's idle timer does not close the new one early.
    vi.advanceTimersByTime(900);
    expect(b.disposed).toBe(false);
  });

  it('says whether it is available as it is told', () => {
    let spare = false;
    const w = createSecondWorker(
      () => spare,
      () => new FakeClient(),
    );
    expect(w.available()).toBe(false);
    spare = true;
    expect(w.available()).toBe(true);
  });
});

describe('hasSpareCore', () => {
  const wasm = (threads: number): BackendInfo => ({
    name: 'wasm',
    simd: true,
    threads,
    crossOriginIsolated: true,
    tfjsVersion: '4.22.0',
    note: null,
  });
  it('holds for the wasm backend on one thread with a second core, and only then', () => {
    expect(hasSpareCore(wasm(1), 2)).toBe(true);
    expect(hasSpareCore(wasm(1), 1)).toBe(false);
    expect(hasSpareCore(wasm(3), 4)).toBe(false);
    expect(hasSpareCore({ ...wasm(1), name: 'cpu' }, 2)).toBe(false);
  });

  it('before the backend is reported, holds where it will run one thread', () => {
    // Two cores, isolated: one wasm thread (the page keeps the other core).
    expect(hasSpareCore(null, 2, true)).toBe(true);
    // Eight cores, isolated: seven threads, no core to spare.
    expect(hasSpareCore(null, 8, true)).toBe(false);
    // Not isolated: one thread however many cores.
    expect(hasSpareCore(null, 8, false)).toBe(true);
    expect(hasSpareCore(null, 1, false)).toBe(false);
  });
});
