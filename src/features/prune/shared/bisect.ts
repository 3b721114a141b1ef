/** Binary searches on ascending Float64Arrays (C++'s std::upper_bound / lower_bound). */

/** First index in ascending xs[lo..hi) with xs[i] > v (hi if none). */
export function upperBound(xs: Float64Array, v: number, lo = 0, hi = xs.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! > v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index in ascending xs[lo..hi) with xs[i] ≥ v (hi if none). */
export function lowerBound(xs: Float64Array, v: number, lo = 0, hi = xs.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! >= v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
