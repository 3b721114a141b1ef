import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_BYTES,
  MAX_BYTES_EACH,
  MAX_KINDS,
  MIN_BYTES,
  clearTouchedArrays,
  resetTouchedArrayStats,
  touchedArrayStats,
  touchedFloat32,
  touchedInt32,
  touchedUint8,
} from './touchedArrays';

/** Lets the stash's refill tasks run (one array per task). */
const idle = async (tasks = 20) => {
  for (let i = 0; i < tasks; i++) await new Promise((r) => setTimeout(r, 0));
};

const N = 235_200; // fashion-mlp's first layer

afterEach(() => {
  clearTouchedArrays();
  resetTouchedArrayStats();
});

describe('touched arrays', () => {
  it('answers a repeated length from the stash once the worker was idle, zero-filled, never the same array twice', async () => {
    clearTouchedArrays();
    resetTouchedArrayStats();
    const seen = new Set<Float32Array>();
    const first = touchedFloat32(N);
    seen.add(first);
    expect(touchedArrayStats()).toMatchObject({ hits: 0, misses: 1 });
    for (let step = 0; step < 5; step++) {
      await idle();
      const a = touchedFloat32(N);
      expect(a).toBeInstanceOf(Float32Array);
      expect(a.length).toBe(N);
      expect(a.every((v) => v === 0)).toBe(true);
      expect(seen.has(a)).toBe(false);
      seen.add(a);
      // What the caller writes stays its own: the next one is a different, zeroed array.
      a.fill(7);
    }
    expect(touchedArrayStats()).toMatchObject({ hits: 5, misses: 1 });
  });

  it('keeps kinds apart: a Float32Array request is not answered with an Int32Array of the same length', async () => {
    touchedFloat32(N);
    touchedInt32(N);
    touchedUint8(N);
    await idle();
    const f = touchedFloat32(N);
    const i = touchedInt32(N);
    const u = touchedUint8(N);
    expect(f).toBeInstanceOf(Float32Array);
    expect(i).toBeInstanceOf(Int32Array);
    expect(u).toBeInstanceOf(Uint8Array);
    expect(touchedArrayStats()).toMatchObject({ hits: 3, misses: 3 });
  });

  it('leaves small arrays to new: nothing is kept for them', async () => {
    const small = MIN_BYTES / 4 - 1;
    touchedFloat32(small);
    await idle();
    expect(touchedFloat32(small).length).toBe(small);
    expect(touchedArrayStats()).toMatchObject({ hits: 0, made: 0, ready: 0 });
  });

  it('keeps arrays for the most recently asked lengths only, and clear drops them', async () => {
    for (let k = 0; k < MAX_KINDS + 4; k++) touchedFloat32(N + k);
    await idle(40);
    const { made, ready } = touchedArrayStats();
    expect(made).toBe(MAX_KINDS);
    expect(ready).toBe(
      Array.from({ length: MAX_KINDS }, (_, j) => 4 * (N + 4 + j)).reduce((a, b) => a + b, 0),
    );
    // The oldest lengths were forgotten: a miss; the newest are hits.
    resetTouchedArrayStats();
    touchedFloat32(N + MAX_KINDS + 3);
    touchedFloat32(N);
    expect(touchedArrayStats()).toMatchObject({ hits: 1, misses: 1 });
    clearTouchedArrays();
    expect(touchedArrayStats().ready).toBe(0);
  });

  it('stays within its byte bound by dropping the arrays asked for longest ago, so the newest length is always made ready', async () => {
    // Lengths of 11 MB each: two fit in the bound, a third pushes out the oldest.
    const n = (11 * 1024 * 1024) / 4;
    expect(4 * n).toBeLessThanOrEqual(MAX_BYTES_EACH);
    for (const k of [0, 1, 2]) {
      touchedFloat32(n + k);
      await idle();
    }
    // One array made per request, none made over again (lengths displacing each other).
    expect(touchedArrayStats()).toMatchObject({ made: 3 });
    expect(touchedArrayStats().ready).toBeLessThanOrEqual(MAX_BYTES);
    resetTouchedArrayStats();
    // The newest length is ready, and the oldest is what made room for it.
    touchedFloat32(n + 2);
    expect(touchedArrayStats()).toMatchObject({ hits: 1, misses: 0 });
    touchedFloat32(n);
    expect(touchedArrayStats()).toMatchObject({ hits: 1, misses: 1 });
  });
});
