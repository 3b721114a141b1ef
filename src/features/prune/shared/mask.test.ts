import { describe, expect, it } from 'vitest';
import {
  applyMask,
  checkSparsity,
  countKept,
  intersectMasks,
  maskSparsity,
  pruneCount,
} from './mask';

describe('pruneCount (torch _compute_nparams_toprune: Python round, half to even)', () => {
  it.each([
    [0, 10, 0],
    [1, 10, 10],
    [0.5, 5, 2], // 2.5 → 2
    [0.5, 7, 4], // 3.5 → 4
    [0.3, 5, 2], // 1.5 → 2
    [0.1, 5, 0], // 0.5 → 0
    [0.7, 5, 4], // 3.5 → 4
    [0.9, 266200, 239580],
    [0.25, 0, 0],
  ])('sparsity %f of %i weights prunes %i', (s, n, k) => {
    expect(pruneCount(s, n)).toBe(k);
  });

  it('rejects sparsities outside [0, 1] and bad counts', () => {
    for (const s of [-0.01, 1.01, NaN]) expect(() => checkSparsity(s)).toThrow(RangeError);
    expect(() => pruneCount(0.5, -1)).toThrow(RangeError);
    expect(() => pruneCount(0.5, 2.5)).toThrow(RangeError);
  });
});

describe('mask helpers', () => {
  it('counts, measures, applies and intersects masks', () => {
    const m = Uint8Array.of(1, 0, 1, 0);
    expect(countKept(m)).toBe(2);
    expect(maskSparsity(m)).toBe(0.5);
    expect(maskSparsity(new Uint8Array(0))).toBe(0);
    const w = Float32Array.of(1, -2, 3, -4);
    expect(Array.from(applyMask(w, m))).toEqual([1, 0, 3, 0]);
    expect(Object.is(applyMask(w, m)[1], 0)).toBe(true); // +0, not −0
    expect(Array.from(intersectMasks(m, Uint8Array.of(1, 1, 0, 0)))).toEqual([1, 0, 0, 0]);
    expect(() => applyMask(w, Uint8Array.of(1))).toThrow(RangeError);
  });
});
