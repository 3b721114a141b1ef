import * as tf from '@tensorflow/tfjs';
import { evalBatchSize } from '../../model/worker';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';

/**
 * What the distillation view needs from the teacher: one test image with the teacher's logits
 * (the soft targets are softmax(z / T) of them, computed where they are drawn, so moving T needs
 * no trip to the worker), and which test images the teacher gets wrong. The model's variables
 * must hold its own weights (the caller loads them); every tensor made here is disposed here.
 */

export interface SoftTargets {
  readonly modelId: string;
  readonly index: number;
  /** The true class. */
  readonly label: number;
  /** The image as stored, 0–255, row-major height × width × channels. */
  readonly pixels: Uint8Array;
  readonly shape: readonly [number, number, number];
  /** The model's outputs z before any softmax (every model here ends in a linear layer). */
  readonly logits: Float32Array;
}

export interface Misclassified {
  readonly modelId: string;
  /** Test images looked at: the whole test set. */
  readonly count: number;
  /** Indices of the test images the model's top-1 prediction gets wrong, ascending. */
  readonly indices: Int32Array;
}

/** Test image `index` and the model's logits for it. */
export async function softTargetsOf(
  m: LoadedModel,
  d: LoadedDataset,
  index: number,
): Promise<SoftTargets> {
  const n = d.testLabels.length;
  if (!Number.isInteger(index) || index < 0 || index >= n)
    throw new RangeError(`Test image ${index} does not exist: the test set has ${n} images.`);
  const [image, logits] = tf.tidy(() => {
    const x = d.testX.slice(index, 1);
    // testX holds x/255: ×255 and rounding gives back the stored bytes exactly.
    return [
      tf.round(tf.mul(x, 255)).toInt(),
      m.model.predict(x, { batchSize: 1 }) as tf.Tensor,
    ] as const;
  });
  try {
    const [px, z] = await Promise.all([image.data(), logits.data()]);
    return {
      modelId: m.meta.id,
      index,
      label: d.testLabels[index]!,
      pixels: Uint8Array.from(px),
      shape: [...d.meta.imageShape] as [number, number, number],
      // A copy: tfjs may hand out a view of its own memory, which cannot be transferred.
      logits: Float32Array.from(z),
    };
  } finally {
    image.dispose();
    logits.dispose();
  }
}

/** The test images the model misclassifies, found batch by batch over the whole test set. */
export async function misclassifiedOf(m: LoadedModel, d: LoadedDataset): Promise<Misclassified> {
  const total = Math.min(d.testX.shape[0], d.testLabels.length);
  const batch = evalBatchSize(m.model, total);
  const wrong: number[] = [];
  for (let start = 0; start < total; start += batch) {
    const size = Math.min(batch, total - start);
    const top = tf.tidy(() =>
      (m.model.predict(d.testX.slice(start, size), { batchSize: size }) as tf.Tensor).argMax(-1),
    );
    const predicted = await top.data();
    top.dispose();
    predicted.forEach((p, i) => {
      if (p !== d.testLabels[start + i]) wrong.push(start + i);
    });
  }
  return { modelId: m.meta.id, count: total, indices: Int32Array.from(wrong) };
}
