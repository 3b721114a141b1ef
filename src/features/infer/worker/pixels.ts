import * as tf from '@tensorflow/tfjs';
import type { LoadedDataset } from '../../../platform/worker/assets';

const cache = new WeakMap<LoadedDataset, Promise<Uint8Array>>();

/**
 * The test set's stored bytes (0–255), recovered from the loaded tensor: testX holds
 * fl(p · (1/255)), and ×255 rounded gives p back exactly. Once per dataset.
 */
export function testPixels(d: LoadedDataset): Promise<Uint8Array> {
  let p = cache.get(d);
  if (!p) {
    p = (async () => {
      const t = tf.tidy(() => tf.round(tf.mul(d.testX, 255)).toInt());
      try {
        return Uint8Array.from(await t.data());
      } finally {
        t.dispose();
      }
    })();
    cache.set(d, p);
  }
  return p;
}
