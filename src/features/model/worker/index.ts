/** The model feature's worker layer: what other features may use. */
export { buildMlp } from './architectures';
export { evalBatchSize, evaluate } from './evaluate';
export { chainLayers, collectLayerInputs, fakeQuantAct, forward } from './forward';
export type { ActQParams } from './forward';
export { registerWasmTrainingKernels } from './kernels/conv2dBackpropFilter';
export { imagesToTensor } from './preprocess';
export { PrefixCache, evaluatePrefixCached, prefixCache } from './prefixCache';
export type { PassReport, PrefixCacheOptions } from './prefixCache';
export { readLayerWeights, setKernels } from './weights';
