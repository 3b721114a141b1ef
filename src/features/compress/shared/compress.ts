import type { Storage } from '../../../platform/shared/config';
import { SKIP_LAYER } from '../../../platform/shared/compressionSchemas';
import type { CompressSettings } from './pipeline';
import { layerSpec, specBits } from './quantPlan';
import { kmeansCluster } from '../../prune';
import type { ClusterResult } from '../../prune';
import { applyMask, countKept } from '../../prune';
import type { Mask } from '../../prune';
import { pruneModel } from '../../prune';
import type { LayerPruneResult, PruneResult, PruneSpec } from '../../prune';
import { DEEP_COMPRESSION_INDEX_BITS, compressedLayerSizeBits, fixedCodeBits } from '../../prune';
import type { CompressedLayerInput, CompressedLayerSize, SparseFormat } from '../../prune';
import { quantizeWeights } from '../../quantize';
import { channelRangesOf } from './kernelMemo';
import type { QuantizedTensor } from '../../quantize';
import type { WeightQuantSpec } from '../../quantize';
import { shapeSize } from '../../../platform/shared/stats';
import type { LayerWeights } from '../../model';

/**
 * The compression pipeline, in the order the UI shows it:
 *   1. prune (magnitude, global, structured, N:M or random; masks from src/features/prune/shared);
 *   2. represent the kept weights: quantize (src/features/quantize/shared), share by k-means, or keep float;
 *   3. store: dense, bitmask or relative-index CSR, optionally Huffman-coded (size only).
 * Pruned weights stay exactly 0 through step 2 (the mask is applied again after it).
 */

export type { CompressSettings };

export interface CompressedLayer {
  readonly name: string;
  /** The weights the network runs with. */
  readonly values: Float32Array;
  readonly mask: Mask | null;
  readonly biasMask: Mask | null;
  readonly prune: LayerPruneResult | null;
  /** The quantizer of step 2 (`float32` when the layer is clustered or left alone). */
  readonly spec: WeightQuantSpec;
  readonly tensor: QuantizedTensor | null;
  readonly cluster: ClusterResult | null;
}

export interface CompressedModel {
  readonly layers: CompressedLayer[];
  readonly prune: PruneResult | null;
}

/**
 * The pruning spec for `layers`. Structured pruning never removes output units of the last layer:
 * they are the classes.
 */
function pruneSpec(s: CompressSettings, layers: readonly LayerWeights[]): PruneSpec {
  const p = s.prune;
  const [n, m] = p.pattern.split(':').map(Number) as [number, number];
  const overrides: Record<string, { skip?: boolean; sparsity?: number }> = {};
  for (const [name, v] of Object.entries(p.overrides))
    overrides[name] = v === SKIP_LAYER ? { skip: true } : { sparsity: v };
  const last = layers[layers.length - 1];
  if (p.method === 'structured' && last) overrides[last.info.name] = { skip: true };
  return {
    method: p.method === 'none' ? 'magnitude' : p.method,
    sparsity: p.sparsity,
    norm: p.norm,
    structuredBias: p.structuredBias,
    n,
    m,
    overrides,
    seed: s.seed,
  };
}

export function compressModel(
  original: readonly LayerWeights[],
  s: CompressSettings,
): CompressedModel {
  const pruned =
    s.prune.method === 'none'
      ? null
      : pruneModel(
          original.map((w) => ({
            name: w.info.name,
            kernel: w.kernel,
            shape: w.info.kernelShape,
            className: w.info.className,
          })),
          pruneSpec(s, original),
        );
  const layers = original.map((w, i): CompressedLayer => {
    const p = pruned?.layers[i] ?? null;
    const mask = p && p.pruned > 0 ? p.mask : null;
    const biasMask = p?.biasMask ?? null;
    const base = mask ? applyMask(w.kernel, mask) : w.kernel;
    const name = w.info.name;
    if (s.weights.format === 'cluster' && s.overrides[name] === undefined) {
      const cluster = kmeansCluster(base, s.cluster.k, {
        init: s.cluster.init,
        seed: s.seed,
        ...(mask ? { mask } : {}),
      });
      return {
        name,
        values: cluster.values,
        mask,
        biasMask,
        prune: p,
        spec: { kind: 'float32' },
        tensor: null,
        cluster,
      };
    }
    const spec = layerSpec(s, name);
    // Pruned float32 weights are `base` itself, already a masked copy (no third copy of 235k).
    const q =
      spec.kind === 'float32' && mask
        ? { values: base, tensor: null }
        : // The trained kernel's ranges are computed once (the grid of a pruned copy is its own).
          quantizeWeights(
            base,
            w.info.kernelShape,
            spec,
            base === w.kernel ? (channels) => channelRangesOf(w.kernel, channels) : undefined,
          );
    // Every other format maps 0 to 0, but binary maps it to +α: re-apply the mask there so that
    // pruned weights stay pruned.
    const values = mask && spec.kind === 'binary' ? applyMask(q.values, mask) : q.values;
    return { name, values, mask, biasMask, prune: p, spec, tensor: q.tensor, cluster: null };
  });
  return { layers, prune: pruned };
}

