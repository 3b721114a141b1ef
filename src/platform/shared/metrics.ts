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
