/** Seeded, stratified splits of a labelled data set (by index). */
import { shuffleInPlace } from './rng';

/** Indices of each class, in ascending order. */
export function indicesByClass(labels: ArrayLike<number>, numClasses: number): number[][] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    const bucket = byClass[c];
    if (bucket === undefined)
      throw new Error(`label ${c} at index ${i} is outside 0..${numClasses - 1}`);
    bucket.push(i);
  }
  return byClass;
}

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Per class: shuffle the class's indices with `rng`, put the first `testPerClass` into test
 * and the rest into train (or only `trainPerClass` of the rest, when given). Each split is
 * then shuffled with the same `rng`. Deterministic for a given seed; train and test are disjoint.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  numClasses: number,
  testPerClass: number,
  rng: () => number,
  trainPerClass?: number,
): Split {
  const byClass = indicesByClass(labels, numClasses);
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((indices, c) => {
    const need = testPerClass + (trainPerClass ?? 0);
    if (indices.length < need)
      throw new Error(`class ${c} has ${indices.length} samples, needs ${need}`);
    shuffleInPlace(indices, rng);
    test.push(...indices.slice(0, testPerClass));
    const rest = indices.slice(testPerClass);
    train.push(...(trainPerClass === undefined ? rest : rest.slice(0, trainPerClass)));
  });
  return {
    train: shuffleInPlace(Int32Array.from(train), rng),
    test: shuffleInPlace(Int32Array.from(test), rng),
  };
}

/** A seeded stratified sample of exactly `perClass` indices of every class, shuffled. */
export function stratifiedSample(
  labels: ArrayLike<number>,
  numClasses: number,
  perClass: number,
  rng: () => number,
): Int32Array {
  return stratifiedSplit(labels, numClasses, perClass, rng, 0).test;
}

/** Per-class counts of `labels` at `indices` (or of all labels). */
export function classCounts(
  labels: ArrayLike<number>,
  numClasses: number,
  indices?: ArrayLike<number>,
): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  const n = indices === undefined ? labels.length : indices.length;
  for (let i = 0; i < n; i++) {
    const c = labels[indices === undefined ? i : (indices[i] as number)] as number;
    counts[c] = (counts[c] ?? 0) + 1;
  }
  return counts;
}

/** Copy the images (each `imageSize` bytes) and labels at `indices` into new arrays. */
export function gather(
  images: Uint8Array,
  labels: Uint8Array,
  indices: ArrayLike<number>,
  imageSize: number,
): { images: Uint8Array; labels: Uint8Array } {
  const outImages = new Uint8Array(indices.length * imageSize);
  const outLabels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i] as number;
    outImages.set(images.subarray(j * imageSize, (j + 1) * imageSize), i * imageSize);
    outLabels[i] = labels[j] as number;
  }
  return { images: outImages, labels: outLabels };
}
