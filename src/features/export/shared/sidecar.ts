/**
 * `compression.json`: the sidecar of a TF.js export (tfjsExport.ts) for what TF.js's weight
 * formats cannot say: per-channel scales, sparse masks, codebooks (clustering), binary signs and
 * sub-byte codes. The weights file keeps such a tensor as dequantized float32, so stock tfjs runs
 * the exact model; the sidecar keeps the integer codes and their metadata at the true packed size,
 * so the compression can be checked, measured and re-packed by other tools.
 *
 * Layout of an entry (all in the weights' storage order: row-major, channel = last axis):
 * - `codes`: base64 of a little-endian bit stream, LSB first, `bits` bits per stored code, no
 *   padding but the last byte's. Uniform stores q − qmin; binary 1 for +α and 0 for −α; codebook
 *   the centroid index. With a `mask`, only kept positions are stored.
 * - `mask` (sparse): base64 bitmap, 1 bit per weight in the same bit order, 1 = kept.
 * - `float32` entries (pruned but not quantized) store the kept values as base64 float32 LE.
 * - scales, zero-points and centroids are JSON numbers (float32 values, exact in JSON).
 *
 * `packedBits` is what that layout costs: codes + mask bits + 32 bits per scale, per affine
 * zero-point (none for symmetric, as size.ts counts) and per centroid. Biases are not included:
 * they stay float32 in the weights file.
 */

import { base64ToBytes, bytesToBase64, packBits, unpackBits } from './bitpack';

export const SIDECAR_FILE = 'compression.json';
export const SIDECAR_VERSION = 1;

/** How a tensor's codes map to values. */
export type SidecarCodec =
  | {
      /** x̂ = fl32((q − zeroPoint[c])·scale[c]), q ∈ [qmin, qmax]; per-tensor when axis null. */
      readonly kind: 'uniform';
      readonly bits: number;
      readonly qmin: number;
      readonly qmax: number;
      readonly axis: number | null;
      readonly scales: ArrayLike<number>;
      readonly zeroPoints: ArrayLike<number>;
      readonly codes: Int32Array;
    }
  | {
      /** x̂ = q·α[c], q ∈ {−1, +1}. */
      readonly kind: 'binary';
      readonly axis: number | null;
      readonly scales: ArrayLike<number>;
      readonly codes: Int32Array;
    }
  | {
      /** x̂ = centroids[k]: clustered weights. */
      readonly kind: 'codebook';
      readonly centroids: ArrayLike<number>;
      readonly codes: Int32Array;
    }
  | {
      /** Plain float32 values (a pruned, unquantized tensor: only useful with a mask). */
      readonly kind: 'float32';
      readonly values: Float32Array;
    };

export interface SidecarTensorInput {
  /** The tfjs weight name ("fc1/kernel"). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly codec: SidecarCodec;
  /** 1 = kept, 0 = pruned (value 0, code not stored). Omit for a dense tensor. */
  readonly mask?: ArrayLike<number>;
  /** Human label; derived from the codec when omitted ('int4 per-channel symmetric'). */
  readonly format?: string;
}

interface EntryBase {
  readonly name: string;
  readonly shape: number[];
  readonly format: string;
  /** The true stored size of this tensor in this layout, in bits. */
  readonly packedBits: number;
  /** Weights kept (all of them when dense). */
  readonly kept: number;
  readonly mask?: string;
}

export type SidecarEntry = EntryBase &
  (
    | {
        readonly codec: 'uniform';
        readonly bits: number;
        readonly qmin: number;
        readonly qmax: number;
        readonly axis: number | null;
        readonly scales: number[];
        readonly zeroPoints: number[];
        readonly codes: string;
      }
    | {
        readonly codec: 'binary';
        readonly bits: 1;
        readonly axis: number | null;
        readonly scales: number[];
        readonly codes: string;
      }
    | {
        readonly codec: 'codebook';
        readonly bits: number;
        readonly centroids: number[];
        readonly codes: string;
      }
    | { readonly codec: 'float32'; readonly bits: 32; readonly values: string }
  );

export interface CompressionSidecar {
  readonly version: typeof SIDECAR_VERSION;
  /** One line on the layout, for a reader without this file. */
  readonly layout: string;
  readonly model?: string;
  readonly weightsPath?: string;
  readonly tensors: SidecarEntry[];
  /** Σ packedBits. */
  readonly totalPackedBits: number;
}

