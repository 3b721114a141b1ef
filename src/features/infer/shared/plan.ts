/**
 * From a compressed model to an integer plan: what the WebAssembly kernels (wasm/intkernels.c)
 * run. Pure: typed arrays in, typed arrays out.
 *
 * Integer inference (gemmlowp, TFLite, XNNPACK) keeps every activation as a uint8 code u with a
 * real value s·(u − z), every weight as an int8 code q with s_w·(q − z_w), accumulates exact int32
 * sums and maps them to the next layer's codes with one fixed-point multiply per output:
 *
 *   u_next = clamp(z_next + round(acc · M), lo, hi),   M = s_x · s_w[n] / s_next
 *
 * The fake-quant float path of the app (features/model/worker/forward.ts) quantizes the input
 * of each weighted layer with the same (s, z) and computes the layer in float32: both run the same
 * quantized values through the same network. They differ only by the float path's float32
 * rounding of the sums, the 31-bit multiplier (the bias enters at the output's fixed point, with
 * 40-odd fraction bits) and the rounding rule at an exact tie (half up here, half to even there): a code now and then
 * one step apart, very rarely a different prediction. Where the config is not integer to begin
 * with (float weights, k-means, float16, activations left float), the plan quantizes what it must
 * to 8 bits and says so in `approximations`.
 */

import { quantizeWeights, roundHalfEven } from '../../quantize';
import type { QuantizedTensor } from '../../quantize';

/* ------------------------------- the network ----------------------------------- */

/** One layer of a plain feed-forward stack, as the integer path needs it. */
export type NetOp =
  | {
      readonly kind: 'dense';
      readonly name: string;
      readonly inputs: number;
      readonly units: number;
      readonly relu: boolean;
    }
  | {
      readonly kind: 'conv2d';
      readonly name: string;
      readonly kernel: readonly [number, number];
      readonly filters: number;
      readonly padding: 'same' | 'valid';
      readonly relu: boolean;
    }
  | { readonly kind: 'maxpool2'; readonly name: string }
  | { readonly kind: 'flatten'; readonly name: string };

export interface NetShape {
  /** [h, w, c] of one input image (NHWC). */
  readonly input: readonly [number, number, number];
  readonly ops: readonly NetOp[];
}

/** Activation quantizer of a layer's input, as the fake-quant path uses it (forward.ts). */
export interface ActGrid {
  readonly scale: number;
  readonly zeroPoint: number;
  readonly qmin: number;
  readonly qmax: number;
}

/** A weighted layer's integer weights: codes in the kernel's layout ([.., K, N], N last). */
export interface IntWeights {
  readonly codes: Int32Array;
  /** Per output channel (length N), or one value per tensor (length 1). */
  readonly scale: Float32Array;
  readonly zeroPoint: Int32Array;
  readonly bias: Float32Array | null;
}

/* -------------------------------- the plan ------------------------------------- */

/**
 * Which build of the kernels a plan is for (wasm/intkernels.c): SIMD128 (activations int16 by
 * pairs of k, i32x4.dot_i16x8_s) or relaxed SIMD (activations int8 by quads of k, weights in 7-bit
 * planes, i32x4.relaxed_dot_i8x16_i7x16_add_s). Both give the same accumulators.
 */
export type KernelPath = 'simd128' | 'relaxed-simd';

/** Requantization to the next layer's uint8 codes (see wasm/intkernels.c). */
export interface Requant {
  readonly kind: 'requant';
  /** Fixed-point multipliers M0[n] < 2^31, length Np: M[n] ≈ M0[n] / 2^shift. */
  readonly mult: Int32Array;
  /**
   * Per channel (length Np): the bias in the next layer's steps at the same fixed point,
   * round(b[n] / s_y · 2^shift), plus the rounding constant 2^(shift − 1).
   */
  readonly offs: BigInt64Array;
  readonly shift: number;
  /**
   * Accumulators are clamped to ±clampAcc first (never changes an output; keeps int32 safe); 0
   * where no accumulator can reach it, and the kernels skip the clamp.
   */
  readonly clampAcc: number;
  /** The next layer's zero-point and code range, in uint8 storage; lo includes ReLU. */
  readonly zp: number;
  readonly lo: number;
  readonly hi: number;
}

/** The last layer: float32 logits = scale[n] · acc + bias[n]. */
export interface Dequant {
  readonly kind: 'dequant';
  readonly scale: Float32Array;
  readonly bias: Float32Array;
  readonly relu: boolean;
}

export interface ConvGeometry {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly padT: number;
  readonly padL: number;
  readonly oh: number;
  readonly ow: number;
}

