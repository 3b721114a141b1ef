import * as tf from '@tensorflow/tfjs';
import { pixelsToFloats } from '../shared/pixels';

/** The test images as the models' input tensor (see pixelsToFloats): pixels in [0, 1], NHWC. */
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
  pixelsToFloats(pixels, floats);
  return tf.tensor4d(floats, [count, h, w, c]);
}
