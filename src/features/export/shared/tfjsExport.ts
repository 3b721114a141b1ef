/**
 * Export of a compressed model as TF.js layers-model files (model.json + one weights file) that
 * STOCK `tf.loadLayersModel` loads, decoding to exactly the float32 weights the app ran with.
 * Pure: no tfjs, no DOM; the caller writes or downloads the bytes.
 *
 * Where each format goes:
 *
 * | app format                                   | weights file (what tfjs decodes)                  |
 * |----------------------------------------------|---------------------------------------------------|
 * | float32                                      | float32, as is                                    |
 * | float16                                      | `quantization: { dtype: 'float16' }`, IEEE half   |
 * | uniform per-tensor, ≤ 8 bits (affine or sym.) | `quantization: { dtype: 'uint8', scale, min }`    |
 * | uniform per-tensor, 9..16 bits               | `quantization: { dtype: 'uint16', scale, min }`   |
 * | per-channel, sparse, clustered, binary, and  | dequantized float32 in the weights file, plus the |
 * | sub-byte codes at their true packed size     | codes and qparams in `compression.json` (see      |
 * |                                              | sidecar.ts)                                       |
 *
 * TF.js's own quantized formats are per-tensor and byte-aligned only: sub-byte codes are stored
 * one per byte (a 4-bit tensor takes 8 bits a weight in the weights file; its true 4-bit size is
 * what the sidecar records).
 *
 * Exactness. Stock tfjs-core 4.22 (`io_utils.js`, `decodeWeight`) dequantizes uint8/uint16 with
 *
 *   values = new Float32Array(n);  values[i] = v * quantization.scale + quantization.min;
 *
 * i.e. a float64 multiply, a float64 add, and one rounding to float32 on the store. The app's
 * fake quantization is x̂ = fl32((q − zeroPoint)·scale) with a float32 scale (affine.ts). With
 * u = q − qmin and min = (qmin − zeroPoint)·scale computed in float64 (and NOT rounded to
 * float32: JSON keeps every float64 exactly), u·scale and min are both exact in float64 (a 24-bit
 * mantissa times an integer below 2^17), both are integer multiples of the last bit of scale, and
 * so is their sum (q − zeroPoint)·scale, which needs at most 41 bits: the float64 sum is exact
 * and the single rounding to float32 is the app's own. The two agree bit for bit, which
 * {@link maxDequantError} checks per tensor (the export report carries the count).
 * Float16 decodes through tfjs's lookup tables (`getFloat16Decoder`) exactly for every one of
 * the 65,536 half patterns, ±∞ and NaN included, so the app's float16 values (already halves)
 * round-trip bit for bit.
 */

/** One tensor of the export, named as in the shipped manifest ("fc1/kernel"). */
export interface ExportTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly encoding: ExportEncoding;
  /**
   * The float32 values the app runs this tensor with. The report compares what stock tfjs will
   * decode with them; float32/float16 default to their own `values`.
   */
  readonly reference?: Float32Array;
}

export type ExportEncoding =
  | { readonly kind: 'float32'; readonly values: Float32Array }
  | { readonly kind: 'float16'; readonly values: Float32Array }
  | TfjsUintEncoding
  /** A tensor that is not a weight (a graph's shape constants, a step counter), as it is. */
  | { readonly kind: 'int32'; readonly values: Int32Array }
  | { readonly kind: 'bool'; readonly values: Uint8Array };

/** TF.js's affine byte quantization: stock tfjs decodes v = code·scale + min. */
export type TfjsUintEncoding =
  | {
      readonly kind: 'uint8';
      readonly codes: Uint8Array;
      readonly scale: number;
      readonly min: number;
    }
  | {
      readonly kind: 'uint16';
      readonly codes: Uint16Array;
      readonly scale: number;
      readonly min: number;
    };

/** A weight entry of a TF.js manifest as this module writes it. */
export interface TfjsWeightSpec {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly quantization?:
    | { readonly dtype: 'float16' }
    | { readonly dtype: 'uint8' | 'uint16'; readonly scale: number; readonly min: number };
}

/** The model.json content (TF.js `ModelJSON`). */
export interface TfjsModelJson {
  readonly modelTopology: unknown;
  readonly format: string;
  readonly generatedBy: string;
  readonly convertedBy: string | null;
  readonly weightsManifest: { readonly paths: string[]; readonly weights: TfjsWeightSpec[] }[];
  readonly userDefinedMetadata?: Record<string, unknown>;
}