const LAYOUT =
  'codes: base64, little-endian bit stream, LSB first, `bits` per code (uniform: q − qmin; ' +
  'binary: 1 = +α; codebook: index), storage order, pruned positions skipped; mask: base64 ' +
  'bitmap, 1 = kept; values: base64 float32 LE; x̂ = (q − zeroPoint[c])·scale[c], c = index mod ' +
  'scales.length';

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bits of a fixed-length index into k entries (at least 1). */
function indexBits(k: number): number {
  return Math.max(1, Math.ceil(Math.log2(k)));
}

function channelsOf(axis: number | null, shape: readonly number[], scales: ArrayLike<number>) {
  const want = axis === null ? 1 : shape[axis];
  if (scales.length !== want) {
    throw new RangeError(`${scales.length} scales for axis ${axis} of shape [${shape}]`);
  }
  return want;
}

function defaultFormat(codec: SidecarCodec, sparse: boolean): string {
  let f: string;
  switch (codec.kind) {
    case 'uniform': {
      const symmetric = codec.qmin < 0 && Array.from(codec.zeroPoints).every((z) => z === 0);
      f =
        `${codec.qmin < 0 ? 'int' : 'uint'}${codec.bits} ` +
        `${codec.axis === null ? 'per-tensor' : 'per-channel'} ${symmetric ? 'symmetric' : 'affine'}`;
      break;
    }
    case 'binary':
      f = `binary ±α ${codec.axis === null ? 'per-tensor' : 'per-channel'}`;
      break;
    case 'codebook':
      f = `codebook of ${codec.centroids.length} (${indexBits(codec.centroids.length)}-bit indices)`;
      break;
    case 'float32':
      f = 'float32';
      break;
  }
  return sparse ? `${f}, sparse (bitmask)` : f;
}

/** The positions to store: all, or the kept ones of `mask`. */
function keptIndices(n: number, mask: ArrayLike<number> | undefined): Int32Array {
  if (!mask) return Int32Array.from({ length: n }, (_, i) => i);
  if (mask.length !== n) throw new RangeError(`mask has ${mask.length} entries, not ${n}`);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (mask[i]) out.push(i);
  return Int32Array.from(out);
}

/**
 * Encodes one tensor for the sidecar.
 *
 * @throws RangeError on a code outside its range, a length or scale count that does not match
 *   the shape, or a bit width outside 1..16 (uniform 2..16).
 */
export function sidecarEntry(t: SidecarTensorInput): SidecarEntry {
  const n = elementCount(t.shape);
  const codec = t.codec;
  const length = codec.kind === 'float32' ? codec.values.length : codec.codes.length;
  if (length !== n) throw new RangeError(`${t.name}: ${length} values for shape [${t.shape}]`);
  const idx = keptIndices(n, t.mask);
  const maskBits = t.mask ? n : 0;
  const base = {
    name: t.name,
    shape: [...t.shape],
    format: t.format ?? defaultFormat(codec, t.mask !== undefined),
    kept: idx.length,
    ...(t.mask
      ? {
          mask: bytesToBase64(
            packBits(
              Uint32Array.from(t.mask, (m) => (m ? 1 : 0)),
              1,
            ),
          ),
        }
      : {}),
  };
  const stored = (map: (code: number, at: number) => number, bits: number): string => {
    const out = new Uint32Array(idx.length);
    for (let j = 0; j < idx.length; j++)
      out[j] = map((codec as { codes: Int32Array }).codes[idx[j]!]!, idx[j]!);
    return bytesToBase64(packBits(out, bits));
  };
  switch (codec.kind) {
    case 'uniform': {
      const { bits, qmin, qmax } = codec;
      if (!Number.isInteger(bits) || bits < 2 || bits > 16 || qmax - qmin >= 2 ** bits) {
        throw new RangeError(`${t.name}: [${qmin}, ${qmax}] does not fit ${bits} bits`);
      }
      const channels = channelsOf(codec.axis, t.shape, codec.scales);
      if (codec.zeroPoints.length !== channels) {
        throw new RangeError(
          `${t.name}: ${codec.zeroPoints.length} zero-points, ${channels} scales`,
        );
      }
      const zeroPoints = Array.from(codec.zeroPoints);
      const affine = !(qmin < 0 && zeroPoints.every((z) => z === 0));
      const codes = stored((q) => {
        if (!Number.isInteger(q) || q < qmin || q > qmax) {
          throw new RangeError(`${t.name}: code ${q} outside [${qmin}, ${qmax}]`);
        }
        return q - qmin;
      }, bits);
      return {
        ...base,
        codec: 'uniform',
        bits,
        qmin,
        qmax,
        axis: codec.axis,
        scales: Array.from(codec.scales),
        zeroPoints,
        codes,
        packedBits: idx.length * bits + maskBits + channels * (32 + (affine ? 32 : 0)),
      };
    }
    case 'binary': {
      const channels = channelsOf(codec.axis, t.shape, codec.scales);
      const codes = stored((q) => {
        if (q !== 1 && q !== -1) throw new RangeError(`${t.name}: binary code ${q} is not ±1`);
        return q > 0 ? 1 : 0;
      }, 1);
      return {
        ...base,
        codec: 'binary',
        bits: 1,
        axis: codec.axis,
        scales: Array.from(codec.scales),
        codes,
        packedBits: idx.length + maskBits + channels * 32,
      };
    }
    case 'codebook': {
      const k = codec.centroids.length;
      const bits = indexBits(k);
      if (k < 1 || bits > 16) throw new RangeError(`${t.name}: codebook of ${k} entries`);
      const codes = stored((q) => {
        if (!Number.isInteger(q) || q < 0 || q >= k) {
          throw new RangeError(`${t.name}: index ${q} outside a codebook of ${k}`);
        }
        return q;
      }, bits);
      return {
        ...base,
        codec: 'codebook',
        bits,
        centroids: Array.from(codec.centroids, Math.fround),
        codes,
        packedBits: idx.length * bits + maskBits + k * 32,
      };
    }
    case 'float32': {
      const bytes = new Uint8Array(idx.length * 4);
      const view = new DataView(bytes.buffer);
      for (let j = 0; j < idx.length; j++) view.setFloat32(j * 4, codec.values[idx[j]!]!, true);
      return {
        ...base,
        codec: 'float32',
        bits: 32,
        values: bytesToBase64(bytes),
        packedBits: idx.length * 32 + maskBits,
      };
    }
  }
}

