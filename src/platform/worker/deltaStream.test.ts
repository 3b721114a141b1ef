import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeltaStream } from './deltaStream';

describe('DeltaStream', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first point at once, then at most one delta per interval, each point once', async () => {
    const sent: { at: number; delta: number[] }[] = [];
    const stream = new DeltaStream<number>(
      (delta) => sent.push({ at: Date.now(), delta }),
      100,
      () => Date.now(),
    );
    const start = Date.now();
    // A point every 7 ms for a second.
    for (let i = 0; i < 143; i++) {
      stream.push(i);
      await vi.advanceTimersByTimeAsync(7);
    }
    await stream.drain();
    expect(sent[0]).toEqual({ at: start, delta: [0] });
    expect(sent.flatMap((s) => s.delta)).toEqual([...Array(143).keys()]);
    for (let i = 1; i < sent.length; i++)
      expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(100);
    expect(sent.length).toBeLessThanOrEqual(11);
  });

  it('does not hold the last points until the next push', async () => {
    const sent: number[][] = [];
    const stream = new DeltaStream<number>(
      (d) => sent.push(d),
      100,
      () => Date.now(),
    );
    stream.push(1);
    stream.push(2);
    stream.push(3);
    expect(sent).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toEqual([[1], [2, 3]]);
  });

  it('drain waits for every delivery; close drops the rest; a failing receiver is ignored', async () => {
    const received: number[][] = [];
    const stream = new DeltaStream<number>(
      (d) =>
        new Promise<void>((resolve, reject) =>
          setTimeout(() => {
            if (d.includes(1)) reject(new Error('gone'));
            else {
              received.push(d);
              resolve();
            }
          }, 5),
        ),
      100,
      () => Date.now(),
    );
    stream.push(1); // rejected by the receiver: no unhandled rejection, nothing breaks
    stream.push(2);
    const drained = stream.drain();
    await vi.advanceTimersByTimeAsync(5);
    await drained;
    expect(received).toEqual([[2]]);
    stream.push(3);
    stream.close();
    stream.push(4);
    await vi.advanceTimersByTimeAsync(500);
    expect(received).toEqual([[2]]);
  });
});
