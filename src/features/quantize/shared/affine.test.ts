import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fakeQuantize,
  fakeQuantizePerChannel,
  fakeQuantizePerTensor,
  quantizeUniform,
} from './affine';
import { minMaxPerChannel } from './channels';
import { roundHalfEven } from './rounding';
import { computeQParams, FLOAT32_EPS, type QParams, type QScheme } from './qparams';
import { distinctLevels, distinctLevelsPerChannel } from './sqnr';
import type { QuantizedTensor } from './types';

const f32 = (xs: number[]) => Float32Array.from(xs);
const qparamsOf = (t: QuantizedTensor): QParams[] =>
  Array.from(t.scale, (scale, c) => ({
    scale,
    zeroPoint: t.zeroPoint[c]!,
    qmin: t.qmin,
    qmax: t.qmax,
  }));

describe('fakeQuantize, hand-computed', () => {
  it('rounds ties to even: scale 1, symmetric 4-bit', () => {
    const qp = computeQParams(-7, 7, 4, 'symmetric');
    expect(qp.scale).toBe(1);
    const { values, codes } = fakeQuantizePerTensor(
      f32([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 6.5, 7.5, -9]),
      qp,
    );
    expect(Array.from(codes)).toEqual([0, 2, 2, 0, -2, -2, 6, 7, -7]);
    expect(Array.from(values)).toEqual([0, 2, 2, 0, -2, -2, 6, 7, -7]);
  });

  it('rounds ties to even on an affine grid: scale 0.5, zeroPoint 3', () => {
    const qp = computeQParams(-1.5, 6, 4, 'affine');
    const { values, codes } = fakeQuantizePerTensor(f32([0.25, 0.75, -0.25, -1.25, 6, 7]), qp);
    // x/scale = 0.5, 1.5, −0.5, −2.5 → 0, 2, −0, −2; plus zeroPoint 3; 7 clips to qmax.
    expect(Array.from(codes)).toEqual([3, 5, 3, 1, 15, 15]);
    expect(Array.from(values)).toEqual([0, 1, 0, -1, 6, 6]);
  });

  it('represents the constant of a min = max tensor within half a step', () => {
    const t = quantizeUniform(f32([0.3, 0.3, 0.3]), [3], {
      bits: 8,
      scheme: 'affine',
      perChannel: false,
    });
    expect(Array.from(t.codes)).toEqual([255, 255, 255]);
    expect(Math.abs(t.values[0]! - Math.fround(0.3))).toBeLessThanOrEqual(t.scale[0]! / 2);
    expect(t.clipMin[0]).toBe(0);
  });

  it('maps an all-zero tensor to zeros with scale eps', () => {
    for (const scheme of ['affine', 'symmetric'] as const) {
      const t = quantizeUniform(new Float32Array(6), [2, 3], { bits: 4, scheme, perChannel: true });
      expect(Array.from(t.values)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(Array.from(t.scale)).toEqual([FLOAT32_EPS, FLOAT32_EPS, FLOAT32_EPS]);
      expect(Array.from(t.zeroPoint)).toEqual([0, 0, 0]);
    }
  });

  it('includes 0 in the range of one-signed tensors', () => {
    const pos = quantizeUniform(f32([1, 2, 3]), [3], {
      bits: 2,
      scheme: 'affine',
      perChannel: false,
    });
    expect(Array.from(pos.values)).toEqual([1, 2, 3]);
    expect([pos.clipMin[0], pos.clipMax[0]]).toEqual([0, 3]);
    const neg = quantizeUniform(f32([-3, -2.4, -1]), [3], {
      bits: 2,
      scheme: 'affine',
      perChannel: false,
    });
    expect(Array.from(neg.values)).toEqual([-3, -2, -1]);
    expect([neg.clipMin[0], neg.clipMax[0], neg.zeroPoint[0]]).toEqual([-3, 0, 3]);
  });

  it('2-bit affine has 4 levels; 2-bit symmetric is ternary {−1, 0, 1}·max|x|', () => {
    const x = f32([-1, -0.4, 0, 0.6, 1.2, 2]);
    const affine = quantizeUniform(x, [6], { bits: 2, scheme: 'affine', perChannel: false });
    expect(Array.from(affine.values)).toEqual([-1, 0, 0, 1, 1, 2]); // 0.6 → code 1.6 → 2 → 1
    const sym = quantizeUniform(x, [6], { bits: 2, scheme: 'symmetric', perChannel: false });
    // scale = max|x| = 2; −1/2 = −0.5 is a tie and rounds to 0 (even), 1.2/2 = 0.6 → 1.
    expect(Array.from(sym.codes)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(Array.from(sym.values)).toEqual([0, 0, 0, 0, 2, 2]);
  });

  it('computes one scale per output channel of a Dense [in, out] kernel (last axis)', () => {
    // Row-major [2, 3]: channel c holds indices c and c + 3.
    const w = f32([1, 10, -1, -1, -10, 2]);
    const t = quantizeUniform(w, [2, 3], { bits: 8, scheme: 'symmetric', perChannel: true });
    expect(t.axis).toBe(1);
    expect(Array.from(t.scale)).toEqual([1, 10, 2].map((m) => Math.fround(m / 127)));
    expect(Array.from(t.codes)).toEqual([127, 127, -64, -127, -127, 127]); // −1/(2/127) = −63.5 → −64
    const perTensor = quantizeUniform(w, [2, 3], {
      bits: 8,
      scheme: 'symmetric',
      perChannel: false,
    });
    expect(perTensor.axis).toBeNull();
    expect(Array.from(perTensor.scale)).toEqual([Math.fround(10 / 127)]);
  });

  it('computes one scale per output channel of a Conv2D [kh, kw, in, out] kernel (last axis)', () => {
    const shape = [2, 2, 1, 3];
    const w = new Float32Array(12);
    for (let i = 0; i < 12; i++)
      w[i] = (i % 3 === 1 ? -1 : 1) * ((i % 3) + 1) * (1 + Math.floor(i / 3));
    // Channel 0: 1..4, channel 1: −2..−8, channel 2: 3..12.
    const t = quantizeUniform(w, shape, { bits: 8, scheme: 'affine', perChannel: true });
    expect(t.axis).toBe(3);
    expect(Array.from(t.scale)).toEqual([4, 8, 12].map((m) => Math.fround(m / 255)));
    expect(Array.from(t.zeroPoint)).toEqual([0, 255, 0]);
    expect(Array.from(t.clipMin)).toEqual([0, Math.fround(-255 * Math.fround(8 / 255)), 0]);
  });

  it('rejects a shape that does not match the data', () => {
    expect(() =>
      quantizeUniform(new Float32Array(5), [2, 3], { bits: 8, scheme: 'affine', perChannel: true }),
    ).toThrow(RangeError);
  });

  it('propagates NaN and clips ±Infinity', () => {
    const qp = computeQParams(-1, 1, 8, 'symmetric');
    const { values } = fakeQuantizePerTensor(f32([NaN, Infinity, -Infinity]), qp);
    expect(Number.isNaN(values[0])).toBe(true);
    expect([values[1], values[2]]).toEqual([1, -1]);
  });
});

const scheme = fc.constantFrom<QScheme>('affine', 'symmetric');
const bits = fc.integer({ min: 2, max: 8 });
/** A kernel [inputs, outputs] with values in ±1000 (including subnormals and exact zeros). */
const kernel = fc
  .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }))
  .chain(([rows, cols]) =>
    fc
      .array(fc.oneof(fc.float({ min: -1000, max: 1000, noNaN: true }), fc.constant(0)), {
        minLength: rows * cols,
        maxLength: rows * cols,
      })
      .map((xs) => ({ shape: [rows, cols], x: Float32Array.from(xs) })),
  );

