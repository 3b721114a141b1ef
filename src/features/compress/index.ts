/** The compress feature's pure API (its shared/ part): what other features may use. */
export { compressModel } from './shared/compress';
export type { CompressedLayer, CompressedModel } from './shared/compress';
export { compressed, compressedWeights } from './shared/compressed';
export type { LayerSparsity } from './shared/inspect';
export { proposeMixedPrecision } from './shared/mixedPrecision';
export { compressSettings, describePipeline } from './shared/pipeline';
export {
  layerSize,
  layerSpec,
  planLayer,
  schemeKey,
  specLabel,
  weightSpec,
} from './shared/quantPlan';
export { CONTROL_IDS, actsState, pruneState, weightsState } from './shared/stages';
export { OBSERVER_LABEL, percent } from './shared/words';
