import type { Config, WeightQuant } from '../../../platform/shared/config';
import type { LayerInfo } from '../../model';
import { quantizedLayerSizeBits } from '../../quantize';
import type { LayerSizeBits, SizeScheme } from '../../quantize';
import type { WeightQuantSpec } from '../../quantize';
import { shapeSize } from '../../../platform/shared/stats';

/**
 * From the config to what happens to each layer's weights: the one place where "bits = 1 means
 * binary", "2 bits + ternary means TWN" and "override 0 means float" are decided, shared by the
 * worker (which quantizes) and the UI (which labels and sizes).
 */

export interface LayerQuantPlan {
  readonly name: string;
  readonly spec: WeightQuantSpec;
  /** Short label in the toolkits' words, e.g. "int4 symmetric full-range per-channel". */
  readonly label: string;
  /** Bits per stored weight code (32 for float32). */
  readonly bits: number;
}

/** The weight spec for `bits` bits under the global settings `w`. */
export function weightSpec(w: WeightQuant, bits: number, seed: number): WeightQuantSpec {
  const perChannel = w.granularity === 'channel';
  if (bits <= 1) return { kind: 'binary', perChannel };
  if (bits === 2 && w.ternary) return { kind: 'ternary', perChannel };
  return {
    kind: 'uniform',
    bits,
    scheme: w.scheme,
    // Only symmetric has a signed range: affine specs (and their labels) leave it out.
    ...(w.scheme === 'symmetric' ? { symRange: w.symRange } : {}),
    perChannel,
    rounding: w.rounding,
    seed,
  };
}

/**
 * The quantizer spec a layer gets: its override if it has one, else the global format. With the
 * `cluster` format the weights are shared by k-means instead (see the worker's pipeline); as a
 * quantizer spec that is float32: the centroids are stored as float32.
 */
export function layerSpec(
  config: Pick<Config, 'weights' | 'overrides' | 'seed'>,
  name: string,
): WeightQuantSpec {
  const override = config.overrides[name];
  if (override === 0) return { kind: 'float32' };
  if (override !== undefined) return weightSpec(config.weights, override, config.seed);
  switch (config.weights.format) {
    case 'float32':
    case 'cluster':
      return { kind: 'float32' };
    case 'float16':
      return { kind: 'float16' };
    case 'bfloat16':
      return { kind: 'bfloat16' };
    case 'int':
      return weightSpec(config.weights, config.weights.bits, config.seed);
  }
}

export function specBits(spec: WeightQuantSpec): number {
  switch (spec.kind) {
    case 'uniform':
      return spec.bits;
    case 'binary':
      return 1;
    case 'ternary':
      return 2;
    case 'float16':
    case 'bfloat16':
      return 16;
    case 'float32':
      return 32;
  }
}

/**
 * "symmetric restricted" (−(2^(b−1)−1)…2^(b−1)−1, TFLite int8), "symmetric full-range"
 * (−2^(b−1)…2^(b−1)−1, torch's default) or "affine".
 */
function schemeLabel(spec: WeightQuantSpec & { kind: 'uniform' }): string {
  if (spec.scheme === 'affine') return 'affine';
  return spec.symRange === 'full' ? 'symmetric full-range' : 'symmetric restricted';
}

export function specLabel(spec: WeightQuantSpec): string {
  const gran = (perChannel: boolean) => (perChannel ? 'per-channel' : 'per-tensor');
  switch (spec.kind) {
    case 'uniform':
      return `int${spec.bits} ${schemeLabel(spec)} ${gran(spec.perChannel)}${spec.rounding === 'stochastic' ? ', stochastic rounding' : ''}`;
    case 'binary':
      return `binary α·sign(w) ${gran(spec.perChannel)}`;
    case 'ternary':
      return `ternary (TWN) ${gran(spec.perChannel)}`;
    case 'float16':
      return 'float16';
    case 'bfloat16':
      return 'bfloat16';
    case 'float32':
      return 'float32 (not quantized)';
  }
}

function sizeScheme(spec: WeightQuantSpec): SizeScheme {
  return spec.kind === 'uniform' ? spec.scheme : spec.kind;
}

export function layerSize(
  spec: WeightQuantSpec,
  layer: Pick<LayerInfo, 'kernelShape' | 'biasShape' | 'outChannels'>,
): LayerSizeBits {
  const numWeights = shapeSize(layer.kernelShape);
  const numBias = layer.biasShape ? shapeSize(layer.biasShape) : 0;
  const perChannel = 'perChannel' in spec ? spec.perChannel : false;
  return quantizedLayerSizeBits({
    numWeights,
    numBias,
    scheme: sizeScheme(spec),
    bits: specBits(spec),
    perChannel,
    channels: layer.outChannels,
  });
}

export function planLayer(
  config: Pick<Config, 'weights' | 'overrides' | 'seed'>,
  layer: Pick<LayerInfo, 'name' | 'kernelShape' | 'biasShape' | 'outChannels'>,
): LayerQuantPlan {
  const spec = layerSpec(config, layer.name);
  return { name: layer.name, spec, label: specLabel(spec), bits: specBits(spec) };
}

/**
 * The scheme as a key part: `affine`, `symmetric/restricted` or `symmetric/full` (the signed
 * range only matters to symmetric). For weights and activations alike.
 */
export function schemeKey(s: Pick<WeightQuant, 'scheme' | 'symRange'>): string {
  return s.scheme === 'affine' ? 'affine' : `symmetric/${s.symRange}`;
}

/** A stable string of everything that changes the quantized weights of a model. */
export function weightQuantKey(config: Pick<Config, 'weights' | 'overrides' | 'seed'>): string {
  const w = config.weights;
  const ov = Object.keys(config.overrides)
    .sort()
    .map((k) => `${k}:${config.overrides[k]}`)
    .join(',');
  return `${w.format}|${w.bits}|${schemeKey(w)}|${w.granularity}|${w.rounding}|${w.ternary}|${config.seed}|${ov}`;
}
