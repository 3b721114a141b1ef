/**
 * Selection of the smallest keys: the core of magnitude pruning, shared by the unstructured,
 * global and structured pruners.
 */

import type { Mask } from './mask';
import { touchedUint8 } from '../../../platform/shared/touchedArrays';

/**
 * Non-negative ranking keys without NaN: channel norms (float), or the float32 bit patterns of
 * |w| (Uint32Array, see `magnitudeKeys`): for non-negative IEEE floats the bit pattern read as
 * an unsigned integer orders exactly like the value.
 */
export type Keys = Float32Array | Float64Array | Uint32Array;

/** The float32 bit patterns of |w|, NaN mapped to +∞ (0x7f800000): order-preserving keys. */
export function magnitudeKeys(weights: Float32Array): Uint32Array {
  const bits = new Int32Array(weights.buffer, weights.byteOffset, weights.length);
  const keys = new Uint32Array(weights.length);
  for (let i = 0; i < keys.length; i++) {
    const k = bits[i]! & 0x7fffffff;
    keys[i] = k > 0x7f800000 ? 0x7f800000 : k;
  }
  return keys;
}

/**
 * Returns the k-th smallest element (0-based) of `a`, reordering `a` in place: Hoare-partition
 * quickselect with a median-of-three pivot, expected O(n). Runs of equal values split evenly
 * (both scans stop on the pivot value), so heavily tied inputs stay linear. If the partitioning
 * degenerates the remaining range is sorted instead (introselect).
 */
export function selectInPlace(a: Float32Array | Float64Array, k: number): number {
  if (!(Number.isInteger(k) && k >= 0 && k < a.length))
    throw new RangeError(`k out of range: ${k}`);
  let lo = 0;
  let hi = a.length - 1;
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 16;
  while (lo < hi) {
    if (budget-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return a[k]!;
    }
    const x = a[lo]!;
    const y = a[(lo + hi) >>> 1]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≤ pivot ≤ a[i..hi] and every element strictly between j and i equals pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return pivot;
  }
  return a[k]!;
}

/**
 * The k-th smallest (0-based) of 32-bit unsigned keys, by a two-pass radix select: a histogram
 * of the top 16 bits finds the bucket holding rank k, a histogram of the low 16 bits inside it
 * finds the key. O(n), no data movement, `keys` untouched.
 */
export function radixSelect(keys: Uint32Array, k: number): number {
  if (!(Number.isInteger(k) && k >= 0 && k < keys.length))
    throw new RangeError(`k out of range: ${k}`);
  const high = new Uint32Array(1 << 16);
  for (let i = 0; i < keys.length; i++) high[keys[i]! >>> 16]!++;
  let bucket = 0;
  let below = 0;
  while (below + high[bucket]! <= k) below += high[bucket++]!;
  const low = new Uint32Array(1 << 16);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key >>> 16 === bucket) low[key & 0xffff]!++;
  }
  let digit = 0;
  while (below + low[digit]! <= k) below += low[digit++]!;
  return ((bucket << 16) | digit) >>> 0;
}

/**
 * A mask that prunes exactly `count` entries: those of smallest key. With t the count-th
 * smallest key, every key < t is pruned, and among the keys equal to t the LOWEST INDICES are
 * pruned first until the count is reached: the tie rule of every pruner here (magnitude, global,
 * structured; N:M applies the same rule in nm.ts). torch.topk's order among ties is unspecified
 * (torch 1.13's l1_unstructured on equal |w| pruned the HIGHER half, e.g. indices 2, 3 of 4, and
 * in other cases neither end); ours is deterministic. O(n) expected.
 */
export function pruneSmallest(keys: Keys, count: number): Mask {
  const n = keys.length;
  if (!(Number.isInteger(count) && count >= 0 && count <= n)) {
    throw new RangeError(`cannot prune ${count} of ${n}`);
  }
  const mask = touchedUint8(n);
  if (count === n) return mask;
  mask.fill(1);
  if (count === 0) return mask;
  const threshold =
    keys instanceof Uint32Array
      ? radixSelect(keys, count - 1)
      : selectInPlace(keys.slice(), count - 1);
  let below = 0;
  for (let i = 0; i < n; i++) {
    if (keys[i]! < threshold) {
      mask[i] = 0;
      below++;
    }
  }
  let ties = count - below;
  for (let i = 0; ties > 0 && i < n; i++) {
    if (keys[i] === threshold) {
      mask[i] = 0;
      ties--;
    }
  }
  return mask;
}