/** Name and shape of a tensor of the original manifest, in file order. */
export interface ManifestEntry {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface WriteTfjsModelInput {
  /** The original `modelTopology`, unchanged: the layers are the same, only weights change. */
  readonly modelTopology: unknown;
  /** In the original manifest's order (checked against `manifest` when given). */
  readonly weights: readonly ExportTensor[];
  /** The original manifest ({@link readManifest}): names, shapes and order must match it. */
  readonly manifest?: readonly ManifestEntry[];
  /** Default {@link DEFAULT_WEIGHTS_PATH}. */
  readonly weightsPath?: string;
  /** Default 'layers-model'. */
  readonly format?: string;
  /** Default {@link GENERATED_BY}. */
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  /** Passed through to model.json (tfjs hands it to `model.getUserDefinedMetadata()`). */
  readonly userDefinedMetadata?: Record<string, unknown>;
}

/** Float32 values that differ between two arrays: count, worst distance in ulps and absolute. */
export interface DequantCheck {
  /** Elements whose float32 bit patterns differ. */
  readonly differing: number;
  /** Largest distance in float32 steps (±0 are 0 apart; NaN against a number is ∞). */
  readonly maxUlps: number;
  readonly maxAbs: number;
}

export interface ExportTensorReport {
  readonly name: string;
  readonly kind: ExportEncoding['kind'];
  readonly elements: number;
  readonly byteOffset: number;
  readonly byteLength: number;
  /** What stock tfjs decodes against the reference values; null for uint without a reference. */
  readonly check: DequantCheck | null;
}

export interface ExportReport {
  readonly tensors: readonly ExportTensorReport[];
  /** Size of the weights file. */
  readonly totalBytes: number;
  /** Size the same tensors take as float32. */
  readonly float32Bytes: number;
  /** True when every checked tensor decodes bit for bit to its reference. */
  readonly exact: boolean;
}

export interface TfjsModelFiles {
  readonly modelJson: TfjsModelJson;
  /** The single weights file, named `weightsPath` in the manifest. */
  readonly bin: Uint8Array;
  readonly weightsPath: string;
  readonly report: ExportReport;
}

export const DEFAULT_WEIGHTS_PATH = 'group1-shard1of1.bin';
export const GENERATED_BY = 'Compression Playground';

const BYTES = { float32: 4, float16: 2, uint8: 1, uint16: 2, int32: 4, bool: 1 } as const;

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`bad dimension ${d} in [${shape}]`);
    n *= d;
  }
  return n;
}

function encodingLength(e: ExportEncoding): number {
  return e.kind === 'uint8' || e.kind === 'uint16' ? e.codes.length : e.values.length;
}

/**
 * The tensors of a model.json's weights manifest, all groups flattened in file order, as
 * `decodeWeights` reads them.
 */
export function readManifest(modelJson: unknown): ManifestEntry[] {
  const groups = (modelJson as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(groups)) throw new Error('model.json has no weightsManifest');
  const out: ManifestEntry[] = [];
  for (const g of groups as { weights?: unknown }[]) {
    for (const w of (g.weights ?? []) as { name?: unknown; shape?: unknown }[]) {
      if (typeof w.name !== 'string' || !Array.isArray(w.shape)) {
        throw new Error('a weightsManifest entry lacks a name or a shape');
      }
      out.push({ name: w.name, shape: (w.shape as unknown[]).map(Number) });
    }
  }
  return out;
}

/**
 * Writes model.json and its single weights file. Tensors are concatenated in the given order
 * with no padding (as tfjs's `decodeWeights` reads them: each one takes elements × the byte size
 * of its stored dtype), little-endian.
 *
 * Float16 rounds each value to nearest even ({@link float32ToHalfBits}); the report counts the
 * values that changed (none for the app's float16 values).
 *
 * @throws Error if the weights do not match `manifest` (name, shape, order), a tensor's data does
 *   not match its shape, or a uint scale/min is not finite.
 */