describe('fakeQuantize, properties', () => {
  it('uses at most 2^b levels per channel (2^b − 1 for symmetric)', () => {
    fc.assert(
      fc.property(kernel, bits, scheme, fc.boolean(), ({ shape, x }, b, s, perChannel) => {
        const t = quantizeUniform(x, shape, { bits: b, scheme: s, perChannel });
        const max = s === 'affine' ? 2 ** b : 2 ** b - 1;
        expect(distinctLevels(t.values)).toBeLessThanOrEqual(perChannel ? max * shape[1]! : max);
        for (const n of distinctLevelsPerChannel(t.values, t.scale.length))
          expect(n).toBeLessThanOrEqual(max);
      }),
    );
  });

  it('is idempotent with the same qparams', () => {
    fc.assert(
      fc.property(kernel, bits, scheme, fc.boolean(), ({ shape, x }, b, s, perChannel) => {
        const t = quantizeUniform(x, shape, { bits: b, scheme: s, perChannel });
        const again = fakeQuantize(t.values, qparamsOf(t));
        expect(again.values).toEqual(t.values);
        expect(again.codes).toEqual(t.codes);
      }),
    );
  });

  it('errs by at most scale/2 inside the clip range, and decodes codes exactly', () => {
    fc.assert(
      fc.property(kernel, bits, scheme, fc.boolean(), ({ shape, x }, b, s, perChannel) => {
        const t = quantizeUniform(x, shape, { bits: b, scheme: s, perChannel });
        const channels = t.scale.length;
        for (let i = 0; i < x.length; i++) {
          const c = i % channels;
          const scale = t.scale[c]!;
          const code = t.codes[i]!;
          expect(code).toBeGreaterThanOrEqual(t.qmin);
          expect(code).toBeLessThanOrEqual(t.qmax);
          expect(t.values[i]).toBe(Math.fround((code - t.zeroPoint[c]!) * scale));
          const v = x[i]!;
          if (v >= t.clipMin[c]! && v <= t.clipMax[c]!) {
            // float32 rounding of x·(1/scale) and of the product: a few ulps of |x| and scale.
            const tol = Math.abs(v) * 2 ** -21 + scale * 2 ** -20;
            expect(Math.abs(v - t.values[i]!)).toBeLessThanOrEqual(scale / 2 + tol);
          }
        }
      }),
    );
  });

  it('keeps 0 exact', () => {
    fc.assert(
      fc.property(kernel, bits, scheme, ({ shape, x }, b, s) => {
        const t = quantizeUniform(x, shape, { bits: b, scheme: s, perChannel: true });
        const zero = fakeQuantizePerChannel(new Float32Array(x.length), qparamsOf(t));
        expect(Array.from(zero.values).every((v) => v === 0)).toBe(true);
      }),
    );
  });
});

