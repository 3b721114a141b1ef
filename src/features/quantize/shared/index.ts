/** Quantization maths: qparams, fake-quant, binary/ternary, 16-bit floats, observers, metrics, size. */
export type { QuantizedTensor } from './types';
export { roundHalfEven, roundStochastic, type RoundingMode } from './rounding';
export {
  FLOAT32_EPS,
  MAX_UNIFORM_BITS,
  MIN_UNIFORM_BITS,
  clipRange,
  computeQParams,
  levelCount,
  quantRange,
  type QParams,
  type QScheme,
  type SymRange,
} from './qparams';
export { channelAxis, channelCount, elementCount, minMaxPerChannel } from './channels';
export {
  fakeQuantize,
  fakeQuantizePerChannel,
  fakeQuantizePerTensor,
  quantizeUniform,
  type FakeQuantizeOptions,
  type FakeQuantized,
  type UniformQuantConfig,
} from './affine';
export { TWN_DELTA_FACTOR, binarize, ternarize, type BinaryConfig } from './binary';
export {
  BFLOAT16,
  FLOAT16,
  roundToBFloat16,
  roundToFloat16,
  roundToFloatFormat,
  toBFloat16Array,
  toFloat16Array,
  type FloatFormat,
  type FloatOverflow,
} from './floats';
export { CalibrationHistogram, type SignedBins } from './calibrationHistogram';
export {
  MinMaxObserver,
  MovingAverageMinMaxObserver,
  MseObserver,
  PercentileObserver,
  activationHistogram,
  createObserver,
  observedBins,
  type Observer,
  type ObserverConfig,
  type ObserverKind,
  type Range,
} from './calibration';
export {
  countClipped,
  distinctLevels,
  distinctLevelsPerChannel,
  maxAbsError,
  mse,
  errorStats,
  quantErrorStats,
  sqnrDb,
  type QuantErrorStats,
} from './sqnr';
export {
  FLOAT32_BITS,
  ZERO_POINT_BITS,
  float32LayerSizeBits,
  quantizedLayerSizeBits,
  type LayerSizeBits,
  type LayerSizeInput,
  type SizeScheme,
} from './size';
export { quantizeWeights, type QuantizedWeights, type WeightQuantSpec } from './weights';
