/**
 * Honest size accounting for one quantized layer: the codes AND the metadata needed to
 * decode them, in bits.
 *
 * Conventions (stated so that ratios are reproducible):
 * - codes are bit-packed: numWeights · bits, no per-row padding. Symmetric takes b bits per
 *   code in both signed ranges: the full range (−2^(b−1)..2^(b−1)−1) uses all 2^b codes, the
 *   restricted one (−(2^(b−1)−1)..2^(b−1)−1) leaves one unused, 2^b − 1 levels for the same size;
 * - each scale (and each binary/ternary α) is a float32: 32 bits per tensor or per channel;
 * - each affine zero-point is an int32: 32 bits per tensor or per channel. (torch keeps
 *   zero-points as int64 in memory, ONNX QuantizeLinear stores them at the code's width; int32
 *   sits between the two and matches what integer kernels accumulate in.) Symmetric, binary
 *   and ternary have no zero-point;
 * - ternary codes take 2 bits (base-3 packing could reach log2 3 ≈ 1.58, not assumed);
 * - biases stay float32 in every scheme (32 bits each), as is usual for weight-only PTQ;
 * - float16/bfloat16 store 16 bits per weight and no metadata; float32 is the baseline;
 * - no entropy coding (Huffman) and no sparse indices: see the pruning size helpers.
 */

export type SizeScheme =
  'affine' | 'symmetric' | 'binary' | 'ternary' | 'float16' | 'bfloat16' | 'float32';

export interface LayerSizeInput {
  readonly numWeights: number;
  readonly numBias: number;
  readonly scheme: SizeScheme;
  /** Code width for 'affine' and 'symmetric' (2..16); ignored by the other schemes. */
  readonly bits?: number;
  /** One scale (and zero-point) per output channel instead of one per tensor. */
  readonly perChannel?: boolean;
  /** Number of output channels; required when perChannel. */
  readonly channels?: number;
}

export interface LayerSizeBits {
  readonly codesBits: number;
  readonly scaleBits: number;
  readonly zeroPointBits: number;
  readonly biasBits: number;
  readonly totalBits: number;
}

export const FLOAT32_BITS = 32;
export const ZERO_POINT_BITS = 32;

/** Bits per weight code for each scheme (uniform schemes: the chosen width). */
function codeBits(input: LayerSizeInput): number {
  switch (input.scheme) {
    case 'affine':
    case 'symmetric': {
      const b = input.bits;
      if (b === undefined || !Number.isInteger(b) || b < 2 || b > 16) {
        throw new RangeError(`scheme '${input.scheme}' needs bits in [2, 16], got ${b}`);
      }
      return b;
    }
    case 'binary':
      return 1;
    case 'ternary':
      return 2;
    case 'float16':
    case 'bfloat16':
      return 16;
    case 'float32':
      return 32;
  }
}

/** The size of one layer's weights and biases in bits, broken down as above. */
export function quantizedLayerSizeBits(input: LayerSizeInput): LayerSizeBits {
  const { numWeights, numBias, scheme } = input;
  if (!(
    Number.isInteger(numWeights) &&
    numWeights >= 0 &&
    Number.isInteger(numBias) &&
    numBias >= 0
  )) {
    throw new RangeError('numWeights and numBias must be non-negative integers');
  }
  let groups = 0; // tensors or channels that carry a scale
  if (scheme !== 'float16' && scheme !== 'bfloat16' && scheme !== 'float32') {
    if (input.perChannel) {
      const c = input.channels;
      if (c === undefined || !Number.isInteger(c) || c < 1) {
        throw new RangeError(`perChannel needs a positive integer channel count, got ${c}`);
      }
      groups = c;
    } else {
      groups = 1;
    }
  }
  const codesBits = numWeights * codeBits(input);
  const scaleBits = groups * FLOAT32_BITS;
  const zeroPointBits = scheme === 'affine' ? groups * ZERO_POINT_BITS : 0;
  const biasBits = numBias * FLOAT32_BITS;
  return {
    codesBits,
    scaleBits,
    zeroPointBits,
    biasBits,
    totalBits: codesBits + scaleBits + zeroPointBits + biasBits,
  };
}

/** The float32 size of the same layer, the denominator of a compression ratio. */
export function float32LayerSizeBits(numWeights: number, numBias: number): number {
  return (numWeights + numBias) * FLOAT32_BITS;
}