export interface GemmStep {
  readonly kind: 'gemm';
  readonly name: string;
  /** null for Dense (rows are the images), the im2col geometry for Conv2D. */
  readonly conv: ConvGeometry | null;
  /** Inner size, and padded as the kernels take k (SIMD128: to even; relaxed: to a multiple of 4). */
  readonly k: number;
  readonly kp: number;
  /** Output channels, and padded to a multiple of 8 (the kernels' channel block). */
  readonly n: number;
  readonly np: number;
  /** int8, planes·np·kp bytes, in the kernels' layout ({@link gemmWeights}). */
  readonly weights: Int8Array;
  /** Weight planes (1 on SIMD128; 1–3 on relaxed SIMD, 1 where planes take whole bytes). */
  readonly planes: number;
  /**
   * Relaxed SIMD's signed form ({@link gemmWeights}): one plane of int8 weights against the raw
   * uint8 codes; the kernels take it as P = 0 ({@link kernelPlanes}) and rows packed raw.
   */
  readonly signed: boolean;
  /** What the kernels subtract times each row sum (length np), or null when all are 0. */
  readonly wzp: Int32Array | null;
  /**
   * The kernels' int32 bias (length np): the relaxed path's zero-point terms; null on SIMD128, and
   * where the planner folded it into the requantization's offsets.
   */
  readonly bias: Int32Array | null;
  /** The input's zero-point in uint8 storage. */
  readonly inZp: number;
  /**
   * A convolution run as an implicit GEMM (ik_conv_requant, {@link convTaps}): where each
   * dot-product step's values start in the bordered image; `kp` is then that layout's inner size.
   * null: Dense, or im2col + GEMM (a convolution whose output is the logits).
   */
  readonly taps: Uint32Array | null;
  /**
   * The implicit GEMM's output goes through the 2×2 max pool that follows it in the network,
   * fused (the kernels requantize only each window's largest sum: exact, the requantization
   * never decreases); the plan then has no step for that pool.
   */
  readonly pool: boolean;
  /**
   * The convolution runs through Winograd F(2×2, 5×5) instead (ik_conv_wino, {@link
   * winogradWeights}): the same accumulators with 36 multiplies per tile and channel pair (37
   * where 8-bit weights need a split) where the direct convolution takes 100. null: the implicit
   * GEMM (or im2col + GEMM), which `weights` and `taps` then describe.
   */
  readonly wino: WinogradWeights | null;
  readonly out: Requant | Dequant;
  /** Multiply-accumulates per image (without padding). */
  readonly macs: number;
}

export interface PoolStep {
  readonly kind: 'maxpool2';
  readonly name: string;
  readonly h: number;
  readonly w: number;
  readonly c: number;
}

export type IntStep = GemmStep | PoolStep;

export interface IntPlan {
  readonly path: KernelPath;
  /** The largest weight-plane value the plan packs (relaxed SIMD): kernels must read it exactly. */
  readonly planeMax: number;
  readonly input: readonly [number, number, number];
  /** Raw pixel byte (0–255) → the first layer's uint8 code (x/255, then its quantizer). */
  readonly lut: Uint8Array;
  readonly steps: readonly IntStep[];
  readonly classes: number;
  /**
   * What differs from the fake-quant float path beyond rounding: empty when the config is
   * integer throughout (weights ≤ 8 bits and activations quantized at every weighted layer).
   */
  readonly approximations: readonly string[];
  /** Widest uint8 activation per image, in bytes (for chunking). */
  readonly maxActBytes: number;
  /** Largest im2col/packed buffer per image, in bytes. */
  readonly maxPackBytes: number;
}

/* ------------------------------ helpers ---------------------------------------- */

const round2 = (k: number) => Math.ceil(k / 2) * 2;
const round4 = (k: number) => Math.ceil(k / 4) * 4;
const round8 = (n: number) => Math.ceil(n / 8) * 8;

/** Bytes of one packed activation (int16 on SIMD128, int8 on relaxed SIMD). */
export const actBytes = (path: KernelPath): number => (path === 'simd128' ? 2 : 1);

/**
 * W int8 [n][k] (one row per output channel) in the kernels' layout (wasm/intkernels.c): blocks
 * of 8 channels, each by pairs of k, [c0k0 c0k1 c1k0 c1k1 … c7k0 c7k1]; zeros in the padding
 * (channels up to a multiple of 8, k up to even).
 */
export function packWeights(w: Int8Array, n: number, k: number): Int8Array {
  const kp = round2(k);
  const np = round8(n);
  const out = new Int8Array(np * kp);
  let o = 0;
  for (let nb = 0; nb < np; nb += 8)
    for (let p = 0; p < kp; p += 2)
      for (let j = nb; j < nb + 8; j++)
        for (let kk = p; kk < p + 2; kk++, o++) if (j < n && kk < k) out[o] = w[j * k + kk]!;
  return out;
}

/**
 * The largest value of a relaxed-SIMD weight plane: the dot product's 7-bit operand (0..127), or
 * the full unsigned byte (0..255) on an engine whose dot product the kernels' wide self-test found
 * to read it unsigned and without saturation, as x86's AVX-VNNI vpdpbusd does (features/infer/
 * worker/kernels.ts): then every weight of up to 8 bits fits in one plane.
 */
export const PLANE_MAX_7BIT = 127;
export const PLANE_MAX_8BIT = 255;

/**
 * Weight planes for relaxed SIMD: v = w + o (o = −min w, so v ≥ 0) split as
 * v = Σ_p min(P, max(0, v − P·p)) with P = `planeMax` (127, or 255 on an engine that reads the
 * whole byte), in blocks of 8 channels, then by quads of k, then by plane:
 * [c0k0 c0k1 c0k2 c0k3 c1k0 … c3k3][c4k0 … c7k3] (32 bytes per quad and plane; a byte over 127
 * is stored as its two's-complement int8); zeros in the padding (channels up to a multiple of 8, k
 * up to a multiple of 4).
 */
