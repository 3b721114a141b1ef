import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { enableRelaxedSimd, kernelBytes, kernelPaths } from '../../../testing/kernels';
import {
  actBytes,
  convTaps,
  fixedPointMultipliers,
  gemmWeights,
  winogradFits,
  winogradWeights,
} from '../shared/plan';
import { instantiateKernels, loadKernels, selfTest } from './kernels';
import type { IntKernels, KernelExports, KernelPath } from './kernels';

/**
 * The WebAssembly kernels, both builds (SIMD128, and relaxed SIMD where this Node runs it),
 * against plain-JS references on random data: every int32 accumulator exact, every requantized
 * code equal to the exact rational rounding, pooling and packing exact, tails of rows (N not a
 * multiple of 4) and of row pairs (odd M) included, and weight codes over every range (1 to 3
 * relaxed-SIMD planes).
 */
describe.each(await kernelPaths())('the %s kernels', (path: KernelPath) => {
  let k: IntKernels;
  const rand = mulberry32(12345);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

  beforeAll(async () => {
    k = await instantiateKernels(kernelBytes(path));
  });

  it('are the build asked for', () => {
    expect(k.path).toBe(path);
  });

  /**
   * Random uint8 codes x[m][k], int8 codes w[n][k] in [wlo, whi] (and the kernels' weights), bias,
   * zero-points (np long).
   */
  function problem(
    m: number,
    kk: number,
    n: number,
    affine: boolean,
    wlo = -128,
    whi = 127,
    codes: (zx: number) => Uint8Array = () =>
      Uint8Array.from({ length: m * kk }, () => int(0, 255)),
  ) {
    const np = Math.ceil(n / 8) * 8;
    const zx = int(0, 255);
    const x = codes(zx);
    const w = Int8Array.from({ length: n * kk }, () => int(wlo, whi));
    const wzp = affine
      ? Int32Array.from({ length: np }, (_, j) => (j < n ? int(-128, 127) : 0))
      : null;
    const bias = Int32Array.from({ length: np }, (_, j) => (j < n ? int(-100000, 100000) : 0));
    const g = gemmWeights(w, wzp, n, kk, zx, path);
    // The kernels' int32 bias: the caller's plus the relaxed path's zero-point terms.
    const kbias = Int32Array.from(bias, (b, j) => b + (g.bias?.[j] ?? 0));
    return { m, kk, kp: g.kp, n, np, x, zx, w, g, wzp, bias, kbias };
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

  const bytesPerAct = actBytes(path);
  /** The packed rows as numbers (int16 on SIMD128, int8 on relaxed SIMD). */
  const rowsOf = (a: number, n: number) => (path === 'simd128' ? k.i16(a, n) : k.i8(a, n));
  /** What a packed row holds for code u: u − zx (SIMD128) or u − 128 (relaxed SIMD). */
  const packedValue = (u: number, zx: number) => (path === 'simd128' ? u - zx : u - 128);

  /** The weights in wasm memory, with the kernels' zero-points and bias. */
  function weightsIn(p: ReturnType<typeof problem>) {
    return {
      w: k.put(p.g.weights),
      wzp: p.g.wzp ? k.put(p.g.wzp) : 0,
      bias: k.put(p.kbias),
    };
  }

  function packed(p: ReturnType<typeof problem>) {
    const x = k.put(p.x);
    const a = k.alloc(p.m * p.kp * bytesPerAct);
    const rowsum = k.alloc(p.m * 4);
    k.fn.ik_pack_rows(x, p.m, p.kk, p.kp, p.zx, 0, a, rowsum);
    return { a, rowsum };
  }

  /** ik_pack_rows + ik_gemm_acc on `p` give the reference's sums, every one. */
  function expectExactSums(p: ReturnType<typeof problem>) {
    k.scoped(() => {
      const { a, rowsum } = packed(p);
      const { w, wzp, bias } = weightsIn(p);
      const out = k.alloc(p.m * p.n * 4);
      k.fn.ik_gemm_acc(a, rowsum, p.m, p.kp, w, p.g.planes, wzp, p.n, bias, out);
      expect(Array.from(k.i32(out, p.m * p.n))).toEqual(Array.from(reference(p)));
    });
  }

  describe('integer GEMM', () => {
    it('packs rows: the codes shifted by their zero-point (SIMD128: int16) or by 128 (relaxed: int8), zero-padded, with exact row sums', () => {
      const p = problem(5, 21, 3, false);
      k.scoped(() => {
        const { a, rowsum } = packed(p);
        const A = rowsOf(a, p.m * p.kp);
        const sums = k.i32(rowsum, p.m);
        for (let r = 0; r < p.m; r++) {
          let s = 0;
          for (let i = 0; i < p.kp; i++) {
            const want = i < p.kk ? packedValue(p.x[r * p.kk + i]!, p.zx) : 0;
            expect(A[r * p.kp + i]).toBe(want);
            s += want;
          }
          expect(sums[r]).toBe(s);
        }
      });
    });

    it('gives exact int32 accumulators, symmetric and affine weights, any M, K, N', () => {
      for (const [m, kk, n, affine, wlo, whi] of [
        [1, 8, 4, false, -128, 127],
        [2, 784, 300, false, -127, 127],
        [7, 25, 6, true, -128, 127],
        [3, 100, 10, true, -8, 7],
        [33, 400, 32, false, -64, 63],
        [4, 801, 13, true, 0, 1],
        [5, 30, 9, false, 1, 1],
        [6, 50, 17, false, -1, 1],
      ] as const) {
        const p = problem(m, kk, n, affine, wlo, whi);
        if (path === 'relaxed-simd') {
          const span = Math.max(0, whi) - Math.min(0, wlo);
          expect(p.g.planes).toBe(Math.max(1, Math.ceil(span / 127)));
        }
        expectExactSums(p);
      }
    });

    it('leaves out the quads of k that are zero in all rows of a block, with the same exact sums', () => {
      // Rows as a ReLU's output or MNIST's background leave them: most codes give a packed 0
      // (zx on SIMD128, 128 on relaxed SIMD), some in runs shared by all rows, some rows all 0.
      // Sparse and dense blocks alternate within a call, and the kernels stop looking for zeros
      // in a call whose first blocks have few: that call's sums must be exact too.
      const sparse = (m: number, kk: number, density: (r: number) => number) => (zx: number) => {
        const zero = path === 'simd128' ? zx : 128;
        const x = new Uint8Array(m * kk).fill(zero);
        for (let r = 0; r < m; r++)
          for (let i = 0; i < kk; i++) {
            const inRun = i % 97 < 40; // a run of k left 0 in every row
            if (!inRun && rand() < density(r)) x[r * kk + i] = int(0, 255);
          }
        return x;
      };
      for (const [m, kk, n, affine, density] of [
        [13, 784, 300, false, () => 0.2],
        [9, 120, 84, true, (r: number) => (r % 3 === 0 ? 0 : 0.5)],
        [6, 7, 10, false, () => 0.3],
        [11, 30, 24, false, () => 0.3], // 15 pairs of k: lists made four at a time, then three
        [4 * 80 + 3, 64, 16, false, (r: number) => (r < 4 * 70 ? 1 : 0.05)],
        [4 * 80 + 1, 64, 8, true, (r: number) => (r < 4 * 70 ? 0.05 : 1)],
      ] as const) {
        const p = problem(m, kk, n, affine, -128, 127, sparse(m, kk, density));
        expectExactSums(p);
      }
    });

    // Multipliers near 2^-12 (shift ≥ 32: the kernels shift the products' high words) and near 1
    // (shift < 32: a 64-bit shift), on sums small enough that outputs are not all clamped.
    it.each([
      { scale: 2 ** -12, shifts: 'shift ≥ 32', kk: 120, wlo: -128, whi: 127, affine: true },
      { scale: 0.5, shifts: 'shift < 32', kk: 1, wlo: -1, whi: 1, affine: false },
    ])(
      'requantizes as (acc·M0 + offset) >> shift (bias and half a step in the offset), plus the zero-point, clamped (ReLU): $shifts',
      ({ scale, kk, wlo, whi, affine }) => {
        const p = problem(40, kk, 10, affine, wlo, whi);
        // The caller's int32 bias of ik_gemm_acc is tested above; here the bias travels in the 64-bit
        // offset, and the kernels' int32 bias holds only the relaxed path's zero-point terms.
        const acc = reference({ ...p, bias: new Int32Array(p.np) });
        const kbias = p.g.bias ?? new Int32Array(p.np);
        // Per-channel multipliers around `scale`, one shift for the layer.
        const real = Float64Array.from({ length: p.n }, () => (0.5 + rand()) * scale);
        const { mult, shift } = fixedPointMultipliers(real);
        expect(shift >= 32).toBe(scale < 0.1);
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
          const { w, wzp } = weightsIn(p);
          const mu = k.put(multP);
          const of = k.put(offs);
          const out = k.alloc(p.m * p.n);
          k.fn.ik_gemm_requant(a, rowsum, p.m, p.kp, w, p.g.planes, wzp, p.n, k.put(kbias), mu, of, shift, 2 ** 30, zp, lo, hi, out); // prettier-ignore
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
          expect(nonTrivial).toBeGreaterThan(acc.length / 5);
          // Without bias, zero-points and clamp (clamp_acc 0: the planner's promise that no sum
          // comes near it), the kernels run the bare epilogue: the same codes.
          if (!p.g.wzp && kbias.every((v) => v === 0)) {
            const bare = k.alloc(p.m * p.n);
            k.fn.ik_gemm_requant(a, 0, p.m, p.kp, w, p.g.planes, 0, p.n, 0, mu, of, shift, 0, zp, lo, hi, bare); // prettier-ignore
            expect(Array.from(k.u8(bare, p.m * p.n))).toEqual(Array.from(k.u8(out, p.m * p.n)));
          }
        });
      },
    );

    it('dequantizes the last layer: scale[n] · acc + bias[n] in float32', () => {
      const p = problem(5, 84, 10, false);
      const acc = reference(p);
      const scale = Float32Array.from({ length: p.np }, () => rand() * 1e-4);
      const fbias = Float32Array.from({ length: p.np }, () => rand() - 0.5);
      k.scoped(() => {
        const { a, rowsum } = packed(p);
        const { w, wzp, bias } = weightsIn(p);
        const out = k.alloc(p.m * p.n * 4);
        k.fn.ik_gemm_dequant(a, rowsum, p.m, p.kp, w, p.g.planes, wzp, p.n, bias, k.put(scale), k.put(fbias), out); // prettier-ignore
        const got = k.f32(out, p.m * p.n);
        for (let i = 0; i < acc.length; i++) {
          const j = i % p.n;
          expect(got[i]).toBe(
            Math.fround(Math.fround(Math.fround(acc[i]!) * scale[j]!) + fbias[j]!),
          );
        }
      });
    });
  });

  /** A stride-1 convolution with a kh×kh kernel, padding 'same' (TF's split) or 'valid'. */
  const squareConv = (h: number, w: number, c: number, kh: number, same: boolean) => {
    const pad = same ? (kh - 1) >> 1 : 0;
    const oh = same ? h : h - kh + 1;
    const ow = same ? w : w - kh + 1;
    return { h, w, c, kh, kw: kh, padT: pad, padL: pad, oh, ow };
  };

  describe('convolution and pooling', () => {
    /**
     * Random codes, or (sparse) mostly the code that packs to 0 (zx = 128: both builds' 0), in
     * patches as a digit on its background: 0 outside a band of 10 values in every 28.
     */
    function images(length: number, sparse: boolean) {
      if (!sparse) return { x: Uint8Array.from({ length }, () => int(0, 255)), zx: int(0, 255) };
      const x = Uint8Array.from({ length }, (_, i) =>
        i % 28 >= 9 && i % 28 < 19 && rand() < 0.6 ? int(0, 255) : 128,
      );
      return { x, zx: 128 };
    }

    it('im2col + GEMM equals a direct convolution, padding same and valid', () => {
      // The last two: mostly real 0 (as MNIST's background or a ReLU's output), which the GEMM
      // leaves out where a block's rows are all 0.
      for (const [h, w, c, kh, n, same, sparse] of [
        [28, 28, 1, 5, 6, true, false],
        [14, 14, 16, 5, 32, false, false],
        [7, 9, 3, 3, 5, true, false],
        [28, 28, 1, 5, 16, true, true],
        [14, 14, 16, 5, 32, false, true],
      ] as const) {
        const b = 2;
        const { x, zx } = images(b * h * w * c, sparse);
        const kk = kh * kh * c;
        const wt = Int8Array.from({ length: n * kk }, () => int(-128, 127));
        const g = gemmWeights(wt, null, n, kk, zx, path);
        const kp = g.kp;
        const { padT: pad, oh, ow } = squareConv(h, w, c, kh, same);
        k.scoped(() => {
          const px = k.put(x);
          const a = k.alloc(b * oh * ow * kp * bytesPerAct + 16);
          const rs = k.alloc(b * oh * ow * 4);
          k.fn.ik_im2col(px, b, h, w, c, kh, kh, pad, pad, oh, ow, kp, zx, 0, a, rs);
          // The row sums of the patches (for weight zero-points), every row: the kernels take
          // them from a box filter over the bordered image, not from the rows.
          const rows = b * oh * ow;
          const packed = rowsOf(a, rows * kp);
          const sums = Array.from({ length: rows }, (_, r) => {
            let s = 0;
            for (let i = 0; i < kp; i++) s += packed[r * kp + i]!;
            return s;
          });
          expect(Array.from(k.i32(rs, rows))).toEqual(sums);
          const out = k.alloc(b * oh * ow * n * 4);
          const wzp = g.wzp ? k.put(g.wzp) : 0;
          const bias = g.bias ? k.put(g.bias) : 0;
          k.fn.ik_gemm_acc(a, rs, b * oh * ow, kp, k.put(g.weights), g.planes, wzp, n, bias, out);
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

    /**
     * A random convolution layer of b = 3 images: codes, weights in [wlo, whi], zero-points up to
     * ±wzpMax (affine), the implicit GEMM's taps and weights, and a requantization whose codes
     * spread over the range (a larger multiplier for smaller weights).
     */
    function convLayer(
      h: number,
      w: number,
      c: number,
      kh: number,
      n: number,
      same: boolean,
      affine: boolean,
      sparse: boolean,
      [wlo, whi, wzpMax] = [-128, 127, 20],
    ) {
      const b = 3;
      const { x, zx } = images(b * h * w * c, sparse);
      const kk = kh * kh * c;
      const wt = Int8Array.from({ length: n * kk }, () => int(wlo, whi));
      const np = Math.ceil(n / 8) * 8;
      const wzp = affine
        ? Int32Array.from({ length: np }, (_, j) => (j < n ? int(-wzpMax, wzpMax) : 0))
        : null;
      const conv = squareConv(h, w, c, kh, same);
      const t = convTaps(conv, path);
      const wide = new Int8Array(n * t.kp);
      for (let j = 0; j < n; j++)
        for (let i = 0; i < t.kp; i++)
          if (t.source[i]! >= 0) wide[j * t.kp + i] = wt[j * kk + t.source[i]!]!;
      const gd = gemmWeights(wide, wzp, n, t.kp, zx, path, undefined, t.padding);
      const { mult, shift } = fixedPointMultipliers(
        Float64Array.from({ length: n }, () => ((0.5 + rand()) * 2 ** -9 * 128) / (whi + 1)),
      );
      const multP = new Int32Array(np);
      multP.set(mult);
      const offs = BigInt64Array.from({ length: np }, (_, j) =>
        j < n
          ? BigInt(Math.round((rand() - 0.5) * 40 * 2 ** shift)) + (1n << BigInt(shift - 1))
          : 0n,
      );
      return { b, x, zx, kk, wt, wzp, conv, t, gd, multP, offs, shift };
    }

    it('runs a convolution as an implicit GEMM: the same codes as im2col + GEMM + requantization, and max-pooled when fused', () => {
      // A first layer (1 channel, runs of 5 padded to whole steps), a middle one (16 channels),
      // odd sizes with a 4-row tail, affine weights (row sums), all 256 codes (three relaxed planes).
      // And the first two again, mostly real 0, where the GEMM leaves out quads of taps.
      for (const [h, w, c, kh, n, same, affine, sparse] of [
        [28, 28, 1, 5, 16, true, false, false],
        [14, 14, 16, 5, 32, false, true, false],
        [7, 9, 3, 3, 5, true, true, false],
        [28, 28, 1, 5, 16, true, false, true],
        [14, 14, 16, 5, 32, false, true, true],
      ] as const) {
        const { b, x, zx, kk, wt, wzp, conv, t, gd, multP, offs, shift } = convLayer(
          h,
          w,
          c,
          kh,
          n,
          same,
          affine,
          sparse,
        );
        const { padT: pad, oh, ow } = conv;
        const g = gemmWeights(wt, wzp, n, kk, zx, path);
        const zp = 20;
        k.scoped(() => {
          const px = k.put(x);
          const mu = k.put(multP);
          const of = k.put(offs);
          const rows = b * oh * ow;
          // im2col + GEMM + requantization.
          const a = k.alloc(rows * g.kp * bytesPerAct + 16);
          const rs = k.alloc(rows * 4);
          k.fn.ik_im2col(px, b, h, w, c, kh, kh, pad, pad, oh, ow, g.kp, zx, 0, a, rs);
          const want = k.alloc(rows * n);
          const gw = g.wzp ? k.put(g.wzp) : 0;
          const gb = g.bias ? k.put(g.bias) : 0;
          k.fn.ik_gemm_requant(a, rs, rows, g.kp, k.put(g.weights), g.planes, gw, n, gb, mu, of, shift, 2 ** 30, zp, zp, 255, want); // prettier-ignore
          // The implicit GEMM.
          const got = k.alloc(rows * n);
          const dw = gd.wzp ? k.put(gd.wzp) : 0;
          const db = gd.bias ? k.put(gd.bias) : 0;
          const nq = t.kp / (path === 'simd128' ? 2 : 4);
          k.fn.ik_conv_requant(px, b, h, w, c, kh, kh, pad, pad, oh, ow, zx, k.put(t.taps), nq, gd.wzp ? 1 : 0, k.put(gd.weights), gd.planes, dw, n, db, mu, of, shift, 2 ** 30, zp, zp, 255, 0, got); // prettier-ignore
          const wantCodes = Array.from(k.u8(want, rows * n));
          expect(Array.from(k.u8(got, rows * n))).toEqual(wantCodes);
          // With the 2×2 max pool fused: ik_maxpool2 of those codes (odd edges dropped).
          const pooledRows = b * (oh >> 1) * (ow >> 1);
          const wantPooled = k.alloc(pooledRows * n);
          k.fn.ik_maxpool2(want, b, oh, ow, n, wantPooled);
          const pooled = k.alloc(pooledRows * n);
          k.fn.ik_conv_requant(px, b, h, w, c, kh, kh, pad, pad, oh, ow, zx, k.put(t.taps), nq, gd.wzp ? 1 : 0, k.put(gd.weights), gd.planes, dw, n, db, mu, of, shift, 2 ** 30, zp, zp, 255, 1, pooled); // prettier-ignore
          const wantPooledCodes = Array.from(k.u8(wantPooled, pooledRows * n));
          expect(Array.from(k.u8(pooled, pooledRows * n))).toEqual(wantPooledCodes);
          if (!gd.wzp && !gd.bias) {
            // The bare epilogue (no clamp: the sums here stay far below 2^30 / M), unpooled and pooled.
            const bare = k.alloc(rows * n);
            k.fn.ik_conv_requant(px, b, h, w, c, kh, kh, pad, pad, oh, ow, zx, k.put(t.taps), nq, 0, k.put(gd.weights), gd.planes, 0, n, 0, mu, of, shift, 0, zp, zp, 255, 0, bare); // prettier-ignore
            expect(Array.from(k.u8(bare, rows * n))).toEqual(wantCodes);
            k.fn.ik_conv_requant(px, b, h, w, c, kh, kh, pad, pad, oh, ow, zx, k.put(t.taps), nq, 0, k.put(gd.weights), gd.planes, 0, n, 0, mu, of, shift, 0, zp, zp, 255, 1, bare); // prettier-ignore
            expect(Array.from(k.u8(bare, pooledRows * n))).toEqual(wantPooledCodes);
          }
          // Not a trivial agreement: the codes spread over the range.
          expect(new Set(wantCodes).size).toBeGreaterThan(50);
        });
      }
    });

    it('runs a 5×5 convolution through Winograd F(2×2, 5×5) (SIMD128): the implicit GEMM’s codes exactly, pooled and not', () => {
      if (path !== 'simd128') {
        // The relaxed build has no Winograd convolution; the planner never asks it for one.
        expect(k.fn.ik_conv_wino).toBeUndefined();
        return;
      }
      // The CNNs' second convolution (16 → 32, valid, 8-bit weights: one position split), with
      // affine weights (row sums); output channels not a multiple of 8; 'same' padding (edge tiles);
      // 4-bit weights (no split); mostly real 0. Three images: tiles not a multiple of four.
      for (const [h, w, c, n, same, affine, wlo, whi, sparse] of [
        [14, 14, 16, 32, false, false, -128, 127, false],
        [14, 14, 16, 32, false, true, -128, 127, false],
        [10, 12, 8, 12, true, true, -128, 127, false],
        [14, 14, 24, 16, false, false, -7, 7, false],
        [14, 14, 16, 32, false, false, -128, 127, true],
      ] as const) {
        const kh = 5;
        const { b, x, zx, wt, conv, t, gd, multP, offs, shift } = convLayer(
          h,
          w,
          c,
          kh,
          n,
          same,
          affine,
          sparse,
          [wlo, whi, 4],
        );
        const { padT: pad, oh, ow } = conv;
        expect(winogradFits(conv, path)).toBe(true);
        const wino = winogradWeights(wt, n, c);
        expect(wino.planes).toBe(36 + wino.split.reduce((a, v) => a + v, 0));
        const zp = 20;
        k.scoped(() => {
          const px = k.put(x);
          const mu = k.put(multP);
          const of = k.put(offs);
          const dw = gd.wzp ? k.put(gd.wzp) : 0;
          const nq = t.kp / 2;
          const tp = k.put(t.taps);
          const gw = k.put(gd.weights);
          const ww = k.put(wino.weights);
          const sp = k.put(wino.split);
          for (const pool of [0, 1]) {
            const rows = b * (pool ? (oh >> 1) * (ow >> 1) : oh * ow);
            const want = k.alloc(rows * n);
            k.fn.ik_conv_requant(px, b, h, w, c, kh, kh, pad, pad, oh, ow, zx, tp, nq, gd.wzp ? 1 : 0, gw, 1, dw, n, 0, mu, of, shift, 2 ** 30, zp, zp, 255, pool, want); // prettier-ignore
            const got = k.alloc(rows * n);
            k.fn.ik_conv_wino!(px, b, h, w, c, pad, pad, oh, ow, zx, ww, wino.planes, sp, dw, n, 0, mu, of, shift, 2 ** 30, zp, zp, 255, pool, got); // prettier-ignore
            const wantCodes = Array.from(k.u8(want, rows * n));
            expect(Array.from(k.u8(got, rows * n))).toEqual(wantCodes);
            // Not a trivial agreement: the codes spread over the range.
            expect(new Set(wantCodes).size).toBeGreaterThan(sparse ? 20 : 50);
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
});

describe('choosing a build of the kernels', () => {
  it('self-tests the sums: a build that is off by one anywhere is caught', async () => {
    const k = await instantiateKernels(kernelBytes('simd128'));
    expect(selfTest(k)).toBeNull();
    const acc = k.fn.ik_gemm_acc;
    const broken = {
      ...k,
      fn: {
        ...k.fn,
        ik_gemm_acc: (...a: Parameters<typeof acc>) => {
          acc(...a);
          const out = a[a.length - 1]!;
          k.i32(out, 1)[0]! += 1;
        },
      },
    };
    expect(selfTest(broken)).toMatch(/^1 of 60 sums wrong \(/);
  });

  it('uses relaxed SIMD only where it loads and passes its self-test, else SIMD128 with a note', async () => {
    // Asked for relaxed SIMD but handed the SIMD128 binary: SIMD128, and says why.
    const wrong = await loadKernels(async () => kernelBytes('simd128'), 'relaxed-simd');
    expect(wrong.path).toBe('simd128');
    expect(wrong.note).toMatch(/did not load \(it is the simd128 build\)/);
    // The real relaxed binary: used exactly when this engine computes it right.
    if (enableRelaxedSimd()) {
      const raw = await instantiateKernels(kernelBytes('relaxed-simd'));
      const failed = selfTest(raw);
      const k = await loadKernels(async (p) => kernelBytes(p), 'relaxed-simd');
      expect(k.path).toBe(failed === null ? 'relaxed-simd' : 'simd128');
      expect(k.note).toBe(
        failed === null
          ? null
          : `relaxed SIMD validates here but computed wrong sums (${failed}): using SIMD128`,
      );
    }
    const plain = await loadKernels(async (p) => kernelBytes(p), 'simd128');
    expect([plain.path, plain.note, plain.planeMax]).toEqual(['simd128', null, 127]);
  });

  /**
   * A relaxed-SIMD engine in plain JS over a real instance's memory: rows packed as x = u − 128
   * (int8), or raw for the signed form, and the GEMM's dot product reading its 7-bit operand's
   * byte over 127 (a plane byte, or a raw code in the signed form) the way `reading` says (x86
   * with AVX-VNNI: unsigned; x86 without it: pmaddubsw's unsigned products summed in pairs with
   * int16 saturation; Arm: signed).
   */
  async function emulatedRelaxed(
    reading: 'unsigned' | 'saturating' | 'signed',
  ): Promise<IntKernels> {
    const k = await instantiateKernels(kernelBytes('simd128'));
    const sat16 = (v: number) => Math.max(-32768, Math.min(32767, v));
    const fn = {
      ...k.fn,
      ik_pack_rows: (...args: Parameters<KernelExports['ik_pack_rows']>) => {
        const [x, m, kk, kp, , raw, a, rowsum] = args;
        const src = k.u8(x, m * kk);
        const dst = k.i8(a, m * kp);
        for (let r = 0; r < m; r++) {
          let sum = 0;
          for (let i = 0; i < kp; i++) {
            dst[r * kp + i] = i < kk ? src[r * kk + i]! - (raw ? 0 : 128) : 0; // raw: wraps to int8
            sum += dst[r * kp + i]!;
          }
          if (rowsum) k.i32(rowsum, m)[r] = sum;
        }
      },
      ik_gemm_acc: (...args: Parameters<KernelExports['ik_gemm_acc']>) => {
        const [a, rowsum, m, kp, w, planes, wzp, n, bias, out] = args;
        const np = Math.ceil(n / 8) * 8;
        // P 0, the signed form: the weights are the signed operand, the raw codes the other.
        const signed = planes === 0;
        const P = signed ? 1 : planes;
        const x = k.i8(a, m * kp);
        const xu = k.u8(a, m * kp);
        const bytes = k.u8(w, P * np * kp);
        const sbytes = k.i8(w, P * np * kp);
        const o = k.i32(out, m * n);
        const read = (b: number) => (reading === 'signed' && b > 127 ? b - 256 : b);
        for (let r = 0; r < m; r++)
          for (let j = 0; j < n; j++) {
            let acc = 0;
            const block = Math.floor(j / 8) * 8 * kp * P;
            for (let q = 0; q < kp; q += 4)
              for (let p = 0; p < P; p++) {
                const at = block + (q / 4) * 32 * P + p * 32 + (j % 8) * 4;
                const prod = (i: number) =>
                  signed
                    ? sbytes[at + i]! * read(xu[r * kp + q + i]!)
                    : x[r * kp + q + i]! * read(bytes[at + i]!);
                if (reading === 'saturating')
                  acc += sat16(prod(0) + prod(1)) + sat16(prod(2) + prod(3));
                else acc += prod(0) + prod(1) + prod(2) + prod(3);
              }
            if (bias) acc += k.i32(bias, n)[j]!;
            if (wzp) acc -= k.i32(wzp, n)[j]! * k.i32(rowsum, m)[r]!;
            o[r * n + j] = acc | 0;
          }
      },
    };
    return { ...k, fn, path: 'relaxed-simd' };
  }

  it('packs 8-bit weights in whole-byte planes only where the dot product reads such bytes exactly', async () => {
    // Every engine passes with 7-bit planes: that is what relaxed SIMD guarantees.
    for (const reading of ['unsigned', 'saturating', 'signed'] as const)
      expect(selfTest(await emulatedRelaxed(reading))).toBeNull();
    // Whole bytes: only the unsigned, non-saturating reading (AVX-VNNI) gives the exact sums.
    expect(selfTest(await emulatedRelaxed('unsigned'), 255)).toBeNull();
    expect(selfTest(await emulatedRelaxed('saturating'), 255)).toMatch(/sums wrong/);
    expect(selfTest(await emulatedRelaxed('signed'), 255)).toMatch(/sums wrong/);
  });
});
