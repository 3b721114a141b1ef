import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PLANE_MAX_7BIT,
  PLANE_MAX_8BIT,
  convTaps,
  fixedPointMultipliers,
  gemmWeights,
  inputLut,
  multiPlane,
  packWeights,
  packWeightsQuads,
  planInteger,
  simd128Instead,
  TWO_PASSES_NOTE,
  TWO_STEP_NOTE,
  WINO_AT,
  WINO_BT,
  WINOGRAD_NOTE,
  winogradOnSimd128,
  winogradWeights,
} from './plan';
import type { ActGrid, GemmStep, GemmWeights, IntWeights, KernelPath, NetShape } from './plan';

/** Per-tensor symmetric weights of k × n codes code(i), no bias. */
const symmetric = (
  k: number,
  n: number,
  code: (i: number) => number,
  scale: number,
): IntWeights => ({
  codes: Int32Array.from({ length: k * n }, (_, i) => code(i)),
  scale: Float32Array.of(scale),
  zeroPoint: Int32Array.of(0),
  bias: null,
});

const affine8 = (scale: number, zeroPoint = 0): ActGrid => ({
  scale,
  zeroPoint,
  qmin: 0,
  qmax: 255,
});

describe('inputLut', () => {
  it('maps pixel bytes to the first layer’s codes as the float path does (x/255, then its grid)', () => {
    // The calibrated grid of x/255 over [0, 1] at 8 bits: scale fl(1/255), z = 0: every byte is its own code.
    const lut = inputLut(affine8(Math.fround(1 / 255)));
    expect(Array.from(lut)).toEqual(Array.from({ length: 256 }, (_, p) => p));
    // A coarser grid rounds half to even on fl(x · fl(1/s)): 4-bit, s = 1/15.
    const four = inputLut({ scale: Math.fround(1 / 15), zeroPoint: 0, qmin: 0, qmax: 15 });
    expect(four[0]).toBe(0);
    expect(four[255]).toBe(15);
    expect(four[17]).toBe(1); // 17/255·15 = 1.0
    // Signed grids are stored with an offset of 128.
    const signed = inputLut({ scale: Math.fround(1 / 127), zeroPoint: 0, qmin: -127, qmax: 127 });
    expect(signed[0]).toBe(128);
    expect(signed[255]).toBe(128 + 127);
  });
});

describe('fixedPointMultipliers', () => {
  it('gives the largest multiplier 31 bits and every one within 2^-30 of its value', () => {
    const m = Float64Array.from([0.0123, 0.0031, 0.00071, 0]);
    const { mult, shift } = fixedPointMultipliers(m);
    expect(mult[0]).toBeGreaterThanOrEqual(2 ** 30);
    expect(mult[0]).toBeLessThan(2 ** 31);
    m.forEach((v, i) => expect(Math.abs(mult[i]! / 2 ** shift - v)).toBeLessThanOrEqual(2 ** -(shift + 1))); // prettier-ignore
    expect(mult[3]).toBe(0);
  });

  it('caps the shift (bias offsets must fit) and refuses negative or huge scales', () => {
    expect(fixedPointMultipliers(Float64Array.from([1e-9]), 40).shift).toBe(40);
    expect(fixedPointMultipliers(Float64Array.from([0])).shift).toBe(62);
    expect(() => fixedPointMultipliers(Float64Array.from([-1]))).toThrow(RangeError);
    expect(() => fixedPointMultipliers(Float64Array.from([2 ** 31]))).toThrow(RangeError);
  });
});

