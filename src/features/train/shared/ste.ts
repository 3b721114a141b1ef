import type { QuantizedTensor } from '../../quantize';
import type { WeightQuantSpec } from '../../quantize';

/**
 * Where the straight-through estimator lets the gradient through (Bengio et al. 2013; the
 * "clipped" STE of torch's FakeQuantize and TFMOT): rounding has zero gradient almost
 * everywhere, so QAT uses the forward value of the quantizer and, backward, the gradient of the
 * identity where the weight is representable and 0 where the quantizer clips it.
 *
 * - uniform (torch `fake_quantize_per_{tensor,channel}_affine` backward): pass where the
 *   unclamped code round(w·fl(1/s)) + z lies in [qmin, qmax], i.e. inside the clip range
 *   widened by half a step;
 * - binary and ternary: pass where |w| ≤ 1, BinaryConnect's clip (Courbariaux et al. 2015, the
 *   "hard tanh" STE also used by XNOR-Net and TWN implementations). Their scale α is a mean of
 *   |w|, so clipping at ±α would stop the gradient of every large weight; ±1 lies far outside
 *   trained MNIST weights (|w| < 1), so in practice every weight gets its gradient;
 * - float16/bfloat16/float32: pass everywhere.
 *
 * Masks are 1 = gradient passed, 0 = stopped, one per weight.
 */
export const BINARY_STE_CLIP = 1;

export function steMask(
  weights: Float32Array,
  spec: WeightQuantSpec,
  tensor: QuantizedTensor | null,
): Uint8Array {
  const pass = new Uint8Array(weights.length);
  if (spec.kind === 'binary' || spec.kind === 'ternary') {
    for (let i = 0; i < weights.length; i++)
      pass[i] = Math.abs(weights[i]!) <= BINARY_STE_CLIP ? 1 : 0;
    return pass;
  }
  if (spec.kind !== 'uniform' || !tensor) return pass.fill(1);
  // code = round½even(fl(w·fl(1/s))) + z lies in [qmin, qmax] ⇔ v = fl(w·fl(1/s)) lies strictly
  // within half a step of [qmin − z, qmax − z], or exactly half a step out where half-to-even
  // rounds back in (toward an even end). Thresholds per channel: no rounding in the loop.
  const channels = tensor.scale.length;
  const inv = Float64Array.from(tensor.scale, (s) => Math.fround(1 / s));
  const lo = new Float64Array(channels);
  const hi = new Float64Array(channels);
  const loIn = new Uint8Array(channels);
  const hiIn = new Uint8Array(channels);
  for (let c = 0; c < channels; c++) {
    const a = tensor.qmin - tensor.zeroPoint[c]!;
    const b = tensor.qmax - tensor.zeroPoint[c]!;
    lo[c] = a - 0.5;
    hi[c] = b + 0.5;
    loIn[c] = a % 2 === 0 ? 1 : 0;
    hiIn[c] = b % 2 === 0 ? 1 : 0;
  }
  for (let i = 0, c = 0; i < weights.length; i++, c = c + 1 === channels ? 0 : c + 1) {
    const v = Math.fround(weights[i]! * inv[c]!);
    const aboveLo = v > lo[c]! || (v === lo[c]! && loIn[c] === 1);
    const belowHi = v < hi[c]! || (v === hi[c]! && hiIn[c] === 1);
    pass[i] = aboveLo && belowHi ? 1 : 0;
  }
  return pass;
}