/* --------------------------------- size ---------------------------------- */

export interface LayerSize extends CompressedLayerSize {
  readonly name: string;
  /** The storage format used (the smallest when the setting is 'auto'). */
  readonly format: SparseFormat;
  readonly indexBits: number | null;
  /** Bits per stored code before entropy coding. */
  readonly codeBits: number;
  readonly float32Bits: number;
}

export interface SizeReport {
  readonly layers: LayerSize[];
  readonly totalBits: number;
  readonly float32Bits: number;
  /** Sum of each part over the layers. */
  readonly parts: {
    codes: number;
    indices: number;
    codebook: number;
    scales: number;
    zeroPoints: number;
    bias: number;
  };
}

const FORMAT_OF: Record<Exclude<Storage['format'], 'auto'>, SparseFormat> = {
  dense: 'dense',
  bitmask: 'bitmask',
  csr: 'csr-relative',
};

/**
 * What a layer's size needs of its compressed form: a compressed layer, or a summarized one whose
 * tensor gives the count of each code (`codeHistogram`, entry k = code qmin + k) instead of the
 * code of every weight.
 */
export interface SizedLayer {
  readonly mask: Mask | null;
  readonly biasMask: Mask | null;
  readonly spec: WeightQuantSpec;
  readonly cluster: ClusterResult | null;
  readonly tensor:
    | Pick<QuantizedTensor, 'codes' | 'scale' | 'zeroPoint'>
    | (Pick<QuantizedTensor, 'scale' | 'zeroPoint' | 'qmin'> & {
        readonly codeHistogram: Float64Array;
      })
    | null;
}

/** Every bit the compressed layer needs: codes, sparse indices, codebook, scales, biases. */
export function layerSize(
  w: LayerWeights,
  c: CompressedLayer,
  storage: Storage,
  structuredKept?: Mask | null,
): LayerSize {
  if (structuredKept !== undefined) return shrunkLayerSize(w, c, storage, structuredKept);
  return storedLayerSize(w, c, storage);
}