describe('stochastic rounding', () => {
  const qp = computeQParams(-7, 7, 4, 'symmetric'); // scale 1

  it('is reproducible for a seed and varies across seeds', () => {
    const x = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i) * 6);
    const a = fakeQuantizePerTensor(x, qp, { rounding: 'stochastic', seed: 9 });
    const b = fakeQuantizePerTensor(x, qp, { rounding: 'stochastic', seed: 9 });
    const c = fakeQuantizePerTensor(x, qp, { rounding: 'stochastic', seed: 10 });
    expect(b.values).toEqual(a.values);
    expect(c.values).not.toEqual(a.values);
  });

  it('rounds to a neighbouring level only', () => {
    const x = Float32Array.from({ length: 500 }, (_, i) => Math.cos(i * 0.7) * 6.9);
    const { values } = fakeQuantizePerTensor(x, qp, { rounding: 'stochastic', seed: 1 });
    for (let i = 0; i < x.length; i++) {
      expect(values[i] === Math.floor(x[i]!) || values[i] === Math.ceil(x[i]!)).toBe(true);
    }
  });

  it('is unbiased in expectation (fixed seed, 5σ)', () => {
    const n = 50_000;
    for (const v of [0.3, -2.8, 4.5]) {
      const { values } = fakeQuantizePerTensor(new Float32Array(n).fill(v), qp, {
        rounding: 'stochastic',
        seed: 2024,
      });
      let sum = 0;
      for (const y of values) sum += y;
      const f = Math.fround(v) - Math.floor(v);
      expect(Math.abs(sum / n - Math.fround(v))).toBeLessThan(5 * Math.sqrt((f * (1 - f)) / n));
    }
  });

  it('is unbiased for any x inside the range (fixed seed, 6σ)', () => {
    fc.assert(
      fc.property(fc.float({ min: Math.fround(-6.9), max: Math.fround(6.9), noNaN: true }), (v) => {
        const n = 4000;
        const { values } = fakeQuantizePerTensor(new Float32Array(n).fill(v), qp, {
          rounding: 'stochastic',
          seed: 77,
        });
        let sum = 0;
        for (const y of values) sum += y;
        // |mean − v| ≤ 6σ, σ ≤ 0.5/√n.
        expect(Math.abs(sum / n - v)).toBeLessThanOrEqual(6 * (0.5 / Math.sqrt(n)) + 1e-9);
      }),
      { numRuns: 50 },
    );
  });

  it('rounds exactly as roundHalfEven then clamps, for any float32 including huge and ±∞', () => {
    const qp: QParams = { scale: 1, zeroPoint: 3, qmin: -32768, qmax: 32767 };
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.float({ noNaN: true }),
            fc.integer({ min: -40000, max: 40000 }).map((k) => k + 0.5),
            fc.float({ noNaN: true, min: -40000, max: 40000 }),
          ),
          { maxLength: 50 },
        ),
        (xs) => {
          const x = Float32Array.from(xs);
          const { codes, values } = fakeQuantize(x, [qp]);
          x.forEach((v, i) => {
            const q = Math.min(Math.max(roundHalfEven(v) + qp.zeroPoint, qp.qmin), qp.qmax);
            expect(codes[i]).toBe(q);
            expect(values[i]).toBe(Math.fround(q - qp.zeroPoint));
          });
        },
      ),
    );
  });
});

