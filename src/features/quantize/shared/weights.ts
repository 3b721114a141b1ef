/**
 * One entry point for weight quantization, from a plain (URL- and worker-safe) spec.
 */

import { quantizeUniform, type UniformQuantConfig } from './affine';
import { binarize, ternarize } from './binary';
import { channelCount } from './channels';
import { toBFloat16Array, toFloat16Array } from './floats';
import type { QuantizedTensor } from './types';

export type WeightQuantSpec =
  | ({ readonly kind: 'uniform' } & UniformQuantConfig)
  | { readonly kind: 'binary'; readonly perChannel: boolean }
  | { readonly kind: 'ternary'; readonly perChannel: boolean }
  | { readonly kind: 'float16' }
  | { readonly kind: 'bfloat16' }
  | { readonly kind: 'float32' };

export interface QuantizedWeights {
  /** The values to run the network with (a copy; the input is never modified). */
  readonly values: Float32Array;
  /** Codes and qparams, for integer schemes; null for the float formats. */
  readonly tensor: QuantizedTensor | null;
}

/** Quantizes a weight tensor of the given shape (output channel on the last axis). */
export function quantizeWeights(
  weights: Float32Array,
  shape: readonly number[],
  spec: WeightQuantSpec,
  /**
   * For a uniform grid, the per-channel ranges of these very weights when the caller keeps them
   * (compress.ts: a trained kernel's, computed once), one per channel of the spec's granularity.
   */
  ranges?: (channels: number) => { readonly min: Float32Array; readonly max: Float32Array },
): QuantizedWeights {
  switch (spec.kind) {
    case 'uniform':
    case 'binary':
    case 'ternary': {
      const quantize =
        spec.kind === 'uniform'
          ? (w: Float32Array) =>
              quantizeUniform(
                w,
                shape,
                spec,
                ranges?.(channelCount(w.length, shape, spec.perChannel)),
              )
          : spec.kind === 'binary'
            ? (w: Float32Array) => binarize(w, shape, spec)
            : (w: Float32Array) => ternarize(w, shape, spec);
      const tensor = quantize(weights);
      return { values: tensor.values, tensor };
    }
    case 'float16':
    case 'bfloat16':
    case 'float32': {
      channelCount(weights.length, shape, false); // validates the shape
      const values =
        spec.kind === 'float16'
          ? toFloat16Array(weights)
          : spec.kind === 'bfloat16'
            ? toBFloat16Array(weights)
            : weights.slice();
      return { values, tensor: null };
    }
  }
}