/** {@link layerSize} of a layer stored at its own shape (not structurally shrunk). */
export function storedLayerSize(w: LayerWeights, c: SizedLayer, storage: Storage): LayerSize {
  const numWeights = shapeSize(w.info.kernelShape);
  const numBias = c.biasMask ? countKept(c.biasMask) : w.bias ? w.bias.length : 0;
  const indexBits =
    storage.indexBits > 0
      ? storage.indexBits
      : w.info.className === 'Conv2D'
        ? DEEP_COMPRESSION_INDEX_BITS.conv
        : DEEP_COMPRESSION_INDEX_BITS.dense;
  /**
   * A pruned weight stored as a code ('dense', and the filler zeros of relative indices) needs a
   * code that means 0. Uniform grids and ternary have one (the zero-point); binary (±1) and
   * k-means codebooks do not, so they reserve one more symbol, which can widen the code by a bit
   * (32 clusters + 0 = 33 symbols: 6-bit codes). A bitmask stores only kept weights: no zero.
   * The reserved zero needs no codebook entry: the decoder knows it.
   */
  const zeroSymbol = (format: SparseFormat) => (c.mask !== null && format !== 'bitmask' ? 1 : 0);
  const baseFor = (format: SparseFormat): Omit<CompressedLayerInput, 'sparseFormat'> =>
    c.cluster
      ? {
          numWeights,
          codeBits: fixedCodeBits(c.cluster.centroids.length + zeroSymbol(format)),
          codes: c.cluster.assignments,
          codebookEntries: c.cluster.centroids.length,
          numBias,
        }
      : c.tensor
        ? {
            numWeights,
            codeBits:
              c.spec.kind === 'binary' ? fixedCodeBits(2 + zeroSymbol(format)) : specBits(c.spec),
            ...('codes' in c.tensor
              ? { codes: c.tensor.codes }
              : { codeHistogram: c.tensor.codeHistogram }),
            // A histogram's symbol k is code qmin + k: the zero-point's symbol shifts with it.
            ...(c.spec.kind === 'binary'
              ? {}
              : {
                  zeroCode:
                    (c.tensor.zeroPoint[0] ?? 0) - ('codes' in c.tensor ? 0 : c.tensor.qmin),
                }),
            scales: c.tensor.scale.length,
            zeroPoints:
              c.spec.kind === 'uniform' && c.spec.scheme === 'affine'
                ? c.tensor.zeroPoint.length
                : 0,
            numBias,
          }
        : { numWeights, codeBits: specBits(c.spec), numBias };
  const canHuffman = storage.huffman && (c.cluster !== null || c.tensor !== null);
  const sizeFor = (format: SparseFormat): CompressedLayerSize =>
    compressedLayerSizeBits({
      ...baseFor(format),
      ...(c.mask ? { mask: c.mask } : {}),
      sparseFormat: format,
      indexBits,
      huffman: canHuffman,
      huffmanIndices: storage.huffman,
    });
  let format: SparseFormat;
  let size: CompressedLayerSize;
  if (storage.format === 'auto') {
    const options: SparseFormat[] = c.mask ? ['dense', 'bitmask', 'csr-relative'] : ['dense'];
    const sizes = options.map((f) => [f, sizeFor(f)] as const);
    [format, size] = sizes.reduce((a, b) => (b[1].total < a[1].total ? b : a));
  } else {
    format = c.mask || storage.format === 'dense' ? FORMAT_OF[storage.format] : 'dense';
    size = sizeFor(format);
  }
  return {
    name: w.info.name,
    ...size,
    format,
    indexBits: format === 'csr-relative' ? indexBits : null,
    codeBits: baseFor(format).codeBits,
    float32Bits: 32 * (numWeights + (w.bias ? w.bias.length : 0)),
  };
}

/** A structurally pruned layer, stored as the smaller dense layer it has become. */
function shrunkLayerSize(
  w: LayerWeights,
  c: CompressedLayer,
  storage: Storage,
  kept: Mask | null,
): LayerSize {
  const keptIdx: number[] = [];
  for (let i = 0; i < w.kernel.length; i++) if (!kept || kept[i] !== 0) keptIdx.push(i);
  const inner: CompressedLayer = {
    ...c,
    mask: null,
    tensor: c.tensor
      ? { ...c.tensor, codes: Int32Array.from(keptIdx, (i) => c.tensor!.codes[i]!) }
      : null,
    cluster: c.cluster
      ? { ...c.cluster, assignments: Uint16Array.from(keptIdx, (i) => c.cluster!.assignments[i]!) }
      : null,
  };
  const size = layerSize({ ...w, info: { ...w.info, kernelShape: [keptIdx.length] } }, inner, {
    ...storage,
    format: 'dense',
  });
  return { ...size, float32Bits: 32 * (w.kernel.length + (w.bias ? w.bias.length : 0)) };
}

/**
 * Structured pruning removes whole units: each layer becomes a smaller dense layer, stored as such.
 * Its mask (from pruneModel) marks the weights that remain in it: own output kept and, when the
 * removed units' biases go too, input kept (see structuredKeptMask in core/prune/structured.ts).
 * With the biases kept (torch's rule) the removed units still output act(bias): the next layer
 * keeps those inputs, and every bias is stored.
 */
export function sizeReport(
  original: readonly LayerWeights[],
  compressed: CompressedModel,
  storage: Storage,
): SizeReport {
  const structured = compressed.prune?.layers.some((l) => l.keptChannels !== undefined) ?? false;
  return sumLayerSizes(
    original.map((w, i) => {
      const c = compressed.layers[i]!;
      return structured ? layerSize(w, c, storage, c.mask) : layerSize(w, c, storage);
    }),
  );
}

/** The model's size from its layers' sizes. */
export function sumLayerSizes(layers: LayerSize[]): SizeReport {
  const sum = (f: (l: LayerSize) => number) => layers.reduce((a, l) => a + f(l), 0);
  return {
    layers,
    totalBits: sum((l) => l.total),
    float32Bits: sum((l) => l.float32Bits),
    parts: {
      codes: sum((l) => l.codes),
      indices: sum((l) => l.indices),
      codebook: sum((l) => l.codebook),
      scales: sum((l) => l.scales),
      zeroPoints: sum((l) => l.zeroPoints),
      bias: sum((l) => l.bias),
    },
  };
}
