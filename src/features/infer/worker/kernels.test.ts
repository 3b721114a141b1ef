import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { fixedPointMultipliers, packWeights } from '../shared/plan';
import { instantiateKernels } from './kernels';
import type { IntKernels } from './kernels';

/**
 * The WebAssembly kernels against plain-JS references on random data: every int32 accumulator
 * exact, every requantized code equal to the exact rational rounding, pooling and packing exact,
 * tails of rows (N not a multiple of 4) and of row pairs (odd M) included.
 */
let k: IntKernels;
const rand = mulberry32(12345);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

beforeAll(async () => {
  k = await instantiateKernels(readFileSync(new URL('./intkernels.wasm', import.meta.url)));
});

/** Random uint8 codes x[m][k], int8 codes w[n][k] (and packed), bias, zero-points (np long). */
function problem(m: number, kk: number, n: number, affine: boolean) {
  const kp = Math.ceil(kk / 2) * 2;
  const np = Math.ceil(n / 8) * 8;
  const x = Uint8Array.from({ length: m * kk }, () => int(0, 255));
  const zx = int(0, 255);
  const w = Int8Array.from({ length: n * kk }, () => int(-128, 127));
  const wzp = affine
    ? Int32Array.from({ length: np }, (_, j) => (j < n ? int(-128, 127) : 0))
    : null;
  const bias = Int32Array.from({ length: np }, (_, j) => (j < n ? int(-100000, 100000) : 0));
  return { m, kk, kp, n, np, x, zx, w, packed: packWeights(w, n, kk), wzp, bias };
}

/** Σ_k (x − zx)(w − wzp) + bias, exactly (the magnitudes stay far below 2^53). */
function reference(p: ReturnType<typeof problem>): Int32Array {
  const out = new Int32Array(p.m * p.n);
  for (let r = 0; r < p.m; r++)
    for (let j = 0; j < p.n; j++) {
      let s = p.bias[j]!;
      for (let i = 0; i < p.kk; i++)
        s += (p.x[r * p.kk + i]! - p.zx) * (p.w[j * p.kk + i]! - (p.wzp?.[j] ?? 0));
      out[r * p.n + j] = s;
    }
  return out;
}

function packed(p: ReturnType<typeof problem>) {
  const x = k.put(p.x);
  const a = k.alloc(p.m * p.kp * 2);
  const rowsum = k.alloc(p.m * 4);
  k.fn.ik_pack_rows(x, p.m, p.kk, p.kp, p.zx, a, rowsum);
  return { a, rowsum };
}

describe('integer GEMM (i32x4.dot_i16x8_s)', () => {
  it('packs rows: x − zx widened to int16, zero-padded, with exact row sums', () => {
    const p = problem(5, 21, 3, false);
    k.scoped(() => {
      const { a, rowsum } = packed(p);
      const A = k.i16(a, p.m * p.kp);
      const sums = k.i32(rowsum, p.m);
      for (let r = 0; r < p.m; r++) {
        let s = 0;
        for (let i = 0; i < p.kp; i++) {
          const want = i < p.kk ? p.x[r * p.kk + i]! - p.zx : 0;
          expect(A[r * p.kp + i]).toBe(want);
          s += want;
        }
        expect(sums[r]).toBe(s);
      }
    });
  });

  it('gives exact int32 accumulators, symmetric and affine weights, any M, K, N', () => {
    for (const [m, kk, n, affine] of [
      [1, 8, 4, false],
      [2, 784, 300, false],
      [7, 25, 6, true],
      [3, 100, 10, true],
      [33, 400, 32, false],
      [4, 801, 13, true],
    ] as const) {
      const p = problem(m, kk, n, affine);
      k.scoped(() => {
        const { a, rowsum } = packed(p);
        const w = k.put(p.packed);
        const wzp = p.wzp ? k.put(p.wzp) : 0;
        const bias = k.put(p.bias);
        const out = k.alloc(m * n * 4);
        k.fn.ik_gemm_acc(a, rowsum, m, p.kp, w, wzp, n, bias, out);
        expect(Array.from(k.i32(out, m * n))).toEqual(Array.from(reference(p)));
      });
    }
  });

  it('requantizes as (acc·M0 + offset) >> shift (bias and half a step in the offset), plus the zero-point, clamped (ReLU)', () => {
    const p = problem(9, 120, 10, true);
    // The int32 bias of ik_gemm_acc is tested above; here the bias travels in the 64-bit offset.
    const acc = reference({ ...p, bias: new Int32Array(p.np) });
    // Per-channel multipliers around 2^-12, one shift for the layer.
    const real = Float64Array.from({ length: p.n }, () => (0.5 + rand()) * 2 ** -12);
    const { mult, shift } = fixedPointMultipliers(real);
    const multP = new Int32Array(p.np);
    multP.set(mult);
    const offs = BigInt64Array.from({ length: p.np }, (_, j) =>
      j < p.n
        ? BigInt(Math.round((rand() - 0.5) * 40 * 2 ** shift)) + (1n << BigInt(shift - 1))
        : 0n,
    );
    const zp = 37;
    const lo = zp; // ReLU: nothing below real 0
    const hi = 255;
    k.scoped(() => {
      const { a, rowsum } = packed(p);
      const w = k.put(p.packed);
      const wzp = p.wzp ? k.put(p.wzp) : 0;
      const mu = k.put(multP);
      const of = k.put(offs);
      const out = k.alloc(p.m * p.n);
      k.fn.ik_gemm_requant(a, rowsum, p.m, p.kp, w, wzp, p.n, 0, mu, of, shift, 2 ** 30, zp, lo, hi, out); // prettier-ignore
      const got = k.u8(out, p.m * p.n);
      let nonTrivial = 0;
      for (let i = 0; i < acc.length; i++) {
        // Exact, in BigInt: floor((acc·M0 + offset) / 2^shift).
        const j = i % p.n;
        const prod = BigInt(acc[i]!) * BigInt(mult[j]!) + offs[j]!;
        const q = Number(prod >> BigInt(shift)) + zp;
        const want = Math.min(hi, Math.max(lo, q));
        if (want > lo && want < hi) nonTrivial++;
        expect(got[i]).toBe(want);
      }
      expect(nonTrivial).toBeGreaterThan(acc.length / 4);
    });
  });

  it('dequantizes the last layer: scale[n] · acc + bias[n] in float32', () => {
    const p = problem(5, 84, 10, false);
    const acc = reference(p);
    const scale = Float32Array.from({ length: p.np }, () => rand() * 1e-4);
    const fbias = Float32Array.from({ length: p.np }, () => rand() - 0.5);
    k.scoped(() => {
      const { a, rowsum } = packed(p);
      const out = k.alloc(p.m * p.n * 4);
      k.fn.ik_gemm_dequant(a, rowsum, p.m, p.kp, k.put(p.packed), 0, p.n, k.put(p.bias), k.put(scale), k.put(fbias), out); // prettier-ignore
      const got = k.f32(out, p.m * p.n);
      for (let i = 0; i < acc.length; i++) {
        const j = i % p.n;
        expect(got[i]).toBe(Math.fround(Math.fround(Math.fround(acc[i]!) * scale[j]!) + fbias[j]!));
      }
    });
  });
});

