/** The quantize feature's pure API (its shared/ part): what other features may use. */
export { fakeQuantizePerTensor, quantizeUniform } from './shared/affine';
export { binarize } from './shared/binary';
export { createObserver } from './shared/calibration';
export type { Range } from './shared/calibration';
export { minMaxPerChannel } from './shared/channels';
export { roundToFloat16, toFloat16Array } from './shared/floats';
export { observerConfig } from './shared/observerConfig';
export { FLOAT32_EPS, MAX_UNIFORM_BITS, computeQParams } from './shared/qparams';
export type { QScheme, SymRange } from './shared/qparams';
export { roundHalfEven, roundStochastic } from './shared/rounding';
export type { RoundingMode } from './shared/rounding';
export { quantizedLayerSizeBits } from './shared/size';
export type { LayerSizeBits, SizeScheme } from './shared/size';
export { distinctLevels, errorStats, maxAbsError, mse } from './shared/sqnr';
export type { QuantErrorStats } from './shared/sqnr';
export type { QuantizedTensor } from './shared/types';
export { quantizeWeights } from './shared/weights';
export type { WeightQuantSpec } from './shared/weights';
