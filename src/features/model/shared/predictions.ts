/** Counting a model's predictions, as every evaluation path of the app does (pure). */

/** Top-1 class per row of `logits` (`classes` per row): the first maximum, as tf.argMax. */
export function argmaxRows(logits: Float32Array, classes: number): Uint8Array {
  const n = logits.length / classes;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestV = logits[i * classes]!;
    for (let j = 1; j < classes; j++) {
      const v = logits[i * classes + j]!;
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Adds `count` predictions (`predicted[i]` for example `start + i`) to `confusion` (row-major
 * `classes`×`classes`, rows = true class from `labels`) and returns how many were right.
 */
export function tallyPredictions(
  confusion: Uint32Array,
  classes: number,
  labels: Uint8Array,
  start: number,
  predicted: ArrayLike<number>,
  count: number,
): number {
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const t = labels[start + i]!;
    const q = predicted[i]!;
    confusion[t * classes + q]!++;
    if (t === q) correct++;
  }
  return correct;
}
