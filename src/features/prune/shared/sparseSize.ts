/**
 * Size accounting for pruned and clustered/quantized layers, as in Deep Compression (Han, Mao,
 * Dally, ICLR 2016, arXiv 1510.00149, §2–4), in bits.
 *
 * A layer is stored as: codes of the stored weights + sparse indices + codebook (k float32
 * shared values, for clustering) + scales/zero-points (for uniform quantization) + biases.
 * Sparse formats, over the kernel flattened in its STORAGE order (row-major `[in, out]` /
 * `[kh, kw, in, out]`, the order of the Float32Array):
 *
 * - 'dense': every weight gets a code, pruned ones the code of 0; no index.
 * - 'bitmask': 1 bit per weight (kept or not) + a code per kept weight.
 * - 'csr-relative': each kept weight is stored with a b-bit RELATIVE index: the number of
 *   zeros skipped since the previous stored entry (the first entry counts from the start),
 *   0..2^b − 1. When a run of zeros is longer than 2^b − 1, a FILLER ZERO is stored after
 *   2^b − 1 skipped zeros, at a zero position, costing a code + an index like any entry; a run
 *   of g zeros before a kept weight therefore needs ⌊g / 2^b⌋ fillers. (This is the paper's
 *   Fig. 2, whose position differences 1..2^b are our runs + 1.) Trailing zeros after the last
 *   kept weight cost nothing: the layer's length is known. Deep Compression used b = 8 for conv
 *   layers and b = 5 for fully-connected ones. The whole kernel is one stream, so no CSR row
 *   pointers are counted.
 *
 * With `huffman`, the stored codes (fillers and pruned zeros included) are Huffman-coded with
 * their real histogram; with `huffmanIndices`, so are the relative indices. Huffman tables are
 * not counted (a canonical code needs only its lengths: a few bytes).
 * A filler or a pruned weight in 'dense' format stores the value 0: pass `zeroCode` if one of
 * the codes means 0 (e.g. the quantizer's zero-point); otherwise 0 is counted as one extra
 * symbol, and fixed-length codes are assumed to have room for it.
 */

import { huffmanCodedBits } from './huffman';
import { countKept } from './mask';

export const FLOAT32_BITS = 32;

/** Relative-index widths used by Deep Compression (§2). */
export const DEEP_COMPRESSION_INDEX_BITS = { conv: 8, dense: 5 } as const;

export type SparseFormat = 'dense' | 'bitmask' | 'csr-relative';

/** float32 size of a layer, the denominator of a compression ratio. */
export function float32SizeBits(numWeights: number, numBias = 0): number {
  return (numWeights + numBias) * FLOAT32_BITS;
}

/** Bits of a fixed-length code for k symbols: ⌈log2 k⌉ (0 for k ≤ 1). */
export function fixedCodeBits(k: number): number {
  return k <= 1 ? 0 : Math.ceil(Math.log2(k));
}

export interface RelativeIndexEntries {
  /** The stored relative index (zeros skipped before the entry) of every stored entry. */
  readonly runs: Uint32Array;
  /** 1 where the stored entry is a filler zero. */
  readonly filler: Uint8Array;
  /** Number of kept weights. */
  readonly nnz: number;
  /** Number of filler zeros. */
  readonly fillers: number;
}

function checkIndexBits(b: number): void {
  if (!(Number.isInteger(b) && b >= 1 && b <= 31))
    throw new RangeError(`indexBits must be in [1, 31], got ${b}`);
}

/** The entries of the relative-index format for a mask (storage order), fillers included. */
export function relativeIndexEntries(
  mask: ArrayLike<number>,
  indexBits: number,
): RelativeIndexEntries {
  checkIndexBits(indexBits);
  const span = 2 ** indexBits; // a filler covers 2^b − 1 zeros plus its own position
  let entries = 0;
  let nnz = 0;
  let prev = -1;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    entries += Math.floor((i - prev - 1) / span) + 1;
    nnz++;
    prev = i;
  }
  const runs = new Uint32Array(entries);
  const filler = new Uint8Array(entries);
  let e = 0;
  prev = -1;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    let run = i - prev - 1;
    while (run >= span) {
      runs[e] = span - 1;
      filler[e++] = 1;
      run -= span;
    }
    runs[e++] = run;
    prev = i;
  }
  return { runs, filler, nnz, fillers: entries - nnz };
}

export interface CompressedLayerInput {
  readonly numWeights: number;
  /** 1 = kept, in storage order. Required for 'csr-relative'. */
  readonly mask?: ArrayLike<number>;
  /** Kept weights, when no mask is given (default: all). */
  readonly nnz?: number;
  readonly sparseFormat: SparseFormat;
  /** Fixed-length bits per stored code: the quantizer's bits, or ⌈log2 k⌉ for k clusters. */
  readonly codeBits: number;
  /** Relative-index width b for 'csr-relative'. */
  readonly indexBits?: number;
  /** Huffman-code the stored codes (needs `codes` or `codeHistogram`). */
  readonly huffman?: boolean;
  /** Huffman-code the relative indices ('csr-relative' only). */
  readonly huffmanIndices?: boolean;
  /** Code of every weight, storage order (only the kept ones are read). */
  readonly codes?: ArrayLike<number>;
  /** Alternatively: how many kept weights have each code (must sum to the kept count). */
  readonly codeHistogram?: ArrayLike<number>;
  /** The code that means 0, if there is one (see above). */
  readonly zeroCode?: number;
  /** Codebook entries (k for clustering), each `codebookBits` (default 32, float32) wide. */
  readonly codebookEntries?: number;
  readonly codebookBits?: number;
  /** Number of quantization scales (1 per tensor or 1 per channel), each `scaleBits` (32). */
  readonly scales?: number;
  readonly scaleBits?: number;
  /** Number of zero-points, each `zeroPointBits` (default 32, as int32). */
  readonly zeroPoints?: number;
  readonly zeroPointBits?: number;
  /** Biases stored (those of structurally pruned units excluded), each `biasBits` (32). */
  readonly numBias?: number;
  readonly biasBits?: number;
}