export function packWeightsQuads(
  w: Int8Array,
  n: number,
  k: number,
  planeMax: number = PLANE_MAX_7BIT,
  padding: Uint8Array | null = null,
): { packed: Int8Array; planes: number; offset: number } {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < w.length; i++) {
    lo = Math.min(lo, w[i]!);
    hi = Math.max(hi, w[i]!);
  }
  // o = −min(w, 0): with every code ≥ 0 the offset stays 0 (and so do the padded taps).
  const offset = -lo;
  const planes = Math.max(1, Math.ceil((hi + offset) / planeMax));
  // Int8Array wraps a plane byte of 128..255.
  const packed = quadLayout(w, n, k, planes, padding, (v, p) =>
    Math.max(0, Math.min(planeMax, v + offset - planeMax * p)),
  );
  return { packed, planes, offset };
}

/**
 * The relaxed kernels' weight layout: blocks of 8 channels, then quads of k, then `planes`
 * planes of 32 bytes, byte(w[j][kk], p) at each real tap; zeros in the padding (channels up to a
 * multiple of 8, k up to a multiple of 4, and the taps `padding` marks, in every plane).
 */
function quadLayout(
  w: Int8Array,
  n: number,
  k: number,
  planes: number,
  padding: Uint8Array | null,
  byte: (code: number, plane: number) => number,
): Int8Array {
  const kp = round4(k);
  const np = round8(n);
  const packed = new Int8Array(planes * np * kp);
  let o = 0;
  for (let nb = 0; nb < np; nb += 8)
    for (let q = 0; q < kp; q += 4)
      for (let p = 0; p < planes; p++)
        for (let j = nb; j < nb + 8; j++, o += 4)
          if (j < n)
            for (let kk = q; kk < q + 4 && kk < k; kk++)
              if (!padding?.[kk]) packed[o + kk - q] = byte(w[j * k + kk]!, p);
  return packed;
}

/** A weighted layer as the kernels of one path take it. */
export interface GemmWeights {
  readonly kp: number;
  readonly weights: Int8Array;
  readonly planes: number;
  /** Relaxed SIMD's signed form: see {@link gemmWeights}. */
  readonly signed: boolean;
  readonly wzp: Int32Array | null;
  readonly bias: Int32Array | null;
}

/** The P argument of the GEMM exports for `g` (wasm/intkernels.c): 0 for the signed form. */
export const kernelPlanes = (g: { readonly planes: number; readonly signed: boolean }): number =>
  g.signed ? 0 : g.planes;

/**
 * The weights of a layer for the kernels of `path`: int8 codes w [n][k] (one row per channel), the
 * zero-points wzp (null when all 0) and the input's zero-point zx (uint8 storage). On SIMD128 the
 * codes pack by pairs ({@link packWeights}). On relaxed SIMD the kernels sum Σ_k x·v with
 * x = u − 128 and the planes' v = w + o, and the returned row-sum factor G[n] = o + wzp[n] and
 * bias C[n] = (128 − zx)·(Σ_k w[n][k] − K·wzp[n]) make the kernels' acc + C − G·Σx equal to
 * Σ_k (u − zx)(w − wzp), as on SIMD128 (wasm/intkernels.c explains why). Where the dot product
 * reads whole bytes unsigned (`planeMax` 255) and the weights have no zero-points (wzp null: every
 * q − z fits in int8), relaxed SIMD takes the signed form instead: w itself as the signed operand,
 * the raw codes u as the unsigned one, no row sums, and the bias C[n] = −zx·Σ_k w[n][k] makes
 * acc + C equal Σ_k (u − zx)·w. `padding` marks taps that are not the layer's (the implicit
 * GEMM's run padding, {@link convTaps}): w must hold 0 there, they get 0 in every plane, and the
 * zero-point terms count only the real taps.
 */
export function gemmWeights(
  w: Int8Array,
  wzp: Int32Array | null,
  n: number,
  k: number,
  zx: number,
  path: KernelPath,
  planeMax: number = PLANE_MAX_7BIT,
  padding: Uint8Array | null = null,
): GemmWeights {
  if (path === 'simd128')
    return {
      kp: round2(k),
      weights: packWeights(w, n, k),
      planes: 1,
      signed: false,
      wzp,
      bias: null,
    };
  if (planeMax >= PLANE_MAX_8BIT && !wzp) {
    const c = new Int32Array(round8(n));
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let kk = 0; kk < k; kk++) sum += w[j * k + kk]!; // padding taps hold 0
      c[j] = -zx * sum;
    }
    return {
      kp: round4(k),
      weights: quadLayout(w, n, k, 1, padding, (v) => v), // the codes as they are, one plane
      planes: 1,
      signed: true,
      wzp: null,
      bias: c,
    };
  }
  const { packed, planes, offset } = packWeightsQuads(w, n, k, planeMax, padding);
  let real = k;
  if (padding) for (let kk = 0; kk < k; kk++) real -= padding[kk]!;
  const np = round8(n);
  const g = new Int32Array(np);
  const c = new Int32Array(np);
  for (let j = 0; j < n; j++) {
    const z = wzp?.[j] ?? 0;
    let sum = 0;
    for (let kk = 0; kk < k; kk++) sum += w[j * k + kk]!; // padding taps hold 0
    g[j] = offset + z;
    c[j] = (128 - zx) * (sum - real * z); // |·| < 2^31 for k < 2^16; Int32Array wraps otherwise
  }
  return { kp: round4(k), weights: packed, planes, signed: false, wzp: g, bias: c };
}

