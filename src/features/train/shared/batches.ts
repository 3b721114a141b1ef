import type { Random } from '../../../platform/shared/random';
import { pixelsToFloats } from '../../model';

/**
 * Mini-batches of the training set, on plain arrays: a seeded order per epoch and the x/255
 * scaling of src/features/model/shared/pixels.ts (pixels in [0, 1], NHWC, no mean subtraction).
 */

/** A Fisher–Yates shuffle of `order` in place, one draw of `random` per position from the end. */
export function shuffleOrder(order: Int32Array, random: Random): Int32Array {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const picked = order[j]!;
    order[j] = order[i]!;
    order[i] = picked;
  }
  return order;
}

/**
 * The images at `order[start..end)` scaled by 1/255 into `out` (pixelsToFloats), and
 * their labels into `labels`. `size` is the number of values per image.
 */
export function fillBatch(
  pixels: Uint8Array,
  allLabels: Uint8Array,
  order: Int32Array,
  start: number,
  end: number,
  size: number,
  out: Float32Array,
  labels: Int32Array,
): void {
  for (let i = start; i < end; i++) {
    const src = order[i]! * size;
    const dst = (i - start) * size;
    pixelsToFloats(pixels.subarray(src, src + size), out.subarray(dst, dst + size));
    labels[i - start] = allLabels[order[i]!]!;
  }
}

/** Rows `order[start..end)` of a [n, k] row-major matrix (e.g. teacher logits) into `out`. */
export function gatherRows(
  matrix: Float32Array,
  k: number,
  order: Int32Array,
  start: number,
  end: number,
  out: Float32Array,
): void {
  for (let i = start; i < end; i++) {
    out.set(matrix.subarray(order[i]! * k, order[i]! * k + k), (i - start) * k);
  }
}
