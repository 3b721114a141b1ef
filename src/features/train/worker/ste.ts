import * as tf from '@tensorflow/tfjs';
import { fakeQuantAct } from '../../model/worker';
import type { ActQParams } from '../../model/worker';

/**
 * Straight-through estimators as tfjs ops (tfjs has no stopGradient: `tf.customGrad` supplies
 * the backward pass). Forward: the fake-quantized value; backward: dy where the gradient passes,
 * 0 where the quantizer clips (see shared/ste.ts for where that is).
 */

/**
 * `w` in the forward pass replaced by `quantized` (computed from w's current values outside the
 * graph, by the post-training quantizer itself), with ∂/∂w = dy · pass. `quantized` and `pass`
 * (0/1, w's shape) are constants of the step; the caller owns them.
 */
export function steWeight(w: tf.Tensor, quantized: tf.Tensor, pass: tf.Tensor): tf.Tensor {
  // The forward value does not depend on w's value (it was computed from it outside the graph);
  // the gradient with respect to w is dy where the quantizer does not clip.
  const f = tf.customGrad((_w) => ({
    value: quantized.clone(),
    gradFunc: (dy: tf.Tensor) => [tf.mul(dy, pass)],
  }));
  return f(w);
}

/**
 * Activation fake-quant with torch's FakeQuantize backward: forward `fakeQuantAct` (the same op
 * as post-training activation quantization, src/features/model/worker/forward.ts), gradient passed where the
 * unclamped code round(x·fl(1/s)) + z lies in [qmin, qmax].
 */
export function steFakeQuantAct(x: tf.Tensor, q: ActQParams): tf.Tensor {
  const f = tf.customGrad((input, save) => {
    const inside = tf.tidy(() => {
      const codes = tf.add(
        tf.round(tf.mul(input as tf.Tensor, Math.fround(1 / q.scale))),
        q.zeroPoint,
      );
      return tf.cast(
        tf.logicalAnd(tf.greaterEqual(codes, q.qmin), tf.lessEqual(codes, q.qmax)),
        'float32',
      );
    });
    (save as tf.GradSaveFunc)([inside]);
    inside.dispose();
    return {
      value: fakeQuantAct(input as tf.Tensor, q),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0]!)],
    };
  });
  return f(x);
}