/** Offset of a code range in uint8 storage: signed codes (−128..127) are stored as u = q + 128. */
function storage(g: ActGrid): { off: number; zp: number; lo: number; hi: number } {
  if (g.qmax - g.qmin > 255 || g.qmin < -128 || g.qmax > 255)
    throw new RangeError(
      `An activation grid [${g.qmin}, ${g.qmax}] does not fit in 8 bits: the integer path takes ≤ 8-bit activations.`,
    );
  const off = g.qmin < 0 ? 128 : 0;
  return { off, zp: g.zeroPoint + off, lo: g.qmin + off, hi: g.qmax + off };
}

/**
 * The first layer's codes of every pixel byte, exactly as the float path computes them: the image
 * as float32 x = fl(p · (1/255)) (features/model/worker/preprocess.ts), then
 * clamp(roundHalfEven(fl(x · fl(1/s))) + z, qmin, qmax) (forward.ts's fakeQuantAct).
 */
export function inputLut(g: ActGrid): Uint8Array {
  const { off } = storage(g);
  const inv = Math.fround(1 / g.scale);
  const lut = new Uint8Array(256);
  for (let p = 0; p < 256; p++) {
    const x = Math.fround(p * (1 / 255));
    const q = roundHalfEven(Math.fround(x * inv)) + g.zeroPoint;
    lut[p] = Math.min(g.qmax, Math.max(g.qmin, q)) + off;
  }
  return lut;
}

/**
 * M ≈ M0 / 2^shift for every channel with one shift (the kernels shift all four lanes at once):
 * the largest M gets a 31-bit M0, smaller ones fewer bits (at 10× smaller, still 27 bits). The
 * shift is at most `maxShift` (the bias offsets must fit in 61 bits).
 */
export function fixedPointMultipliers(
  m: Float64Array,
  maxShift = 62,
): { mult: Int32Array; shift: number } {
  let max = 0;
  for (const v of m) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`A requantization scale of ${v}.`);
    max = Math.max(max, v);
  }
  // max = f · 2^e with f ∈ [0.5, 1): shift 31 − e puts max · 2^shift in [2^30, 2^31).
  let shift = max > 0 ? 31 - (Math.floor(Math.log2(max)) + 1) : 62;
  shift = Math.min(shift, maxShift, 62);
  if (shift < 1)
    throw new RangeError(`A requantization scale of ${max}: too large for the integer path.`);
  const limit = 2 ** 31 - 1;
  const mult = Int32Array.from(m, (v) => Math.min(limit, Math.round(v * 2 ** shift)));
  return { mult, shift };
}

/** Integer weights of a compressed layer: its codes when it has ≤ 8-bit ones, else 8-bit ones. */
export function intWeightsOf(
  layer: {
    readonly name: string;
    readonly values: Float32Array;
    readonly tensor: QuantizedTensor | null;
    readonly mask: Uint8Array | null;
    readonly spec: { readonly kind: string };
  },
  kernelShape: readonly number[],
  bias: Float32Array | null,
): { weights: IntWeights; approximation: string | null } {
  const t = layer.tensor;
  if (t && t.qmax - t.qmin <= 255) {
    let codes = t.codes;
    // Binary maps a pruned 0 to +α; compress.ts re-applies the mask to the values: do the same
    // to the codes (code 0 is 0 for binary, whose zero-point is 0).
    if (layer.mask && layer.spec.kind === 'binary') {
      codes = codes.slice();
      for (let i = 0; i < codes.length; i++) if (layer.mask[i] === 0) codes[i] = 0;
    }
    return {
      weights: { codes, scale: t.scale, zeroPoint: t.zeroPoint, bias },
      approximation: null,
    };
  }
  // Float (or k-means, float16) weights: the integer path runs them at 8 bits per channel.
  const q = quantizeWeights(layer.values, kernelShape, {
    kind: 'uniform',
    bits: 8,
    scheme: 'symmetric',
    symRange: 'restricted',
    perChannel: true,
  }).tensor!;
  return {
    weights: { codes: q.codes, scale: q.scale, zeroPoint: q.zeroPoint, bias },
    approximation: `${layer.name}: ${layer.spec.kind === 'float32' && !t ? 'float' : layer.spec.kind} weights run as 8-bit per-channel integers`,
  };
}

/* ------------------------------ the planner ------------------------------------ */

export interface PlanInput {
  readonly net: NetShape;
  /** Per weighted layer, by name. */
  readonly weights: ReadonlyMap<string, IntWeights>;
  /** The input quantizer of every weighted layer, by name (the integer path needs them all). */
  readonly acts: ReadonlyMap<string, ActGrid>;
  /** Known approximations (from intWeightsOf and the choice of activation grids). */
  readonly approximations?: readonly string[];
}

/**
 * The implicit GEMM's layout of a stride-1 convolution's k (wasm/intkernels.c, ik_conv_requant):
 * each of the KH runs of KW·C values, contiguous in the kernels' bordered image, padded to a whole
 * number of quads (relaxed SIMD) or pairs (SIMD128), so that no step of the dot product crosses
 * from one image line to the next. `taps[q]`: where step q's values start, in elements from the
 * window's top-left in the bordered image ((OW + KW − 1)·C elements per line); `padding[k']`: 1
 * for the taps that pad a run; `source[k']`: the layer's k of tap k', or −1.
 */
