/** The prune feature's pure API (its shared/ part): what other features may use. */
export { kmeansCluster } from './shared/cluster';
export type { ClusterResult } from './shared/cluster';
export { applyMask, countKept } from './shared/mask';
export type { Mask } from './shared/mask';
export { pruneModel } from './shared/pruneModel';
export type { LayerPruneResult, PruneResult, PruneSpec } from './shared/pruneModel';
export {
  appliedSparsity,
  constantSparsity,
  polynomialDecay,
  pruningScheduleAt,
} from './shared/schedule';
export type { PruningSchedule } from './shared/schedule';
export {
  DEEP_COMPRESSION_INDEX_BITS,
  compressedLayerSizeBits,
  fixedCodeBits,
} from './shared/sparseSize';
export type { CompressedLayerInput, CompressedLayerSize, SparseFormat } from './shared/sparseSize';
