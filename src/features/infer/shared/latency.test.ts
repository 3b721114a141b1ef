import { describe, expect, it } from 'vitest';
import { MAX_LATENCY_GROUP, calibrateGroup, groupedLatency, timeGroup } from './latency';

/** A fake clock that reads in `tick` ms steps, advanced by the calls it times. */
function coarseClock(tick: number) {
  let t = 0;
  return {
    advance: (ms: number) => (t += ms),
    now: () => Math.floor(t / tick) * tick,
  };
}

describe('batch-1 latency on a coarse clock', () => {
  it('reads a 21 µs call as 21 µs where one call timed alone reads 20 or 25', async () => {
    const clock = coarseClock(0.005);
    const images: number[] = [];
    const one = (i: number) => {
      images.push(i);
      clock.advance(0.021);
    };
    const alone: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = clock.now();
      one(i);
      alone.push(clock.now() - t0);
    }
    expect(new Set(alone.map((x) => Math.round(x * 1000)))).toEqual(new Set([20, 25]));
    images.length = 0;
    const r = await groupedLatency(one, 7, 10, clock.now);
    // About 0.5 ms of calls a group: 0.5 / 0.021 = 23.8, read on the coarse clock.
    expect(r.group).toBeGreaterThanOrEqual(23);
    expect(r.group).toBeLessThanOrEqual(25);
    expect(r.ms).toBeGreaterThan(0.0205);
    expect(r.ms).toBeLessThan(0.0215);
    // Successive images, wrapping around the images given.
    expect(images.slice(0, 9)).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 1]);
    expect(images.slice(-10 * r.group)).toHaveLength(10 * r.group);
  });

  it('sizes a group by the calls after a warm-up, and caps it', async () => {
    const clock = coarseClock(0.005);
    let calls = 0;
    // The first call is slow (a cold kernel), then 0.1 ms each.
    const next = () => clock.advance(calls++ < 1 ? 1 : 0.1);
    expect(await calibrateGroup(next, clock.now)).toBe(5);
    // A call the clock cannot see: the largest group.
    expect(await calibrateGroup(() => undefined, clock.now)).toBe(MAX_LATENCY_GROUP);
  });

  it('waits for calls that return a promise, and runs `before` untimed', async () => {
    const clock = coarseClock(0.005);
    const next = async () => {
      await Promise.resolve();
      clock.advance(0.3);
    };
    const before = () => clock.advance(10);
    const group = await calibrateGroup(next, clock.now, before);
    expect(group).toBe(2);
    const ms = await timeGroup(next, group, clock.now, before);
    expect(Math.abs(ms - 0.3)).toBeLessThanOrEqual(0.005 / group);
  });
});