export function convTaps(
  conv: ConvGeometry,
  path: KernelPath,
): { kp: number; taps: Uint32Array; padding: Uint8Array; source: Int32Array } {
  const unit = path === 'simd128' ? 2 : 4;
  const run = conv.kw * conv.c;
  const runP = Math.ceil(run / unit) * unit;
  const kp = conv.kh * runP;
  const lineElems = (conv.ow + conv.kw - 1) * conv.c;
  const taps = Uint32Array.from({ length: kp / unit }, (_, q) => {
    const ky = Math.floor((q * unit) / runP);
    return ky * lineElems + q * unit - ky * runP;
  });
  const padding = new Uint8Array(kp);
  const source = new Int32Array(kp);
  for (let i = 0; i < kp; i++) {
    const ky = Math.floor(i / runP);
    const j = i - ky * runP;
    padding[i] = j < run ? 0 : 1;
    source[i] = j < run ? ky * run + j : -1;
  }
  return { kp, taps, padding, source };
}

/* ------------------------- Winograd F(2×2, 5×5) -------------------------------- */

/**
 * Winograd's F(2×2, 5×5) for the SIMD128 kernels (wasm/intkernels.c, ik_conv_wino, which explains
 * it): each 2×2 output tile from its 6×6 input window as 576·Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, with
 * these integer matrices (points 0, ±1, ±2, ∞; G's rows and Aᵀ scaled by 24).
 */
export const WINO_G: readonly (readonly number[])[] = [
  [1, 0, 0, 0, 0],
  [1, 1, 1, 1, 1],
  [1, -1, 1, -1, 1],
  [1, 2, 4, 8, 16],
  [1, -2, 4, -8, 16],
  [0, 0, 0, 0, 1],
];
export const WINO_BT: readonly (readonly number[])[] = [
  [4, 0, -5, 0, 1, 0],
  [0, -4, -4, 1, 1, 0],
  [0, 4, -4, -1, 1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];
export const WINO_AT: readonly (readonly number[])[] = [
  [6, -4, -4, 1, 1, 0],
  [0, -4, 4, 2, -2, 24],
];

/** A convolution's weights transformed for ik_conv_wino. */
export interface WinogradWeights {
  /**
   * int16, planes × np/8 blocks × c/2 pairs × 16: the 36 positions' G g Gᵀ, then one plane for
   * each split position's g_lo (its own plane holding g_hi), packed as the SIMD128 GEMM packs
   * int8 weights ([n0k0 n0k1 n1k0 n1k1 … n7k0 n7k1] per pair of input channels).
   */
  readonly weights: Int16Array;
  readonly planes: number;
  /** 1 at the positions whose transformed weights do not fit int16: split as 16·g_hi + g_lo. */
  readonly split: Uint8Array;
}

/** G g Gᵀ of one 5×5 kernel g (row-major), 36 values row-major. */
function winoTransform(g: ArrayLike<number>): Int32Array {
  const t = new Int32Array(30); // G g: 6 × 5
  for (let i = 0; i < 6; i++)
    for (let x = 0; x < 5; x++) {
      let s = 0;
      for (let y = 0; y < 5; y++) s += WINO_G[i]![y]! * g[y * 5 + x]!;
      t[i * 5 + x] = s;
    }
  const out = new Int32Array(36);
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++) {
      let s = 0;
      for (let x = 0; x < 5; x++) s += t[i * 5 + x]! * WINO_G[j]![x]!;
      out[i * 6 + j] = s;
    }
  return out;
}

/**
 * Whether ik_conv_wino runs this convolution exactly: SIMD128, a 5×5 kernel, whole 2×2 tiles
 * (even output sizes), input channels in whole vectors of 8, and K·255·128 < 2²⁵ (the bound under
 * which the kernel recovers the accumulator from its value modulo 2³²).
 */
export function winogradFits(conv: ConvGeometry, path: KernelPath): boolean {
  return (
    path === 'simd128' &&
    conv.kh === 5 &&
    conv.kw === 5 &&
    conv.oh % 2 === 0 &&
    conv.ow % 2 === 0 &&
    conv.c % 8 === 0 &&
    25 * conv.c * 255 * 128 < 2 ** 25
  );
}

/**
 * The transformed weights of a 5×5 convolution for ik_conv_wino: w [n][k] int8 codes (k = 25·c
 * in (ky, kx, c) order, as the layer's rows), the 5×5 kernel of each output and input channel
 * through G g Gᵀ.
 */
export function winogradWeights(w: Int8Array, n: number, c: number): WinogradWeights {
  const k = 25 * c;
  const np = round8(n);
  const full = new Int32Array(np * c * 36); // [j][ci][36]
  const hi = new Int32Array(np * c * 36);
  const lo = new Int32Array(np * c * 36);
  const g = new Int32Array(25);
  const gh = new Int32Array(25);
  const gl = new Int32Array(25);
  const split = new Uint8Array(36);
  for (let j = 0; j < n; j++)
    for (let ci = 0; ci < c; ci++) {
      for (let t = 0; t < 25; t++) {
        const v = w[j * k + t * c + ci]!;
        g[t] = v;
        gh[t] = v >> 4;
        gl[t] = v & 15;
      }
      const at = (j * c + ci) * 36;
      full.set(winoTransform(g), at);
      hi.set(winoTransform(gh), at);
      lo.set(winoTransform(gl), at);
      for (let p = 0; p < 36; p++) if (Math.abs(full[at + p]!) > 32767) split[p] = 1;
    }
  const extra: number[] = [];
  for (let p = 0; p < 36; p++) if (split[p]) extra.push(p);
  const planes = 36 + extra.length;
  const weights = new Int16Array(planes * np * c);
  for (let pl = 0; pl < planes; pl++) {
    const p = pl < 36 ? pl : extra[pl - 36]!;
    const src = pl >= 36 ? lo : split[p] ? hi : full;
    let o = pl * np * c;
    for (let nb = 0; nb < np; nb += 8)
      for (let ci = 0; ci < c; ci += 2)
        for (let j = nb; j < nb + 8; j++, o += 2) {
          weights[o] = src[(j * c + ci) * 36 + p]!;
          weights[o + 1] = src[(j * c + ci + 1) * 36 + p]!;
        }
  }
  return { weights, planes, split };
}

