import * as tf from '@tensorflow/tfjs';

/** The models were trained on x/255 (see docs/data-and-models.md): pixels in [0, 1], NHWC. */
export function imagesToTensor(
  pixels: Uint8Array,
  count: number,
  shape: readonly [number, number, number],
): tf.Tensor4D {
  const [h, w, c] = shape;
  const size = h * w * c;
  if (pixels.length < count * size) {
    throw new Error(`Expected ${count * size} pixel bytes, got ${pixels.length}.`);
  }
  const floats = new Float32Array(count * size);
  const inv = 1 / 255;
  for (let i = 0; i < floats.length; i++) floats[i] = pixels[i]! * inv;
  return tf.tensor4d(floats, [count, h, w, c]);
}
