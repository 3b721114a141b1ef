/** The model feature's worker layer: what other features may use. */
export { buildMlp } from './architectures';
export { evalBatchSize, evaluate } from './evaluate';
export { chainLayers, collectLayerInputs, fakeQuantAct, forward } from './forward';
export type { ActQParams } from './forward';
export { registerWasmTrainingKernels } from './kernels/conv2dBackpropFilter';
export { imagesToTensor } from './preprocess';
export { readLayerWeights, setKernels } from './weights';