/** The whole `compression.json` object (stringify it to write the file). */
export function writeSidecar(input: {
  readonly tensors: readonly SidecarTensorInput[];
  readonly model?: string;
  readonly weightsPath?: string;
}): CompressionSidecar {
  const tensors = input.tensors.map(sidecarEntry);
  return {
    version: SIDECAR_VERSION,
    layout: LAYOUT,
    ...(input.model !== undefined ? { model: input.model } : {}),
    ...(input.weightsPath !== undefined ? { weightsPath: input.weightsPath } : {}),
    tensors,
    totalPackedBits: tensors.reduce((a, t) => a + t.packedBits, 0),
  };
}

/**
 * Decodes an entry back to dense values (what the weights file holds) and codes: the inverse of
 * {@link sidecarEntry}. Pruned positions get value +0 and code 0 (the zero-point for uniform);
 * `float32` entries have no codes (all 0).
 */
export function decodeSidecarEntry(e: SidecarEntry): { values: Float32Array; codes: Int32Array } {
  const n = elementCount(e.shape);
  const values = new Float32Array(n);
  const codes = new Int32Array(n);
  let idx: Int32Array;
  if (e.mask !== undefined) {
    idx = keptIndices(n, unpackBits(base64ToBytes(e.mask), 1, n));
  } else idx = keptIndices(n, undefined);
  if (idx.length !== e.kept) throw new Error(`${e.name}: mask keeps ${idx.length}, not ${e.kept}`);
  if (e.codec === 'float32') {
    const view = new DataView(base64ToBytes(e.values).buffer);
    for (let j = 0; j < idx.length; j++) values[idx[j]!] = view.getFloat32(j * 4, true);
    return { values, codes };
  }
  const raw = unpackBits(base64ToBytes(e.codes), e.bits, idx.length);
  switch (e.codec) {
    case 'uniform': {
      const channels = e.scales.length;
      if (e.mask !== undefined) for (let i = 0; i < n; i++) codes[i] = e.zeroPoints[i % channels]!;
      for (let j = 0; j < idx.length; j++) {
        const i = idx[j]!;
        const c = i % channels;
        const q = raw[j]! + e.qmin;
        codes[i] = q;
        values[i] = (q - e.zeroPoints[c]!) * e.scales[c]!;
      }
      break;
    }
    case 'binary': {
      const channels = e.scales.length;
      for (let j = 0; j < idx.length; j++) {
        const i = idx[j]!;
        const q = raw[j] ? 1 : -1;
        codes[i] = q;
        values[i] = q * e.scales[i % channels]!;
      }
      break;
    }
    case 'codebook': {
      for (let j = 0; j < idx.length; j++) {
        const i = idx[j]!;
        codes[i] = raw[j]!;
        values[i] = e.centroids[raw[j]!]!;
      }
      break;
    }
  }
  return { values, codes };
}
