/**
 * Which test images the compression changes: per image, the true label and the top-1 class of
 * the original (float32) and of the compressed model. "Misclassified only by the compressed
 * model" are the images the original gets right and the compressed one gets wrong: the errors
 * the compression added, the ones worth looking at.
 */

/** Top-1 predictions over the same test images, index i = test image i. */
export interface PredictionSets {
  /** True classes. */
  readonly labels: ArrayLike<number>;
  /** The original model's top-1 class per image. */
  readonly float: ArrayLike<number>;
  /** The compressed model's top-1 class per image. */
  readonly compressed: ArrayLike<number>;
}

export interface ModelComparison {
  /** Test images compared: the shortest of the three arrays. */
  readonly count: number;
  /** Right by the original, wrong by the compressed model; ascending indices. */
  readonly compressedOnly: Int32Array;
  /** Wrong by the original, right by the compressed model; ascending indices. */
  readonly floatOnly: Int32Array;
  /** Images each model gets right. */
  readonly floatCorrect: number;
  readonly compressedCorrect: number;
  /** Images whose top-1 class differs between the two models (right or wrong). */
  readonly changed: number;
}

/**
 * Compares the two models' top-1 predictions image by image.
 *
 * @throws RangeError if the arrays do not all have the same length.
 */
export function compareModels(p: PredictionSets): ModelComparison {
  const n = p.labels.length;
  if (p.float.length !== n || p.compressed.length !== n) {
    throw new RangeError(
      `${n} labels, ${p.float.length} original and ${p.compressed.length} compressed predictions`,
    );
  }
  const compressedOnly: number[] = [];
  const floatOnly: number[] = [];
  let floatCorrect = 0;
  let compressedCorrect = 0;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const t = p.labels[i]!;
    const f = p.float[i]! === t;
    const c = p.compressed[i]! === t;
    if (f) floatCorrect++;
    if (c) compressedCorrect++;
    if (p.float[i] !== p.compressed[i]) changed++;
    if (f && !c) compressedOnly.push(i);
    else if (c && !f) floatOnly.push(i);
  }
  return {
    count: n,
    compressedOnly: Int32Array.from(compressedOnly),
    floatOnly: Int32Array.from(floatOnly),
    floatCorrect,
    compressedCorrect,
    changed,
  };
}

/**
 * Stepping through a filtered list of test images: the first entry of `sorted` (ascending)
 * after `current` for direction +1, the last one before it for −1, wrapping around at the ends.
 * `current` need not be in the list. Null when the list is empty.
 */
export function stepThrough(
  sorted: ArrayLike<number>,
  current: number,
  direction: 1 | -1,
): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (direction === 1) {
    // First entry > current (binary search), else wrap to the first.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! > current) hi = mid;
      else lo = mid + 1;
    }
    return lo < n ? sorted[lo]! : sorted[0]!;
  }
  // Last entry < current, else wrap to the last.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < current) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1]! : sorted[n - 1]!;
}

/** Position (0-based) of `value` in the ascending list, or −1 when it is not in it. */
export function positionIn(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === value ? lo : -1;
}