describe('convolution and pooling', () => {
  it('im2col + GEMM equals a direct convolution, padding same and valid', () => {
    for (const [h, w, c, kh, n, same] of [
      [28, 28, 1, 5, 6, true],
      [14, 14, 16, 5, 32, false],
      [7, 9, 3, 3, 5, true],
    ] as const) {
      const b = 2;
      const x = Uint8Array.from({ length: b * h * w * c }, () => int(0, 255));
      const zx = int(0, 255);
      const kk = kh * kh * c;
      const kp = Math.ceil(kk / 2) * 2;
      const wt = Int8Array.from({ length: n * kk }, () => int(-128, 127));
      const pad = same ? (kh - 1) >> 1 : 0;
      const oh = same ? h : h - kh + 1;
      const ow = same ? w : w - kh + 1;
      k.scoped(() => {
        const px = k.put(x);
        const a = k.alloc((b * oh * ow * kp + 8) * 2);
        const rs = k.alloc(b * oh * ow * 4);
        k.fn.ik_im2col(px, b, h, w, c, kh, kh, pad, pad, oh, ow, kp, zx, a, rs);
        // The row sums of the patches (for weight zero-points), checked on the first row.
        let first = 0;
        for (let i = 0; i < kp; i++) first += k.i16(a, kp)[i]!;
        expect(k.i32(rs, 1)[0]).toBe(first);
        const out = k.alloc(b * oh * ow * n * 4);
        k.fn.ik_gemm_acc(a, rs, b * oh * ow, kp, k.put(packWeights(wt, n, kk)), 0, n, 0, out);
        const got = k.i32(out, b * oh * ow * n);
        for (let bi = 0; bi < b; bi++)
          for (let oy = 0; oy < oh; oy++)
            for (let ox = 0; ox < ow; ox++)
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let ky = 0; ky < kh; ky++)
                  for (let kx = 0; kx < kh; kx++) {
                    const iy = oy + ky - pad;
                    const ix = ox + kx - pad;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue; // real 0
                    for (let ci = 0; ci < c; ci++) {
                      const v = x[((bi * h + iy) * w + ix) * c + ci]! - zx;
                      s += v * wt[j * kk + (ky * kh + kx) * c + ci]!;
                    }
                  }
                expect(got[((bi * oh + oy) * ow + ox) * n + j]).toBe(s);
              }
      });
    }
  });

  it('max-pools 2×2 with stride 2 on codes (odd edges dropped)', () => {
    for (const [h, w, c] of [
      [28, 28, 16],
      [10, 10, 32],
      [5, 7, 3],
    ] as const) {
      const b = 3;
      const x = Uint8Array.from({ length: b * h * w * c }, () => int(0, 255));
      const oh = h >> 1;
      const ow = w >> 1;
      k.scoped(() => {
        const out = k.alloc(b * oh * ow * c);
        k.fn.ik_maxpool2(k.put(x), b, h, w, c, out);
        const got = k.u8(out, b * oh * ow * c);
        for (let bi = 0; bi < b; bi++)
          for (let y = 0; y < oh; y++)
            for (let xx = 0; xx < ow; xx++)
              for (let ci = 0; ci < c; ci++) {
                const at = (yy: number, xi: number) => x[((bi * h + yy) * w + xi) * c + ci]!;
                const want = Math.max(
                  at(2 * y, 2 * xx),
                  at(2 * y, 2 * xx + 1),
                  at(2 * y + 1, 2 * xx),
                  at(2 * y + 1, 2 * xx + 1),
                );
                expect(got[((bi * oh + y) * ow + xx) * c + ci]).toBe(want);
              }
      });
    }
  });

  it('maps pixels through a lookup table and frees scratch memory after a scope', () => {
    const before = k.usedBytes;
    k.scoped(() => {
      const lut = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
      const px = Uint8Array.from({ length: 1000 }, () => int(0, 255));
      const out = k.alloc(1000);
      k.fn.ik_lut_u8(k.put(px), 1000, k.put(lut), out);
      expect(Array.from(k.u8(out, 1000))).toEqual(Array.from(px, (v) => 255 - v));
      k.alloc(4 << 20); // grows the memory
    });
    expect(k.usedBytes).toBe(before);
  });
});