/**
 * Builds the integer plan for the kernels of `path` (relaxed SIMD: weight planes of at most
 * `planeMax`, see {@link PLANE_MAX_8BIT}). Throws on layers the integer path does not run.
 */
export function planInteger(
  input: PlanInput,
  path: KernelPath = 'simd128',
  planeMax: number = PLANE_MAX_7BIT,
): IntPlan {
  const { net } = input;
  const approximations = [...(input.approximations ?? [])];
  const weighted = net.ops.filter((o) => o.kind === 'dense' || o.kind === 'conv2d');
  if (weighted.length === 0) throw new Error('The network has no Dense or Conv2D layer.');
  const gridOf = (name: string): ActGrid => {
    const g = input.acts.get(name);
    if (!g) throw new Error(`No activation quantizer for the input of ${name}.`);
    return g;
  };
  let [h, w, c] = net.input;
  let flat: number | null = null; // set once the activations are a vector
  const steps: IntStep[] = [];
  let maxActBytes = h * w * c;
  let maxPackBytes = 0;
  let classes = 0;
  let weightedSeen = 0;
  for (const [at, op] of net.ops.entries()) {
    switch (op.kind) {
      case 'flatten':
        flat = h * w * c;
        break;
      case 'maxpool2':
        if (flat !== null) throw new Error(`${op.name}: pooling after flatten.`);
        if (net.ops[at - 1]?.kind === 'conv2d' && steps.at(-1)?.kind === 'gemm') {
          const prev = steps.at(-1) as GemmStep;
          if (prev.pool) break; // fused into the convolution before it (h, w halved there)
        }
        steps.push({ kind: 'maxpool2', name: op.name, h, w, c });
        h = Math.floor(h / 2);
        w = Math.floor(w / 2);
        break;
      case 'dense':
      case 'conv2d': {
        const nextWeighted = weighted[++weightedSeen] ?? null;
        const wts = input.weights.get(op.name);
        if (!wts) throw new Error(`No integer weights for ${op.name}.`);
        const inGrid = gridOf(op.name);
        const inStore = storage(inGrid);
        let conv: ConvGeometry | null = null;
        let k: number;
        let n: number;
        let rows: number; // GEMM rows per image
        if (op.kind === 'dense') {
          k = flat ?? h * w * c;
          if (k !== op.inputs) throw new Error(`${op.name} takes ${op.inputs} inputs, gets ${k}.`);
          n = op.units;
          rows = 1;
        } else {
          if (flat !== null) throw new Error(`${op.name}: convolution after flatten.`);
          const [kh, kw] = op.kernel;
          const same = op.padding === 'same';
          const oh = same ? h : h - kh + 1;
          const ow = same ? w : w - kw + 1;
          // 'same' with stride 1: the extra tap goes to the bottom/right (TF's convention).
          const padT = same ? Math.floor((kh - 1) / 2) : 0;
          const padL = same ? Math.floor((kw - 1) / 2) : 0;
          conv = { h, w, c, kh, kw, padT, padL, oh, ow };
          k = kh * kw * c;
          n = op.filters;
          rows = oh * ow;
        }
        if (wts.codes.length !== k * n)
          throw new Error(`${op.name}: ${wts.codes.length} weight codes, expected ${k}×${n}.`);
        const np = round8(n);
        const perChannel = wts.scale.length === n && n > 1;
        const sAt = (j: number) => wts.scale[perChannel ? j : 0]!;
        const zAt = (j: number) => wts.zeroPoint[wts.zeroPoint.length === n ? j : 0]!;
        // int8 storage: q − z when every one fits, else q − 128 with z − 128 as the zero-point.
        let fits = true;
        for (let i = 0; i < wts.codes.length; i++) {
          const d = wts.codes[i]! - zAt(i % n);
          if (d < -128 || d > 127) {
            fits = false;
            break;
          }
        }
        const byRow = new Int8Array(n * k);
        const wzp = fits ? null : new Int32Array(np);
        for (let j = 0; j < n; j++) {
          const z = zAt(j);
          if (wzp) wzp[j] = z - 128;
          for (let kk = 0; kk < k; kk++) {
            const q = wts.codes[kk * n + j]!;
            byRow[j * k + kk] = fits ? q - z : q - 128;
          }
        }
        // A convolution feeding another layer runs as an implicit GEMM, its k laid out by runs,
        // with the 2×2 max pool that follows it, if one does, fused.
        const direct = conv && nextWeighted ? convTaps(conv, path) : null;
        const pool = direct !== null && net.ops[at + 1]?.kind === 'maxpool2';
        let g: GemmWeights;
        if (direct) {
          const kd = direct.kp;
          const wide = new Int8Array(n * kd);
          for (let j = 0; j < n; j++)
            for (let i = 0; i < kd; i++) {
              const src = direct.source[i]!;
              if (src >= 0) wide[j * kd + i] = byRow[j * k + src]!;
            }
          g = gemmWeights(wide, wzp, n, kd, inStore.zp, path, planeMax, direct.padding);
        } else g = gemmWeights(byRow, wzp, n, k, inStore.zp, path, planeMax);
        const wino =
          direct && conv && winogradFits(conv, path) ? winogradWeights(byRow, n, c) : null;
        let kernelBias = g.bias;
        const sx = inGrid.scale;
        const sw = Float64Array.from({ length: n }, (_, j) => sAt(j));
        const b = Float64Array.from({ length: n }, (_, j) => wts.bias?.[j] ?? 0);
        let out: Requant | Dequant;
        if (nextWeighted) {
          const next = gridOf(nextWeighted.name);
          const st = storage(next);
          // The float path multiplies by the float32 reciprocal of the next scale: so do we.
          const inv = Math.fround(1 / next.scale);
          const m = Float64Array.from(sw, (s) => sx * s * inv);
          // Bias in output steps, capped at ±2^29 (so the 64-bit sum and the int32 result fit).
          const lim = 2 ** 29;
          let clamped = false;
          const biasSteps = Float64Array.from(b, (v) => {
            const t = v * inv;
            if (Math.abs(t) > lim) clamped = true;
            return Math.max(-lim, Math.min(lim, t));
          });
          if (clamped)
            approximations.push(`${op.name}: a bias beyond 2^29 output steps was clamped`);
          let bMax = 0;
          for (const v of biasSteps) bMax = Math.max(bMax, Math.abs(v));
          const maxShift = 60 - Math.max(0, Math.ceil(Math.log2(bMax + 1)));
          const { mult, shift } = fixedPointMultipliers(m, maxShift);
          const multP = new Int32Array(np);
          multP.set(mult);
          const offs = new BigInt64Array(np);
          const half = 1n << BigInt(shift - 1);
          for (let j = 0; j < np; j++)
            offs[j] = (j < n ? BigInt(Math.round(biasSteps[j]! * 2 ** shift)) : 0n) + half;
          let mMax = 0;
          for (const v of m) mMax = Math.max(mMax, v);
          // |acc| ≤ 2^30 / max(1, M): the product stays below 2^61 and the result below 2^30.
          let clampAcc = Math.floor(2 ** 30 / Math.max(1, mMax));
          // Where no sum Σ_k (u − zx)(q − z) can reach the clamp, the kernels skip it; and the
          // signed form's int32 bias C joins the 64-bit offsets (acc·M0 + offs + C·M0, the same
          // value), so that the epilogue is the multiply and shift alone (wasm/intkernels.c).
          const span = Math.max(inStore.zp - inStore.lo, inStore.hi - inStore.zp);
          let wAbs = 0; // max over channels of Σ_k |q − z|
          for (let j = 0; j < n; j++) {
            let t = 0;
            for (let kk = 0; kk < k; kk++) t += Math.abs(wts.codes[kk * n + j]! - zAt(j));
            wAbs = Math.max(wAbs, t);
          }
          if (span * wAbs <= clampAcc) {
            clampAcc = 0;
            if (g.signed && kernelBias) {
              // The kernel's acc is Σ_k u·w (u ≤ 255): its product with M0 < 2^31 and the folded
              // offsets must stay well inside int64.
              const folded = new BigInt64Array(np);
              let big = 0;
              for (let j = 0; j < np; j++) {
                folded[j] = offs[j]! + BigInt(kernelBias[j]!) * BigInt(multP[j]!);
                big = Math.max(big, Math.abs(Number(folded[j])));
              }
              if (255 * wAbs * 2 ** 31 + big < 2 ** 62) {
                offs.set(folded);
                kernelBias = null;
              }
            }
          }
          out = {
            kind: 'requant',
            mult: multP,
            offs,
            shift,
            clampAcc,
            zp: st.zp,
            lo: op.relu ? Math.max(st.lo, st.zp) : st.lo,
            hi: st.hi,
          };
        } else {
          const scale = new Float32Array(np);
          const bias = new Float32Array(np);
          for (let j = 0; j < n; j++) {
            scale[j] = sx * sw[j]!;
            bias[j] = b[j]!;
          }
          out = { kind: 'dequant', scale, bias, relu: op.relu };
          classes = n;
        }
        steps.push({
          kind: 'gemm',
          name: op.name,
          conv,
          k,
          kp: g.kp,
          n,
          np,
          weights: g.weights,
          planes: g.planes,
          signed: g.signed,
          wzp: g.wzp,
          bias: kernelBias,
          inZp: inStore.zp,
          taps: direct?.taps ?? null,
          pool,
          wino,
          out,
          macs: rows * k * n,
        });
        if (!direct) maxPackBytes = Math.max(maxPackBytes, rows * g.kp * actBytes(path));
        if (conv) {
          h = pool ? Math.floor(conv.oh / 2) : conv.oh;
          w = pool ? Math.floor(conv.ow / 2) : conv.ow;
          c = n;
        } else {
          flat = n;
          h = 1;
          w = 1;
          c = n;
        }
        maxActBytes = Math.max(maxActBytes, h * w * n);
        break;
      }
    }
  }
  return {
    path,
    planeMax: path === 'simd128' ? PLANE_MAX_7BIT : planeMax,
    input: net.input,
    lut: inputLut(gridOf(weighted[0]!.name)),
    steps,
    classes,
    approximations,
    maxActBytes,
    maxPackBytes,
  };
}