export interface CompressedLayerSize {
  readonly codes: number;
  readonly indices: number;
  readonly codebook: number;
  readonly scales: number;
  readonly zeroPoints: number;
  readonly bias: number;
  readonly total: number;
  /** Kept weights. */
  readonly nnz: number;
  /** Stored codes: all weights ('dense'), the kept ones ('bitmask'), kept + fillers ('csr'). */
  readonly storedEntries: number;
  readonly fillers: number;
}

const ZERO_SYMBOL = -1;

/** Histogram of the stored symbols: the kept codes plus `zeros` entries that store 0. */
function storedHistogram(input: CompressedLayerInput, nnz: number, zeros: number): number[] {
  const h = new Map<number, number>();
  const add = (s: number, count: number): void => {
    if (count > 0) h.set(s, (h.get(s) ?? 0) + count);
  };
  const { codes, codeHistogram, mask } = input;
  if (codes) {
    if (codes.length !== input.numWeights)
      throw new RangeError('codes must have one entry per weight');
    let kept = 0;
    for (let i = 0; i < codes.length; i++) {
      if (!mask || mask[i] !== 0) {
        add(codes[i]!, 1);
        kept++;
      }
    }
    if (kept !== nnz) throw new RangeError('with codes but no mask, every weight counts as kept');
  } else if (codeHistogram) {
    let sum = 0;
    for (let s = 0; s < codeHistogram.length; s++) {
      add(s, codeHistogram[s]!);
      sum += codeHistogram[s]!;
    }
    if (sum !== nnz)
      throw new RangeError(`codeHistogram counts ${sum} codes for ${nnz} kept weights`);
  } else {
    throw new RangeError('huffman needs codes or codeHistogram');
  }
  add(input.zeroCode ?? ZERO_SYMBOL, zeros);
  return [...h.values()];
}

function nonNegative(v: number | undefined, what: string): number {
  const x = v ?? 0;
  if (!(x >= 0 && Number.isFinite(x))) throw new RangeError(`${what} must be ≥ 0, got ${x}`);
  return x;
}

/** The size in bits of one compressed layer, broken down (see the module comment). */
export function compressedLayerSizeBits(input: CompressedLayerInput): CompressedLayerSize {
  const { numWeights, mask, sparseFormat } = input;
  if (!(Number.isInteger(numWeights) && numWeights >= 0))
    throw new RangeError('numWeights must be an integer ≥ 0');
  if (mask && mask.length !== numWeights)
    throw new RangeError('mask must have one entry per weight');
  const codeBits = nonNegative(input.codeBits, 'codeBits');
  const nnz = mask ? countKept(mask) : (input.nnz ?? numWeights);
  if (!(Number.isInteger(nnz) && nnz >= 0 && nnz <= numWeights))
    throw new RangeError(`bad nnz ${nnz}`);

  let storedEntries: number;
  let fillers = 0;
  let indices: number;
  switch (sparseFormat) {
    case 'dense':
      storedEntries = numWeights;
      indices = 0;
      break;
    case 'bitmask':
      storedEntries = nnz;
      indices = numWeights;
      break;
    case 'csr-relative': {
      if (!mask) throw new RangeError("'csr-relative' needs the mask");
      const b = input.indexBits;
      if (b === undefined) throw new RangeError("'csr-relative' needs indexBits");
      const entries = relativeIndexEntries(mask, b);
      fillers = entries.fillers;
      storedEntries = entries.runs.length;
      if (input.huffmanIndices) {
        let maxRun = 0;
        for (const r of entries.runs) if (r > maxRun) maxRun = r;
        const h = new Float64Array(maxRun + 1);
        for (const r of entries.runs) h[r]!++;
        indices = huffmanCodedBits(h);
      } else {
        indices = storedEntries * b;
      }
      break;
    }
  }
  const zeros = storedEntries - nnz; // pruned weights ('dense') or fillers ('csr-relative')
  const codes = input.huffman
    ? huffmanCodedBits(storedHistogram(input, nnz, zeros))
    : storedEntries * codeBits;
  const codebook =
    nonNegative(input.codebookEntries, 'codebookEntries') * (input.codebookBits ?? FLOAT32_BITS);
  const scales = nonNegative(input.scales, 'scales') * (input.scaleBits ?? FLOAT32_BITS);
  const zeroPoints = nonNegative(input.zeroPoints, 'zeroPoints') * (input.zeroPointBits ?? 32);
  const bias = nonNegative(input.numBias, 'numBias') * (input.biasBits ?? FLOAT32_BITS);
  return {
    codes,
    indices,
    codebook,
    scales,
    zeroPoints,
    bias,
    total: codes + indices + codebook + scales + zeroPoints + bias,
    nnz,
    storedEntries,
    fillers,
  };
}
