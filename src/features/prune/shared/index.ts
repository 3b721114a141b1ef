/**
 * Pruning, weight clustering and sparse size accounting (torch.nn.utils.prune, TFMOT sparsity
 * and clustering, Distiller, Deep Compression). Kernels are Float32Arrays with the output
 * channel on the last axis; masks are Uint8Arrays, 1 = kept.
 */
export {
  applyMask,
  checkSparsity,
  countKept,
  intersectMasks,
  maskSparsity,
  pruneCount,
  type Mask,
} from './mask';
export { kernelLayout, type KernelLayout } from './layout';
export { argsortFloat32 } from './argsort';
export { magnitudeKeys, pruneSmallest, radixSelect, selectInPlace, type Keys } from './select';
export { globalMagnitudeMasks, magnitudeMask } from './magnitude';
export {
  channelNorms,
  structuredKeptMask,
  structuredMask,
  structuredShapes,
  type NormOrder,
  type StructuredBias,
  type StructuredPruneResult,
} from './structured';
export { checkNM, nmMask, nmSparsity } from './nm';
export { randomMask } from './random';
export {
  agpSparsity,
  appliedSparsity,
  constantSparsity,
  polynomialDecay,
  pruningScheduleAt,
  shouldPruneInStep,
  type ConstantSparsity,
  type PolynomialDecay,
  type PruningSchedule,
  type PruningStep,
} from './schedule';
export { densityInit, kmeansPlusPlusInit, linearInit, type CentroidInit } from './clusterInit';
export { MAX_CLUSTERS, kmeansCluster, type ClusterResult, type KMeansOptions } from './cluster';
export { entropyBits, huffmanCodeLengths, huffmanCodedBits, symbolHistogram } from './huffman';
export {
  DEEP_COMPRESSION_INDEX_BITS,
  FLOAT32_BITS,
  compressedLayerSizeBits,
  fixedCodeBits,
  float32SizeBits,
  relativeIndexEntries,
  type CompressedLayerInput,
  type CompressedLayerSize,
  type RelativeIndexEntries,
  type SparseFormat,
} from './sparseSize';
export {
  pruneModel,
  type LayerOverride,
  type LayerPruneResult,
  type PrunableLayer,
  type PruneMethod,
  type PruneResult,
  type PruneSpec,
} from './pruneModel';
