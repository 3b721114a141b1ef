/**
 * What the Try-it tab runs the two models on: the user's drawing or a test image. It is not part
 * of the experiment's config (a drawing does not belong in a link), so the store keeps it beside
 * the config; every drawing gets a new id, and results are keyed by that id, so a prediction of
 * an earlier drawing is never taken for the current one.
 */

/** How much ink a drawing holds (see mnistPreprocess.ts, isMostlyEmpty). */
export type InkState = 'empty' | 'faint' | 'ok';

/** The drawing as the model gets it. */
export interface Drawing {
  /** A new id for every new drawing (each finished stroke, each clear). */
  readonly id: number;
  /** The model input (784 values v/255), or null when there is nothing to predict. */
  readonly input: Float32Array | null;
  readonly ink: InkState;
}

/** One pen stroke on the drawing pad: x0, y0, x1, y1, … in pad pixels. */
export type Stroke = readonly number[];

export interface TryitState {
  /** What the predictions are of: the drawing (MNIST only) or the chosen test image. */
  readonly mode: 'drawing' | 'test';
  readonly drawing: Drawing;
  /** The strokes of the drawing, so that the pad shows it again when the tab comes back. */
  readonly strokes: readonly Stroke[];
  /** The chosen test image (clamped to the test set where used). */
  readonly testIndex: number;
  /** The test-image picker steps only through images misclassified only by the compressed model. */
  readonly onlyCompressedWrong: boolean;
}

export const INITIAL_TRYIT: TryitState = {
  mode: 'test',
  drawing: { id: 0, input: null, ink: 'empty' },
  strokes: [],
  testIndex: 0,
  onlyCompressedWrong: false,
};

/** The datasets whose models read handwritten digits: the only ones the drawing pad is for. */
export const DRAWABLE_DATASETS: readonly string[] = ['mnist'];

export type TryitSource =
  | { readonly kind: 'drawing'; readonly drawing: Drawing }
  | { readonly kind: 'test'; readonly index: number };

/** The test image to show: the chosen one, within the test set (a smaller one may follow a larger). */
export function clampTestIndex(index: number, count: number): number {
  return Math.max(0, Math.min(Math.floor(index), count - 1));
}

/**
 * What to predict for: the drawing when it is chosen and the dataset is one of digits, else the
 * chosen test image within the `count` images of the test set.
 */
export function tryitSource(t: TryitState, dataset: string, count: number): TryitSource {
  return t.mode === 'drawing' && DRAWABLE_DATASETS.includes(dataset)
    ? { kind: 'drawing', drawing: t.drawing }
    : { kind: 'test', index: clampTestIndex(t.testIndex, count) };
}

/**
 * The part of a prediction's key that names its input: `d<id>` for a drawing, `t<index>` for a
 * test image; null when there is nothing to predict (an empty or too faint drawing).
 */
export function sourceKey(source: TryitSource): string | null {
  if (source.kind === 'drawing')
    return source.drawing.input === null ? null : `d${source.drawing.id}`;
  return `t${source.index}`;
}