/**
 * Why a configuration runs on SIMD128 where relaxed SIMD validates: its plan on the relaxed build
 * takes a layer's weights in two or three planes (8-bit weights, where this engine's dot product
 * is exact only on 7-bit operands). Each plane is a pass of relaxed SIMD's 16 multiply-adds per
 * instruction, so two do the work of SIMD128's one pass of 8, and more besides: W8A8 on the four
 * shipped models ran 1.16–1.67× slower on relaxed SIMD than on SIMD128 (Chromium 156, a 2-core
 * AMD EPYC without AVX-VNNI, 3 December). Where whole bytes are exact (AVX-VNNI), 8-bit weights
 * take one plane and relaxed SIMD is kept.
 */
export const TWO_PASSES_NOTE =
  'relaxed SIMD would take this configuration’s 8-bit weights in two or three passes here (this browser’s dot product is exact only on 7-bit operands), slower than SIMD128’s one: using SIMD128';

/** Whether some layer of `plan` takes its weights in more than one relaxed-SIMD plane. */
export function multiPlane(plan: IntPlan): boolean {
  return plan.steps.some((s) => s.kind === 'gemm' && s.planes > 1);
}

/**
 * Why a configuration runs on SIMD128 although its weights take one relaxed-SIMD plane: SIMD128
 * runs the model's 5×5 convolution as Winograd F(2×2, 5×5) ({@link winogradFits}), with 36
 * multiplies per tile and channel pair where the direct convolution takes 100, and relaxed SIMD, whose dot product takes two steps where it is exact only on
 * 7-bit operands (x86 without AVX-VNNI), runs it directly. W4A8 in the Speed panel (Chromium 156,
 * a 2-core AMD EPYC without AVX-VNNI, 4 December): mnist-cnn's test set 204–217 ms on relaxed
 * SIMD against 159–167 ms on SIMD128, fashion-cnn's 895–912 ms against 568–793 ms. Where the dot
 * product sums whole bytes (AVX-VNNI: 16 multiply-adds in one instruction) relaxed SIMD is kept.
 */
