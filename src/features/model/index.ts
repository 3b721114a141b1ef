/** The model feature's pure API (its shared/ part): what other features may use. */
export { ARCH_IDS, DATASET_IDS } from './shared/catalog';
export type { ArchId, DatasetId } from './shared/catalog';
export type { LayerWeights } from './shared/layerWeights';
export type { DatasetMeta, LayerInfo, ModelMeta } from './shared/meta';
export {
  isTrainedModelId,
  isUploadedModelId,
  newTrainedModelId,
  uploadedModelId,
} from './shared/modelId';
export type { TrainedModelId, UploadedModelId } from './shared/modelId';
export { pixelsToFloats } from './shared/pixels';
export { argmaxRows, tallyPredictions } from './shared/predictions';
export { readLayersModelWeights } from './shared/weightsFile';
