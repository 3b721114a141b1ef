/**
 * How TF.js stores a tensor in a weights file and how it is read back as float32, as
 * tfjs-core 4.22's `decodeWeight` does: float32/int32 4 bytes, bool 1 byte; weight-quantized
 * tensors (`quantization: {dtype: 'uint8' | 'uint16', scale, min}`) 1 or 2 bytes a value,
 * decoded v = code·scale + min; `quantization: {dtype: 'float16'}` 2-byte IEEE halves.
 * Little-endian throughout.
 */

/** The dtypes a manifest entry may declare (`dtype` of the tensor). */
export const TENSOR_DTYPES = ['float32', 'int32', 'bool', 'uint8', 'uint16', 'float16'] as const;
export type TensorDtype = (typeof TENSOR_DTYPES)[number];

/** Storage dtypes of the `quantization` field. */
export const QUANT_DTYPES = ['uint8', 'uint16', 'float16'] as const;
export type QuantDtype = (typeof QUANT_DTYPES)[number];

/** How a tensor's values are laid out in the weights file. */
export type Storage = 'float32' | 'int32' | 'bool' | 'uint8' | 'uint16' | 'float16';

export type Quantization =
  | { readonly dtype: 'float16' }
  | { readonly dtype: 'uint8' | 'uint16'; readonly scale: number; readonly min: number };

export const BYTES_PER_VALUE: Readonly<Record<Storage, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Storage of an entry: its quantization dtype if it has one, else its own dtype. */
export function storageOf(dtype: TensorDtype, quantization: Quantization | undefined): Storage {
  return quantization ? quantization.dtype : dtype;
}

/** One IEEE 754 half (as its 16 bits) as a number: ±0, subnormals, ±∞ and NaN included. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The float32 values of `count` elements stored at `bytes[offset…]` as `storage`. A fresh,
 * aligned array (weights files pack tensors without padding, so offsets need not be multiples
 * of 4).
 */
export function decodeValues(
  bytes: Uint8Array,
  offset: number,
  count: number,
  storage: Storage,
  quantization?: Quantization,
): Float32Array {
  const view = new DataView(
    bytes.buffer,
    bytes.byteOffset + offset,
    count * BYTES_PER_VALUE[storage],
  );
  const out = new Float32Array(count);
  switch (storage) {
    case 'float32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'int32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      break;
    case 'bool':
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i) ? 1 : 0;
      break;
    case 'float16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
    case 'uint8':
    case 'uint16': {
      const q = quantization && quantization.dtype !== 'float16' ? quantization : null;
      const scale = q ? q.scale : 1;
      const min = q ? q.min : 0;
      if (storage === 'uint8')
        for (let i = 0; i < count; i++) out[i] = view.getUint8(i) * scale + min;
      else for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true) * scale + min;
      break;
    }
  }
  return out;
}

/** How many values are NaN and how many infinite, and the first such index (−1 if none). */
export function nonFinite(values: Float32Array): { nan: number; inf: number; first: number } {
  let nan = 0;
  let inf = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) {
      if (v !== v) nan++;
      else inf++;
      if (first < 0) first = i;
    }
  }
  return { nan, inf, first };
}