export const WINOGRAD_NOTE =
  'SIMD128 runs this model’s 5×5 convolution as Winograd F(2×2, 5×5), 36 multiplies per output tile and channel pair where relaxed SIMD’s direct one takes 100 and its dot product here takes two steps (exact only on 7-bit operands): using SIMD128';

/**
 * Why any other configuration runs on SIMD128 where relaxed SIMD's dot product takes two steps
 * (exact only on 7-bit operands: x86 without AVX-VNNI). There its 16 multiply-adds per instruction
 * become two or three instructions (as V8 lowers them), barely fewer than SIMD128's, and its
 * activations are stored as codes − 128 (the unsigned operand cannot take them raw there), so it
 * finds none of the zero inputs that SIMD128 leaves out (MNIST's background, a ReLU's inactive
 * units). On dense rows relaxed SIMD was 1.06–1.13× faster (bench/gemm.ts); on the shipped MLPs,
 * whose inputs are not dense, SIMD128 was as fast or faster at every bit-width from 2 to 7 (test
 * sets, W·A8, medians of 4 alternating calls, Chromium, a 2-core AMD EPYC without AVX-VNNI,
 * 4 December): mnist-mlp W4 14.8 against 26.6 ms, W6 14.9 against 23.0 ms; fashion-mlp W2 77
 * against 131 ms, W6 98 against 121 ms, W7 116 against 112 ms (within the machine's drift). The
 * CNNs ran on SIMD128 already ({@link WINOGRAD_NOTE}).
 */
export const TWO_STEP_NOTE =
  'relaxed SIMD’s dot product takes two steps here (exact only on 7-bit operands), so it does about as many instructions as SIMD128 and cannot leave out the inputs that are 0, which SIMD128 does: using SIMD128';

/**
 * Why a configuration runs on SIMD128 instead of relaxed SIMD, or null where relaxed SIMD is kept.
 * Where the engine's dot product takes two saturating steps (`twoStepDot`: x86 without AVX-VNNI,
 * the kernels' load-time check tells), always: SIMD128's Winograd convolution
 * ({@link WINOGRAD_NOTE}, told from either build's `plan`), else {@link TWO_STEP_NOTE}, which holds
 * for 8-bit weights too (their two relaxed passes only add to it). Elsewhere (Arm's dot product,
 * one instruction; AVX-VNNI's, whole bytes) where the relaxed `plan` takes a layer's 8-bit weights
 * in more than one plane ({@link TWO_PASSES_NOTE}).
 */
export function simd128Instead(plan: IntPlan, twoStepDot: boolean): string | null {
  if (twoStepDot) return winogradOnSimd128(plan) ? WINOGRAD_NOTE : TWO_STEP_NOTE;
  return multiPlane(plan) ? TWO_PASSES_NOTE : null;
}

/** Whether the SIMD128 plan of the network `plan` describes would run a Winograd convolution. */
export function winogradOnSimd128(plan: IntPlan): boolean {
  return plan.steps.some(
    (s) =>
      s.kind === 'gemm' && s.conv !== null && s.taps !== null && winogradFits(s.conv, 'simd128'),
  );
}