describe('fakeQuantize, per-channel loops', () => {
  // The formula of the module's header, one element at a time: what the row-by-row loops must
  // reproduce bit for bit, including a last row shorter than the channel count and channels with
  // code ranges of their own.
  const reference = (x: Float32Array, qps: readonly QParams[]) => {
    const codes = new Int32Array(x.length);
    const values = new Float32Array(x.length);
    x.forEach((v, i) => {
      const qp = qps[i % qps.length]!;
      let q = roundHalfEven(Math.fround(v * Math.fround(1 / qp.scale))) + qp.zeroPoint;
      q = Math.min(Math.max(q, qp.qmin), qp.qmax);
      codes[i] = Number.isNaN(q) ? 0 : q;
      values[i] = (q - qp.zeroPoint) * qp.scale;
    });
    return { codes, values };
  };
  const qparam = fc
    .record({
      scale: fc.float({ min: Math.fround(1e-4), max: 10, noNaN: true }),
      zeroPoint: fc.integer({ min: -8, max: 8 }),
      qmin: fc.integer({ min: -128, max: -1 }),
      span: fc.integer({ min: 1, max: 255 }),
    })
    .map(({ scale, zeroPoint, qmin, span }) => ({ scale, zeroPoint, qmin, qmax: qmin + span }));

  it('equals the per-element formula, with or without one code range for every channel', () => {
    fc.assert(
      fc.property(
        fc.array(qparam, { minLength: 2, maxLength: 7 }),
        fc.boolean(),
        fc.array(fc.float({ min: -300, max: 300 }), { maxLength: 60 }),
        (qps, oneRange, xs) => {
          const ps = oneRange ? qps.map((p) => ({ ...p, qmin: -128, qmax: 127 })) : qps;
          const x = Float32Array.from(xs);
          const got = fakeQuantize(x, ps);
          const want = reference(x, ps);
          expect(Array.from(got.codes)).toEqual(Array.from(want.codes));
          expect(Array.from(got.values)).toEqual(Array.from(want.values));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('quantizeUniform with the ranges given', () => {
  it('is the same quantization as with the ranges it observes, per tensor and per channel', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.boolean(),
        fc.constantFrom<QScheme>('symmetric', 'affine'),
        fc.integer({ min: 2, max: 8 }),
        (xs, perChannel, scheme, bits) => {
          const w = Float32Array.from(xs);
          const shape = [4, 3];
          const config = { bits, scheme, perChannel };
          const ranges = minMaxPerChannel(w, perChannel ? 3 : 1);
          expect(quantizeUniform(w, shape, config, ranges)).toEqual(
            quantizeUniform(w, shape, config),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses ranges of another channel count', () => {
    const w = new Float32Array(12);
    expect(() =>
      quantizeUniform(
        w,
        [4, 3],
        { bits: 8, scheme: 'affine', perChannel: true },
        minMaxPerChannel(w, 1),
      ),
    ).toThrow(RangeError);
  });
});

describe('fakeQuantize on arrays kept ready (platform/shared/touchedArrays.ts)', () => {
  it('a large layer quantized again after an idle moment gets new arrays: the first result is untouched and each equals a fresh computation', async () => {
    const n = 100_000; // above the stash's 64 KB floor
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.8);
    const qp = (bits: number) => [computeQParams(-0.8, 0.8, bits, 'symmetric')];
    const first = fakeQuantize(x, qp(8));
    const kept = { values: first.values.slice(), codes: first.codes.slice() };
    const idle = async () => {
      for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
    };
    for (const bits of [4, 2, 6]) {
      await idle();
      const again = fakeQuantize(x, qp(bits));
      expect(again.values).not.toBe(first.values);
      expect(again.values.buffer).not.toBe(first.values.buffer);
      expect(again.codes.buffer).not.toBe(first.codes.buffer);
      expect(first.values).toEqual(kept.values);
      expect(first.codes).toEqual(kept.codes);
      // The same figures as on brand-new arrays: every element written.
      const p = qp(bits)[0]!;
      for (let i = 0; i < n; i += 997) {
        const q = Math.min(
          p.qmax,
          Math.max(
            p.qmin,
            roundHalfEven(Math.fround(x[i]! * Math.fround(1 / p.scale))) + p.zeroPoint,
          ),
        );
        expect(again.codes[i]).toBe(q);
        expect(again.values[i]).toBe(Math.fround((q - p.zeroPoint) * p.scale));
      }
    }
  });
});