export function writeTfjsModel(input: WriteTfjsModelInput): TfjsModelFiles {
  const { weights, manifest } = input;
  if (manifest) {
    const got = weights.map((w) => `${w.name}[${w.shape.join(',')}]`);
    const want = manifest.map((m) => `${m.name}[${m.shape.join(',')}]`);
    if (got.join(' ') !== want.join(' ')) {
      throw new Error(
        `weights do not match the original manifest: got ${got.join(' ')}, want ${want.join(' ')}`,
      );
    }
  }
  const names = new Set<string>();
  let total = 0;
  for (const w of weights) {
    if (names.has(w.name)) throw new Error(`weight ${w.name} appears twice`);
    names.add(w.name);
    const n = elementCount(w.shape);
    if (encodingLength(w.encoding) !== n) {
      throw new Error(
        `weight ${w.name}: ${encodingLength(w.encoding)} values for shape [${w.shape}] (${n})`,
      );
    }
    if (w.reference && w.reference.length !== n) {
      throw new Error(`weight ${w.name}: reference has ${w.reference.length} values, not ${n}`);
    }
    total += n * BYTES[w.encoding.kind];
  }

  const bin = new Uint8Array(total);
  const view = new DataView(bin.buffer);
  const specs: TfjsWeightSpec[] = [];
  const tensors: ExportTensorReport[] = [];
  let offset = 0;
  let float32Bytes = 0;
  for (const w of weights) {
    const e = w.encoding;
    const n = encodingLength(e);
    const start = offset;
    const shape = [...w.shape];
    let check: DequantCheck | null;
    switch (e.kind) {
      case 'float32': {
        for (let i = 0; i < n; i++, offset += 4) view.setFloat32(offset, e.values[i]!, true);
        specs.push({ name: w.name, shape, dtype: 'float32' });
        check = compareFloat32(e.values, w.reference ?? e.values);
        break;
      }
      case 'float16': {
        const halves = new Uint16Array(n);
        for (let i = 0; i < n; i++, offset += 2) {
          halves[i] = float32ToHalfBits(e.values[i]!);
          view.setUint16(offset, halves[i]!, true);
        }
        specs.push({ name: w.name, shape, dtype: 'float32', quantization: { dtype: 'float16' } });
        check = compareFloat32(decodeHalves(halves), w.reference ?? e.values);
        break;
      }
      case 'uint8':
      case 'uint16': {
        if (!Number.isFinite(e.scale) || !Number.isFinite(e.min)) {
          throw new RangeError(
            `weight ${w.name}: scale ${e.scale} and min ${e.min} must be finite`,
          );
        }
        if (e.kind === 'uint8') {
          bin.set(e.codes, offset);
          offset += n;
        } else {
          for (let i = 0; i < n; i++, offset += 2) view.setUint16(offset, e.codes[i]!, true);
        }
        specs.push({
          name: w.name,
          shape,
          dtype: 'float32',
          quantization: { dtype: e.kind, scale: e.scale, min: e.min },
        });
        check = w.reference ? maxDequantError(e, w.reference) : null;
        break;
      }
      case 'int32': {
        for (let i = 0; i < n; i++, offset += 4) view.setInt32(offset, e.values[i]!, true);
        specs.push({ name: w.name, shape, dtype: 'int32' });
        check = null;
        break;
      }
      case 'bool': {
        for (let i = 0; i < n; i++, offset += 1) bin[offset] = e.values[i] ? 1 : 0;
        specs.push({ name: w.name, shape, dtype: 'bool' });
        check = null;
        break;
      }
    }
    float32Bytes += n * 4;
    tensors.push({
      name: w.name,
      kind: e.kind,
      elements: n,
      byteOffset: start,
      byteLength: offset - start,
      check,
    });
  }

  const weightsPath = input.weightsPath ?? DEFAULT_WEIGHTS_PATH;
  const modelJson: TfjsModelJson = {
    modelTopology: input.modelTopology,
    format: input.format ?? 'layers-model',
    generatedBy: input.generatedBy ?? GENERATED_BY,
    convertedBy: input.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsPath], weights: specs }],
    ...(input.userDefinedMetadata ? { userDefinedMetadata: input.userDefinedMetadata } : {}),
  };
  return {
    modelJson,
    bin,
    weightsPath,
    report: {
      tensors,
      totalBytes: total,
      float32Bytes,
      exact: tensors.every((t) => t.check === null || t.check.differing === 0),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// uint8 / uint16: the app's uniform codes in TF.js's affine byte format

/**
 * The app's per-tensor uniform codes q ∈ [qmin, qmax] (x̂ = (q − zeroPoint)·scale) as TF.js
 * uint8: u = q − qmin, min = (qmin − zeroPoint)·scale in float64 (see the module comment for
 * why this decodes exactly). Fits for any scheme of ≤ 8 bits (affine 0..255, symmetric
 * −127..127 or −128..127 shift to 0..254 / 0..255).
 *
 * @throws RangeError if a code is not an integer or q − qmin is outside 0..255.
 */
export function uniformToTfjsUint8(
  q: Int32Array | Float32Array,
  scale: number,
  zeroPoint: number,
  qmin: number,
): TfjsUintEncoding & { kind: 'uint8' } {
  return {
    kind: 'uint8',
    codes: shiftCodes(q, qmin, new Uint8Array(q.length)),
    scale,
    min: (qmin - zeroPoint) * scale,
  };
}

/** {@link uniformToTfjsUint8} for 9..16-bit codes (u = q − qmin in 0..65535). */
export function uniformToTfjsUint16(
  q: Int32Array | Float32Array,
  scale: number,
  zeroPoint: number,
  qmin: number,
): TfjsUintEncoding & { kind: 'uint16' } {
  return {
    kind: 'uint16',
    codes: shiftCodes(q, qmin, new Uint16Array(q.length)),
    scale,
    min: (qmin - zeroPoint) * scale,
  };
}

function shiftCodes<T extends Uint8Array | Uint16Array>(
  q: Int32Array | Float32Array,
  qmin: number,
  out: T,
): T {
  const max = out instanceof Uint8Array ? 0xff : 0xffff;
  for (let i = 0; i < q.length; i++) {
    const u = q[i]! - qmin;
    if (!Number.isInteger(u) || u < 0 || u > max) {
      throw new RangeError(`code ${q[i]} at ${i} is not an integer in [${qmin}, ${qmin + max}]`);
    }
    out[i] = u;
  }
  return out;
}

/**
 * What stock tfjs decodes from a uint8/uint16 entry, with its arithmetic mirrored exactly:
 * `values[i] = v * scale + min` in float64, stored into a Float32Array.
 */
export function dequantizeLikeTfjs(e: TfjsUintEncoding): Float32Array {
  const values = new Float32Array(e.codes.length);
  for (let i = 0; i < e.codes.length; i++) values[i] = e.codes[i]! * e.scale + e.min;
  return values;
}

/** How far stock tfjs's decoding of `e` is from the app's float32 values `expected`. */
export function maxDequantError(e: TfjsUintEncoding, expected: Float32Array): DequantCheck {
  return compareFloat32(dequantizeLikeTfjs(e), expected);
}

const cmpF32 = new Float32Array(2);
const cmpI32 = new Int32Array(cmpF32.buffer);

/** Position of a float32 bit pattern on the number line, in ulps (+0 and −0 both 0). */
function ordered(bits: number): number {
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** Compares two float32 arrays bit for bit (see {@link DequantCheck}). */
export function compareFloat32(a: Float32Array, b: Float32Array): DequantCheck {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let differing = 0;
  let maxUlps = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    cmpF32[0] = a[i]!;
    cmpF32[1] = b[i]!;
    if (cmpI32[0] === cmpI32[1]) continue;
    differing++;
    const x = cmpF32[0]!;
    const y = cmpF32[1]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      maxUlps = Infinity;
      maxAbs = Number.isNaN(x) && Number.isNaN(y) ? maxAbs : Infinity;
      continue;
    }
    maxUlps = Math.max(maxUlps, Math.abs(ordered(cmpI32[0]!) - ordered(cmpI32[1]!)));
    maxAbs = Math.max(maxAbs, Math.abs(x - y));
  }
  return { differing, maxUlps, maxAbs };
}

// ---------------------------------------------------------------------------------------------
// float16

const halfF32 = new Float32Array(1);
const halfU32 = new Uint32Array(halfF32.buffer);

/**
 * IEEE binary16 bits of fl32(x), rounded to nearest, ties to even, with subnormals; ±∞ beyond
 * the half range (≥ 65520), NaN as the quiet NaN 0x7e00, the sign of zero kept. Exact for the
 * app's float16 values (floats.ts `roundToFloat16`), which are halves already.
 */
export function float32ToHalfBits(x: number): number {
  halfF32[0] = x;
  const f = halfU32[0]!;
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  const mant = f & 0x7fffff;
  if (exp === 0xff) return sign | (mant ? 0x7e00 : 0x7c00);
  const e = exp - 127 + 15; // the half's biased exponent
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Half subnormal (or zero): value / 2^−24 = (1.mant)·2^(e − 14 + 23 − 23).
    if (e < -10) return sign; // below 2^−25: rounds to zero
    const m = mant | 0x800000;
    const shift = 14 - e; // 14..24
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (h & 1) === 1)) h++;
    return sign | h; // a carry out of the mantissa makes the smallest normal: correct
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++; // a carry may reach ∞: correct
  return sign | h;
}

/** The float32 value of IEEE half bits (exact; ±∞ and NaN as IEEE, as tfjs decodes them). */
export function halfBitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  if (exp === 0) return sign * mant * 2 ** -24;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

function decodeHalves(h: Uint16Array): Float32Array {
  return Float32Array.from(h, halfBitsToFloat32);
}
