import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binarize, ternarize } from './binary';
import { distinctLevelsPerChannel } from './sqnr';

const f32 = (xs: number[]) => Float32Array.from(xs);

describe('binarize (α·sign(w), α = mean|w|)', () => {
  it('scales signs by the mean magnitude, with sign(0) = +1', () => {
    const t = binarize(f32([0.5, -1.5, 0, 2]), [4], { perChannel: false });
    expect(t.scale[0]).toBe(1);
    expect(Array.from(t.codes)).toEqual([1, -1, 1, 1]);
    expect(Array.from(t.values)).toEqual([1, -1, 1, 1]);
    expect([t.qmin, t.qmax, t.zeroPoint[0], t.clipMin[0], t.clipMax[0]]).toEqual([-1, 1, 0, -1, 1]);
  });

  it('uses one α per output channel of a Dense [in, out] kernel', () => {
    // [2, 2]: channel 0 = {1, −3}, channel 1 = {−0.25, 0.75}.
    const t = binarize(f32([1, -0.25, -3, 0.75]), [2, 2], { perChannel: true });
    expect(t.axis).toBe(1);
    expect(Array.from(t.scale)).toEqual([2, 0.5]);
    expect(Array.from(t.values)).toEqual([2, -0.5, -2, 0.5]);
  });

  it('gives an all-zero tensor α = 0', () => {
    const t = binarize(new Float32Array(4), [4], { perChannel: false });
    expect(Array.from(t.values)).toEqual([0, 0, 0, 0]);
  });

  it('has at most 2 levels per channel', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 6, maxLength: 6, noNaN: true, noDefaultInfinity: true }),
        (w) => {
          const t = binarize(w, [2, 3], { perChannel: true });
          for (const n of distinctLevelsPerChannel(t.values, 3)) expect(n).toBeLessThanOrEqual(2);
        },
      ),
    );
  });
});

describe('ternarize (TWN)', () => {
  it('zeroes |w| ≤ 0.7·mean|w| and scales the rest by their mean magnitude', () => {
    // mean|w| = 3.65/5 = 0.73, Δ = 0.511: only 1 and −2 survive, α = 1.5.
    const t = ternarize(f32([0.1, -0.5, 1, -2, 0.05]), [5], { perChannel: false });
    expect(t.scale[0]).toBe(1.5);
    expect(Array.from(t.codes)).toEqual([0, 0, 1, -1, 0]);
    expect(Array.from(t.values)).toEqual([0, 0, 1.5, -1.5, 0]);
  });

  it('gives a zero channel α = 0 and all zeros', () => {
    const t = ternarize(f32([0, 2, 0, -2]), [2, 2], { perChannel: true });
    expect(Array.from(t.scale)).toEqual([0, 2]);
    expect(Array.from(t.values)).toEqual([0, 2, 0, -2]);
  });

  it('has at most 3 levels per channel, symmetric about 0', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 12, maxLength: 12, noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        (w, perChannel) => {
          const t = ternarize(w, [3, 4], { perChannel });
          for (const n of distinctLevelsPerChannel(t.values, 4)) expect(n).toBeLessThanOrEqual(3);
          for (let i = 0; i < w.length; i++) {
            expect(Math.abs(t.values[i]!)).toBe(
              t.codes[i] === 0 ? 0 : t.scale[perChannel ? i % 4 : 0],
            );
          }
        },
      ),
    );
  });
});
