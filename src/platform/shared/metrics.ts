/** Per-class accuracy = diagonal of the confusion matrix over its row sums (rows = true class). */
export function perClassAccuracy(confusion: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < k; t++) {
    let row = 0;
    for (let p = 0; p < k; p++) row += confusion[t * k + p]!;
    out.push(row > 0 ? confusion[t * k + t]! / row : 0);
  }
  return out;
}

/** An evaluation's counts: test images, correct top-1 predictions, confusion matrix, time. */
export interface Counted {
  readonly correct: number;
  readonly count: number;
  readonly accuracy: number;
  /** confusion[t * k + p]: images of true class t predicted as p. */
  readonly confusion: Uint32Array;
  readonly ms: number;
}

/**
 * One evaluation from two over adjoining ranges of the test set: the counts and the confusion
 * matrices add up, and so do the times (the rest is `a`'s: model, classes).
 */
export function joinEvaluations<E extends Counted>(a: E, b: Counted): E {
  const confusion = a.confusion.slice();
  for (let i = 0; i < confusion.length; i++) confusion[i]! += b.confusion[i] ?? 0;
  const correct = a.correct + b.correct;
  const count = a.count + b.count;
  const accuracy = count > 0 ? correct / count : 0;
  return { ...a, correct, count, accuracy, confusion, ms: a.ms + b.ms };
}