describe('packWeights', () => {
  it('lays out 8 channels by pairs of k, zero-padded', () => {
    // 2 channels × 3 inputs: w[n][k] = 10n + k + 1.
    const w = Int8Array.from([1, 2, 3, 11, 12, 13]);
    const p = packWeights(w, 2, 3);
    expect(p).toHaveLength(8 * 4);
    expect(Array.from(p.subarray(0, 16))).toEqual([1, 2, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // prettier-ignore
    expect(Array.from(p.subarray(16, 20))).toEqual([3, 0, 13, 0]);
    expect(Array.from(p.subarray(20))).toEqual(new Array(12).fill(0));
  });
});

/**
 * What the relaxed kernels compute, in plain JS from the packed bytes: Σ_p Σ_k x·plane with
 * x = u − 128, then acc + C − G·Σx (wasm/intkernels.c). Every plane byte, read unsigned, must be
 * 0..planeMax (127: the 7-bit operand; 255 where the engine reads the whole byte). The signed
 * form: Σ_k u·w with the weight bytes read signed, then acc + C.
 */
function emulate(
  u: Uint8Array,
  m: number,
  k: number,
  n: number,
  g: Pick<GemmWeights, 'kp' | 'weights' | 'planes' | 'signed' | 'wzp' | 'bias'>,
  planeMax: number,
): number[] {
  const out: number[] = [];
  const blockBytes = 8 * g.kp * g.planes;
  if (g.signed) {
    expect([g.planes, g.wzp]).toEqual([1, null]);
    for (let r = 0; r < m; r++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        const base = Math.floor(j / 8) * blockBytes;
        for (let q = 0; q < g.kp; q += 4)
          for (let i = 0; i < 4; i++)
            if (q + i < k) acc += u[r * k + q + i]! * g.weights[base + (q / 4) * 32 + (j % 8) * 4 + i]!; // prettier-ignore
        out.push((acc + (g.bias?.[j] ?? 0)) | 0);
      }
    return out;
  }
  for (let r = 0; r < m; r++) {
    let sx = 0;
    const x = (kk: number) => (kk < k ? u[r * k + kk]! - 128 : 0);
    for (let kk = 0; kk < k; kk++) sx += x(kk);
    for (let j = 0; j < n; j++) {
      let acc = 0;
      const base = Math.floor(j / 8) * blockBytes;
      for (let q = 0; q < g.kp; q += 4)
        for (let p = 0; p < g.planes; p++)
          for (let i = 0; i < 4; i++) {
            const byte =
              g.weights[base + (q / 4) * 32 * g.planes + p * 32 + (j % 8) * 4 + i]! & 0xff;
            expect(byte <= planeMax).toBe(true);
            acc += x(q + i) * byte;
          }
      out.push((acc + g.bias![j]! - g.wzp![j]! * sx) | 0);
    }
  }
  return out;
}

describe('relaxed-SIMD weights (packWeightsQuads, gemmWeights)', () => {
  it('lays out 8 channels by quads of k, one 7-bit plane per 127 of the codes’ span', () => {
    // 2 channels × 5 inputs, codes −3..6: offset 3, one plane holding w + 3.
    const w = Int8Array.from([-3, 0, 1, 2, 3, 4, 5, 6, -1, -2]);
    const { packed, planes, offset } = packWeightsQuads(w, 2, 5);
    expect([planes, offset]).toEqual([1, 3]);
    expect(packed).toHaveLength(8 * 8);
    // Quad 0: channel 0's k0..k3, channel 1's, then zeros up to channel 7.
    expect(Array.from(packed.subarray(0, 8))).toEqual([0, 3, 4, 5, 7, 8, 9, 2]);
    expect(Array.from(packed.subarray(8, 32))).toEqual(new Array(24).fill(0));
    // Quad 1: k4 and padding.
    expect(Array.from(packed.subarray(32, 40))).toEqual([6, 0, 0, 0, 1, 0, 0, 0]);
    expect(packWeightsQuads(Int8Array.from([-127, 127]), 1, 2).planes).toBe(2);
    expect(packWeightsQuads(Int8Array.from([-128, 127]), 1, 2).planes).toBe(3);
    expect(packWeightsQuads(Int8Array.from([-64, 63]), 1, 2).planes).toBe(1);
    // Whole-byte planes (engines whose dot product reads 0..255 exactly): any int8 codes in one.
    const wide = packWeightsQuads(Int8Array.from([-128, 127, 0]), 1, 3, PLANE_MAX_8BIT);
    expect([wide.planes, wide.offset]).toEqual([1, 128]);
    // The bytes 0, 255, 128 as the kernels read them (unsigned; stored as int8 two's complement).
    expect(Array.from(wide.packed.subarray(0, 4), (b) => b & 0xff)).toEqual([0, 255, 128, 0]);
  });

  it('makes the relaxed kernels’ sums equal Σ (u − zx)(w − wzp) for any codes and zero-points', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: -128, max: 127 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        fc.integer(),
        fc.constantFrom(PLANE_MAX_7BIT, PLANE_MAX_8BIT),
        (m, k, n, a, span, zx, affine, seed, planeMax) => {
          let st = seed >>> 0;
          const next = () => (st = (Math.imul(st, 1664525) + 1013904223) >>> 0) / 2 ** 32;
          const lo = Math.min(a, 127 - Math.min(span, 127 - a));
          const hi = Math.min(127, lo + span);
          const w = Int8Array.from(
            { length: n * k },
            () => lo + Math.floor(next() * (hi - lo + 1)),
          );
          const u = Uint8Array.from({ length: m * k }, () => Math.floor(next() * 256));
          const wzp = affine
            ? Int32Array.from(
                { length: Math.ceil(n / 8) * 8 },
                () => Math.floor(next() * 256) - 128,
              )
            : null;
          const g = gemmWeights(w, wzp, n, k, zx, 'relaxed-simd', planeMax);
          const span0 = Math.max(0, ...w) - Math.min(0, ...w); // the codes' span with 0 in it
          // Whole bytes and no zero-points: the signed form, one plane of the codes themselves.
          expect(g.signed).toBe(planeMax === PLANE_MAX_8BIT && !affine);
          expect(g.planes).toBe(g.signed ? 1 : Math.max(1, Math.ceil(span0 / planeMax)));
          const want: number[] = [];
          for (let r = 0; r < m; r++)
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let i = 0; i < k; i++)
                s += (u[r * k + i]! - zx) * (w[j * k + i]! - (wzp?.[j] ?? 0));
              want.push(s);
            }
          expect(emulate(u, m, k, n, g, planeMax)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves SIMD128 weights as they were: pairs of k, no planes, no bias', () => {
    const w = Int8Array.from([1, 2, 3, 11, 12, 13]);
    const g = gemmWeights(w, null, 2, 3, 40, 'simd128');
    expect(g).toEqual({
      kp: 4,
      weights: packWeights(w, 2, 3),
      planes: 1,
      signed: false,
      wzp: null,
      bias: null,
    });
  });
});

describe('convTaps (the implicit GEMM of a convolution)', () => {
  it('reads every real tap at its place in the bordered image, and pads runs to whole steps', () => {
    for (const path of ['simd128', 'relaxed-simd'] as const)
      for (const [kh, kw, c, ow] of [
        [5, 5, 1, 28],
        [5, 5, 16, 10],
        [3, 3, 3, 9],
        [1, 1, 7, 4],
      ] as const) {
        const unit = path === 'simd128' ? 2 : 4;
        const conv = { h: 0, w: 0, c, kh, kw, padT: 0, padL: 0, oh: 0, ow };
        const t = convTaps(conv, path);
        const runP = Math.ceil((kw * c) / unit) * unit;
        expect(t.kp).toBe(kh * runP);
        expect(t.taps).toHaveLength(t.kp / unit);
        const line = (ow + kw - 1) * c;
        const seen = new Set<number>();
        for (let i = 0; i < t.kp; i++) {
          const at = t.taps[Math.floor(i / unit)]! + (i % unit); // where tap i is read
          const src = t.source[i]!;
          expect(t.padding[i]).toBe(src < 0 ? 1 : 0);
          if (src < 0) continue;
          seen.add(src);
          // The layer's k = (ky·KW + kx)·C + ch sits at ky lines and kx pixels from the corner.
          const ky = Math.floor(src / (kw * c));
          const rest = src - ky * kw * c;
          expect(at).toBe(ky * line + rest);
        }
        expect(seen.size).toBe(kh * kw * c);
      }
  });
});

describe('winogradWeights (Winograd F(2×2, 5×5))', () => {
  /** Aᵀ[Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B)]A from the packed planes, as ik_conv_wino sums it. */
  function winoSums(
    wino: ReturnType<typeof winogradWeights>,
    d: Int32Array, // [6][6][c]
    c: number,
    np: number,
    j: number,
  ): number[] {
    const xh = new Array<number>(36 * c).fill(0); // Bᵀ d B per channel
    for (let ci = 0; ci < c; ci++)
      for (let i = 0; i < 6; i++)
        for (let jj = 0; jj < 6; jj++) {
          let v = 0;
          for (let r = 0; r < 6; r++)
            for (let s2 = 0; s2 < 6; s2++)
              v += WINO_BT[i]![r]! * d[(r * 6 + s2) * c + ci]! * WINO_BT[jj]![s2]!;
          xh[(i * 6 + jj) * c + ci] = v;
        }
    const at = (plane: number, ci: number) => {
      const nb = Math.floor(j / 8);
      return wino.weights[
        plane * np * c + (nb * (c / 2) + Math.floor(ci / 2)) * 16 + (j % 8) * 2 + (ci % 2)
      ]!;
    };
    const m = new Array<number>(36).fill(0);
    const lo = [...wino.split.keys()].filter((p) => wino.split[p]);
    for (let p = 0; p < 36; p++)
      for (let ci = 0; ci < c; ci++) {
        const x = xh[p * c + ci]!;
        const wv = wino.split[p] ? 16 * at(p, ci) + at(36 + lo.indexOf(p), ci) : at(p, ci);
        m[p] = m[p]! + x * wv;
      }
    const y: number[] = [];
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++) {
        let v = 0;
        for (let r = 0; r < 6; r++)
          for (let s2 = 0; s2 < 6; s2++) v += WINO_AT[a]![r]! * m[r * 6 + s2]! * WINO_AT[b]![s2]!;
        y.push(v);
      }
    return y;
  }

  it('gives 576 times the direct convolution’s sums, every packed value within int16, splitting only where it must', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }).map((h) => h * 2), // c: 2 or 4
        fc.integer({ min: 1, max: 9 }), // n
        fc.constantFrom(7, 127), // weight range ±
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (c, n, range, seed) => {
          let st = seed;
          const rnd = (lo: number, hi: number) => {
            st = (Math.imul(st, 1103515245) + 12345) >>> 0;
            return lo + (st % (hi - lo + 1));
          };
          const k = 25 * c;
          const w = Int8Array.from({ length: n * k }, () => rnd(-range - 1, range));
          const wino = winogradWeights(w, n, c);
          const np = Math.ceil(n / 8) * 8;
          expect(wino.weights.length).toBe(wino.planes * np * c);
          const splits = wino.split.reduce((a, v) => a + v, 0);
          expect(wino.planes).toBe(36 + splits);
          // 7-bit weights never need a split (|G g Gᵀ| ≤ 961·8); 8-bit ones only at the four
          // positions where G's ±2 rows meet.
          if (range === 7) expect(splits).toBe(0);
          for (let p = 0; p < 36; p++) if (wino.split[p]) expect([21, 22, 27, 28]).toContain(p);
          const d = Int32Array.from({ length: 36 * c }, () => rnd(-255, 255));
          for (let j = 0; j < n; j++) {
            const want: number[] = [];
            for (let oy = 0; oy < 2; oy++)
              for (let ox = 0; ox < 2; ox++) {
                let v = 0;
                for (let ky = 0; ky < 5; ky++)
                  for (let kx = 0; kx < 5; kx++)
                    for (let ci = 0; ci < c; ci++)
                      v +=
                        d[((oy + ky) * 6 + ox + kx) * c + ci]! * w[j * k + (ky * 5 + kx) * c + ci]!;
                want.push(576 * v);
              }
            expect(winoSums(wino, d, c, np, j)).toEqual(want);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  /** A small LeNet whose first layer has c1 input channels, planned with weight codes in ±max. */
  const lenetPlan = (c1: number, max: number, path: KernelPath, planeMax?: number) => {
    const net: NetShape = {
      input: [14, 14, c1],
      ops: [
        { kind: 'conv2d', name: 'a', kernel: [5, 5], filters: 16, padding: 'same', relu: true },
        { kind: 'maxpool2', name: 'p1' },
        { kind: 'conv2d', name: 'b', kernel: [5, 5], filters: 8, padding: 'valid', relu: true },
        { kind: 'flatten', name: 'flatten' },
        { kind: 'dense', name: 'fc', inputs: 3 * 3 * 8, units: 2, relu: false },
      ],
    };
    const w = (k: number, n: number) => symmetric(k, n, (i) => (i % (2 * max + 1)) - max, 0.01);
    return planInteger(
      {
        net,
        weights: new Map([
          ['a', w(25 * c1, 16)],
          ['b', w(25 * 16, 8)],
          ['fc', w(72, 2)],
        ]),
        acts: new Map([
          ['a', affine8(0.01)],
          ['b', affine8(0.05)],
          ['fc', affine8(0.05)],
        ]),
      },
      path,
      planeMax,
    );
  };

  it('is what the planner gives a 5×5 convolution with whole tiles on SIMD128, and nothing else', () => {
    for (const c1 of [1, 8])
      for (const path of ['simd128', 'relaxed-simd'] as const) {
        const plan = lenetPlan(c1, 127, path);
        const gemms = plan.steps.filter((s): s is GemmStep => s.kind === 'gemm');
        // a: 14×14 'same' tiles whole, but one input channel is not a vector of 8; b: 7×7 → 3×3
        // (odd: no whole tiles); relaxed SIMD: never.
        expect(gemms.map((s) => s.wino !== null)).toEqual([
          path === 'simd128' && c1 === 8,
          false,
          false,
        ]);
        // What SIMD128 would do, told from either build's plan (the runner's choice of build).
        expect(winogradOnSimd128(plan)).toBe(c1 === 8);
      }
  });

  it('takes a configuration to SIMD128 where relaxed SIMD is slower, and says why', () => {
    for (const c1 of [1, 8]) {
      // Where the dot product takes two steps: always, whatever the bit-width, told from either
      // build's plan (its Winograd convolution where it has one).
      const why = c1 === 8 ? WINOGRAD_NOTE : TWO_STEP_NOTE;
      for (const max of [7, 127])
        for (const path of ['simd128', 'relaxed-simd'] as const)
          expect(simd128Instead(lenetPlan(c1, max, path), true)).toBe(why);
      // Where it takes one (Arm): only 8-bit weights, in two relaxed planes.
      expect(simd128Instead(lenetPlan(c1, 127, 'relaxed-simd'), false)).toBe(TWO_PASSES_NOTE);
      expect(simd128Instead(lenetPlan(c1, 7, 'relaxed-simd'), false)).toBeNull();
      // Where whole bytes are exact (AVX-VNNI: one plane even at 8 bits): relaxed SIMD is kept.
      for (const max of [7, 127]) {
        const plan = lenetPlan(c1, max, 'relaxed-simd', PLANE_MAX_8BIT);
        expect(multiPlane(plan)).toBe(false);
        expect(simd128Instead(plan, false)).toBeNull();
      }
    }
  });
});

describe('planInteger', () => {
  const net: NetShape = {
    input: [1, 1, 3],
    ops: [
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'fc1', inputs: 3, units: 2, relu: true },
      { kind: 'dense', name: 'fc2', inputs: 2, units: 2, relu: false },
    ],
  };
  const weights = new Map<string, IntWeights>([
    ['fc1', { codes: Int32Array.from([1, -1, 2, 0, 3, 1]), scale: Float32Array.of(0.5), zeroPoint: Int32Array.of(0), bias: Float32Array.of(0.25, -0.5) }], // prettier-ignore
    ['fc2', { codes: Int32Array.from([200, 10, 0, 255]), scale: Float32Array.of(0.01, 0.02), zeroPoint: Int32Array.of(128, 100), bias: null }], // prettier-ignore
  ]);
  const acts = new Map<string, ActGrid>([
    ['fc1', affine8(0.1, 0)],
    ['fc2', affine8(0.2, 10)],
  ]);

  it('plans requantization into the next layer’s grid, ReLU as the clamp, and float logits last', () => {
    const plan = planInteger({ net, weights, acts });
    expect(plan.approximations).toEqual([]);
    expect(plan.classes).toBe(2);
    const [s1, s2] = plan.steps;
    if (s1?.kind !== 'gemm' || s2?.kind !== 'gemm') throw new Error('two GEMMs expected');
    expect([s1.k, s1.kp, s1.n, s1.np]).toEqual([3, 4, 2, 8]);
    expect(s1.wzp).toBeNull(); // symmetric codes fit in int8 as they are
    if (s1.out.kind !== 'requant') throw new Error('requant expected');
    expect(s1.out.zp).toBe(10);
    expect(s1.out.lo).toBe(10); // ReLU: nothing below the code of real 0
    expect(s1.out.hi).toBe(255);
    // M = s_x · s_w / s_next = 0.1 · 0.5 · fl(1/0.2).
    const m = 0.1 * 0.5 * Math.fround(1 / 0.2);
    expect(s1.out.mult[0]! / 2 ** s1.out.shift).toBeCloseTo(m, 9);
    // The bias in output steps at the same fixed point, plus half a step.
    const half = 1n << BigInt(s1.out.shift - 1);
    expect(Number(s1.out.offs[0]! - half) / 2 ** s1.out.shift).toBeCloseTo(0.25 * Math.fround(1 / 0.2), 9); // prettier-ignore
    // Affine 8-bit weights (codes 0..255, zero-points 128 and 100) do not fit q − z in int8:
    // stored as q − 128 with the zero-points − 128.
    expect(Array.from(s2.wzp!.subarray(0, 2))).toEqual([0, -28]);
    if (s2.out.kind !== 'dequant') throw new Error('dequant expected');
    expect(s2.out.scale[1]).toBe(Math.fround(0.2 * Math.fround(0.02)));
    expect(s2.inZp).toBe(10);
    expect(s1.macs + s2.macs).toBe(3 * 2 + 2 * 2);
  });

  it('says when relaxed SIMD would take a layer’s weights in more than one plane (then the app runs SIMD128)', () => {
    const input = { net, weights, acts };
    // fc2's affine 8-bit codes span 0..255: two 7-bit planes, or one of whole bytes.
    const sevenBit = planInteger(input, 'relaxed-simd', PLANE_MAX_7BIT);
    expect((sevenBit.steps as GemmStep[]).map((s) => s.planes)).toEqual([1, 3]);
    expect(multiPlane(sevenBit)).toBe(true);
    expect(multiPlane(planInteger(input, 'relaxed-simd', PLANE_MAX_8BIT))).toBe(false);
    expect(multiPlane(planInteger(input))).toBe(false); // SIMD128 has no planes
    // 4-bit codes fit one 7-bit plane.
    const fourBit = new Map(weights).set('fc2', { ...weights.get('fc2')!, codes: Int32Array.from([7, -8, 0, 3]), zeroPoint: Int32Array.of(0, 0) }); // prettier-ignore
    expect(multiPlane(planInteger({ ...input, weights: fourBit }, 'relaxed-simd', PLANE_MAX_7BIT))).toBe(false); // prettier-ignore
  });

  it('on whole-byte relaxed SIMD, runs symmetric layers in the signed form: no clamp, the bias in the offsets, the same codes', () => {
    const input = { net, weights, acts };
    const planes = planInteger(input, 'relaxed-simd', PLANE_MAX_7BIT);
    const signed = planInteger(input, 'relaxed-simd', PLANE_MAX_8BIT);
    const [p1] = planes.steps as GemmStep[];
    const [s1, s2] = signed.steps as GemmStep[];
    if (p1?.out.kind !== 'requant' || s1?.out.kind !== 'requant')
      throw new Error('requant expected');
    expect([p1.signed, s1.signed, s2!.signed]).toEqual([false, true, false]); // fc2: zero-points
    // No sum of 3 codes times |q| ≤ 3 comes near the clamp, so neither form clamps; the signed
    // form's C joins the offsets, the planes keep theirs (their row-sum term needs the epilogue).
    expect([s1.bias, s1.out.clampAcc, p1.out.clampAcc]).toEqual([null, 0, 0]);
    expect(p1.bias).not.toBeNull();
    // A multiplier of 5·10^6 puts the clamp within reach: it stays, and so does the int32 bias.
    const tight = planInteger({ ...input, acts: new Map(acts).set('fc2', affine8(1e-8, 10)) }, 'relaxed-simd', PLANE_MAX_8BIT); // prettier-ignore
    const [t1] = tight.steps as GemmStep[];
    if (t1?.out.kind !== 'requant') throw new Error('requant expected');
    expect(t1.signed).toBe(true);
    expect(t1.out.clampAcc).toBeGreaterThan(0);
    expect(t1.bias).not.toBeNull();
    /** The codes a requantizing step gives for rows u, as the kernels compute them. */
    const codes = (st: GemmStep, u: Uint8Array, m: number): number[] => {
      const q = st.out as Extract<GemmStep['out'], { kind: 'requant' }>;
      return emulate(u, m, st.k, st.n, st, st.signed ? PLANE_MAX_8BIT : PLANE_MAX_7BIT).map(
        (acc, i) => {
          const a = q.clampAcc ? Math.max(-q.clampAcc, Math.min(q.clampAcc, acc)) : acc;
          const v = (BigInt(a) * BigInt(q.mult[i % st.n]!) + q.offs[i % st.n]!) >> BigInt(q.shift); // prettier-ignore
          return Math.max(q.lo, Math.min(q.hi, Number(v) + q.zp));
        },
      );
    };
    const u = Uint8Array.from({ length: 3 * 256 }, (_, i) => (i * 97 + (i >> 3) * 31) % 256);
    const want = codes(p1, u, 256);
    expect(codes(s1, u, 256)).toEqual(want);
    expect(new Set(want).size).toBeGreaterThan(20);
  });

  it('fuses a 2×2 max pool into the convolution before it (the implicit GEMM), and halves the shape there', () => {
    const cnn: NetShape = {
      input: [6, 5, 1],
      ops: [
        { kind: 'conv2d', name: 'conv', kernel: [3, 3], filters: 2, padding: 'same', relu: true },
        { kind: 'maxpool2', name: 'pool' },
        { kind: 'flatten', name: 'flatten' },
        { kind: 'dense', name: 'fc', inputs: 3 * 2 * 2, units: 2, relu: false },
      ],
    };
    const w = (k: number, n: number) => symmetric(k, n, (i) => (i % 7) - 3, 0.1);
    const plan = planInteger({
      net: cnn,
      weights: new Map([
        ['conv', w(9, 2)],
        ['fc', w(12, 2)],
      ]),
      acts: new Map([
        ['conv', affine8(0.01)],
        ['fc', affine8(0.05)],
      ]),
    });
    expect(plan.steps.map((s) => [s.kind, s.kind === 'gemm' && s.pool])).toEqual([
      ['gemm', true],
      ['gemm', false],
    ]);
    // 6×5 → 3×2 after the pool (the odd column dropped): the widest activation is the input.
    expect(plan.maxActBytes).toBe(6 * 5);
  });

  it('refuses what the integer path cannot run', () => {
    expect(() => planInteger({ net, weights, acts: new Map([['fc1', affine8(0.1)]]) })).toThrow(
      'No activation quantizer for the input of fc2',
    );
    const wide = new Map(acts).set('fc2', { scale: 0.1, zeroPoint: 0, qmin: 0, qmax: 1023 });
    expect(() => planInteger({ net, weights, acts: wide })).toThrow(RangeError);
    const short = new Map(weights).set('fc1', { ...weights.get('fc1')!, codes: new Int32Array(4) });
    expect(() => planInteger({ net, weights: short, acts })).toThrow('4 weight codes');
  });
});
