import * as tf from '@tensorflow/tfjs';
import { imagesToTensor } from '../../model/worker';
import { forwardNet } from './net';
import type { Net } from './net';

/**
 * The training loss of every recipe, as tfjs ops (the float64 reference is shared/kd.ts):
 *
 *   L = α · T² · mean_batch KL(softmax(t/T) ‖ softmax(s/T)) + (1 − α) · CE(labels, s)
 *
 * (Hinton et al. 2015). Fine-tuning and QAT use α = 0: then L is `tf.losses.softmaxCrossEntropy`
 * itself (the soft term is not built), so a distillation run with α = 0 is exactly training on
 * hard labels; with α = 1 the cross-entropy is not built either.
 * KL uses log-softmax on both sides, so a teacher probability that underflows to 0 contributes
 * 0·(−∞ − …) = 0 instead of NaN.
 */
export function distillationLoss(
  studentLogits: tf.Tensor,
  onehot: tf.Tensor,
  teacherLogits: tf.Tensor | null,
  temperature: number,
  alpha: number,
): tf.Scalar {
  if (alpha === 0 || teacherLogits === null) {
    if (alpha !== 0) throw new Error('alpha > 0 needs the teacher logits');
    return tf.losses.softmaxCrossEntropy(onehot, studentLogits) as tf.Scalar;
  }
  const logP = tf.logSoftmax(tf.div(teacherLogits, temperature));
  const logQ = tf.logSoftmax(tf.div(studentLogits, temperature));
  const kl = tf.mean(tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), -1));
  const soft = tf.mul(kl, temperature * temperature);
  if (alpha === 1) return soft as tf.Scalar;
  const ce = tf.losses.softmaxCrossEntropy(onehot, studentLogits);
  return tf.add(tf.mul(soft, alpha), tf.mul(ce, 1 - alpha)) as tf.Scalar;
}

/** Images per teacher batch: big batches are fastest on wasm; this bounds a CNN's activations. */
const TEACHER_BATCH = 1000;

/**
 * The teacher's logits for every training image, computed once per run: a [n, classes]
 * row-major Float32Array. Stops early (returning null) when `cancelled()` turns true between
 * batches.
 */
export async function teacherLogits(
  teacher: Net,
  pixels: Uint8Array,
  count: number,
  imageShape: readonly [number, number, number],
  cancelled: () => boolean,
): Promise<Float32Array | null> {
  const size = imageShape[0] * imageShape[1] * imageShape[2];
  let out: Float32Array | null = null;
  for (let start = 0; start < count; start += TEACHER_BATCH) {
    if (cancelled()) return null;
    const n = Math.min(TEACHER_BATCH, count - start);
    const logits = tf.tidy(() =>
      forwardNet(
        teacher,
        imagesToTensor(pixels.subarray(start * size, (start + n) * size), n, imageShape),
      ),
    );
    const data = (await logits.data()) as Float32Array;
    const classes = logits.shape[1]!;
    logits.dispose();
    out ??= new Float32Array(count * classes);
    out.set(data, start * classes);
  }
  return out ?? new Float32Array(0);
}
