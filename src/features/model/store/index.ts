/** The model feature's store layer: what other features may use. */
export { openTrainedStore, toStoredBuffer } from './trainedStore';
export type { TrainedModel, TrainedStore } from './trainedStore';
