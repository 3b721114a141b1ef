/**
 * A user's drawing → the 28×28 input the MNIST models expect, by MNIST's own recipe (LeCun,
 * Cortes & Burges, "The MNIST database"): the NIST digits were size-normalized to fit a 20×20
 * box preserving their aspect ratio, anti-aliased to grey levels, then placed in a 28×28 field
 * so that their centre of mass is at its centre. A drawing that is not normalized the same way
 * (a digit filling a 280×280 canvas, or drawn in a corner) is outside what the models saw and is
 * misread, so the Try-it panel runs every drawing through {@link mnistInputFromInk} first.
 *
 * Conventions (the shipped data bears them out: all 2,000 test digits have a 20-pixel larger
 * side, and their mean centre of mass is (14.00, 14.00) in pixel-index coordinates):
 * - Ink is an intensity 0..255 per pixel, 0 = no ink, 255 = full ink (MNIST's white digit on
 *   black). {@link inkFromRgba} derives it from a canvas's `ImageData.data`.
 * - The centre of mass is Σ i·v / Σ v over pixel indices i = 0..27, and the target is (14, 14),
 *   as in MNIST (and the usual `scipy.ndimage.center_of_mass` + `round(14 − c)` re-creations).
 * - The output holds v/255 for integer v in 0..255, computed exactly as the app's own
 *   `imagesToTensor` turns the shipped uint8 images into model input: the model sees a drawing
 *   on the same grid of values as the test set.
 */

/** A grey raster of ink, row-major: `data[y * width + x]` in 0 (none) .. 255 (full ink). */
export interface InkRaster {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
}

/**
 * Where the ink of an RGBA canvas is:
 * - `'alpha'`: strokes painted on a transparent canvas (the simplest drawing pad): ink = alpha,
 *   whatever the stroke colour.
 * - `'light-on-dark'`: a light pen on a dark background, MNIST's own look: ink = luminance.
 * - `'dark-on-light'`: a dark pen on paper: ink = 255 − luminance.
 * For the luminance routes a transparent pixel counts as the background (no ink): the pixel is
 * composited over black, respectively white, first.
 */
export type InkSource = 'alpha' | 'light-on-dark' | 'dark-on-light';

/** MNIST's field and the box its digits are scaled into. */
export const MNIST_SIZE = 28;
export const MNIST_BOX = 20;
/** Where MNIST puts a digit's centre of mass, in pixel-index coordinates (x, y). */
export const MNIST_CENTRE = 14;

/**
 * A drawing covering less than this fraction of its canvas with full-strength ink (Σ ink /
 * (255 · width · height)) is "mostly empty": a tap or a stray speck. On a 280×280 pad with a
 * 20-px pen, a 200-px-tall "1" covers about 6 %, a "7" about 10 %, a single dot 0.4 %.
 */
export const MIN_INK_COVERAGE = 0.005;

/**
 * Ink from a canvas's RGBA bytes (`ImageData.data`, 4 bytes per pixel), see {@link InkSource}.
 * Luminance is Rec. 601's 0.299 R + 0.587 G + 0.114 B, as canvas and PIL greyscale use.
 *
 * @throws RangeError if `rgba` does not hold width × height pixels.
 */
export function inkFromRgba(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  source: InkSource = 'alpha',
): InkRaster {
  checkSize(width, height);
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`expected ${width * height * 4} RGBA bytes, got ${rgba.length}`);
  }
  const data = new Float32Array(width * height);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    const a = rgba[j + 3]!;
    if (source === 'alpha') {
      data[i] = a;
      continue;
    }
    const lum = 0.299 * rgba[j]! + 0.587 * rgba[j + 1]! + 0.114 * rgba[j + 2]!;
    // Over black: lum·a/255 of ink; over white: (255 − lum)·a/255.
    data[i] = ((source === 'light-on-dark' ? lum : 255 - lum) * a) / 255;
  }
  return { data, width, height };
}

/** How much ink a drawing holds: what the UI needs to say "draw a digit" or "too faint". */
export interface InkAmount {
  /** Σ ink / (255 · width · height): the fraction of the canvas covered by full-strength ink. */
  readonly coverage: number;
  /** The strongest pixel, 0..255 (a faint pen never reaches 255). */
  readonly peak: number;
  /** Pixels with any ink. */
  readonly inkedPixels: number;
}

/** The ink a raster holds; values are clamped to 0..255 and NaN counts as no ink. */
export function inkAmount(raster: InkRaster): InkAmount {
  checkRaster(raster);
  let total = 0;
  let peak = 0;
  let inkedPixels = 0;
  for (let i = 0; i < raster.data.length; i++) {
    const v = ink(raster.data[i]!);
    total += v;
    if (v > peak) peak = v;
    if (v > 0) inkedPixels++;
  }
  const area = raster.width * raster.height;
  return { coverage: area === 0 ? 0 : total / (255 * area), peak, inkedPixels };
}

/**
 * True when the drawing holds too little ink to be a digit ({@link MIN_INK_COVERAGE} by
 * default): nothing at all, a dot, or a pen so faint its strokes barely register. The
 * preprocessing would still scale a speck up to a 20-pixel blob, which no model reads well.
 */
export function isMostlyEmpty(raster: InkRaster, minCoverage = MIN_INK_COVERAGE): boolean {
  return inkAmount(raster).coverage < minCoverage;
}

export interface MnistPreprocessOptions {
  /**
   * Pixels with ink ≤ this (0..255) are left out of the bounding box (default 0: any ink
   * counts, so a canvas's anti-aliased stroke edges belong to the digit as in MNIST). They are
   * still resampled if inside the box.
   */
  readonly threshold?: number;
}

/**
 * The MNIST-normalized 28×28 image of a drawing, as bytes 0..255 row-major (what the shipped
 * test images hold), or null when there is no ink above the threshold (the caller says "draw a
 * digit"):
 *
 * 1. crop the bounding box of the ink, w × h source pixels;
 * 2. scale it by s = 20 / max(w, h) with area averaging (each output pixel is the mean ink of
 *    the source area it covers, partial pixels weighted by their overlap, so no stroke is
 *    dropped or aliased and Σ output = s² · Σ ink); the larger side becomes exactly 20 pixels,
 *    the other ⌈s · min(w, h)⌉ (its last column or row may be partly covered);
 * 3. place that box in a 28×28 field, shifted by round(14 − c) on each axis, c the box's centre
 *    of mass, so that the digit's centre of mass lands within half a pixel of (14, 14); the
 *    shift is clamped so that the whole box stays in the field (only a very lopsided drawing,
 *    e.g. a long bar with a blob at one end, needs it);
 * 4. round each pixel to an integer 0..255.
 */
export function mnistBytesFromInk(
  raster: InkRaster,
  options: MnistPreprocessOptions = {},
): Uint8Array | null {
  checkRaster(raster);
  const { data, width, height } = raster;
  const threshold = options.threshold ?? 0;

  // 1. Bounding box of the ink.
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink(data[y * width + x]!) > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;

  // 2. Area resampling, separably: rows first (h × bw), then columns (bh × bw).
  const step = Math.max(w, h) / MNIST_BOX; // source pixels per output pixel
  const xs = areaWeights(w, step);
  const ys = areaWeights(h, step);
  const bw = xs.length;
  const bh = ys.length;
  const rows = new Float64Array(h * bw);
  for (let y = 0; y < h; y++) {
    const src = (y0 + y) * width + x0;
    for (let i = 0; i < bw; i++) {
      const { first, weights } = xs[i]!;
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * ink(data[src + first + k]!);
      rows[y * bw + i] = sum;
    }
  }
  const box = new Float64Array(bh * bw);
  for (let j = 0; j < bh; j++) {
    const { first, weights } = ys[j]!;
    for (let k = 0; k < weights.length; k++) {
      const wk = weights[k]!;
      const row = (first + k) * bw;
      for (let i = 0; i < bw; i++) box[j * bw + i]! += wk * rows[row + i]!;
    }
  }

  // 3. Centre of mass of the box, then the shift that brings it to (14, 14).
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let j = 0; j < bh; j++) {
    for (let i = 0; i < bw; i++) {
      const v = box[j * bw + i]!;
      mass += v;
      mx += v * i;
      my += v * j;
    }
  }
  if (!(mass > 0)) return null; // only reachable with a threshold below 0
  const ox = clampInt(Math.round(MNIST_CENTRE - mx / mass), 0, MNIST_SIZE - bw);
  const oy = clampInt(Math.round(MNIST_CENTRE - my / mass), 0, MNIST_SIZE - bh);

  // 4. Into the field, as bytes.
  const out = new Uint8Array(MNIST_SIZE * MNIST_SIZE);
  for (let j = 0; j < bh; j++) {
    for (let i = 0; i < bw; i++) {
      out[(oy + j) * MNIST_SIZE + ox + i] = Math.round(Math.min(box[j * bw + i]!, 255));
    }
  }
  return out;
}

/**
 * The model input of a drawing: {@link mnistBytesFromInk}'s bytes as floats v/255 in [0, 1],
 * Float32Array(784) row-major (reshape to [1, 28, 28, 1] for the models), computed as the app's
 * `imagesToTensor` does (v · (1/255), stored as float32) so that a drawing identical to a test
 * image gives the model identical input. Null for an empty drawing.
 */
export function mnistInputFromInk(
  raster: InkRaster,
  options?: MnistPreprocessOptions,
): Float32Array | null {
  const bytes = mnistBytesFromInk(raster, options);
  return bytes === null ? null : bytesToUnitFloats(bytes);
}

/** uint8 pixels → v · (1/255) in float32, exactly as the app feeds the shipped images. */
export function bytesToUnitFloats(bytes: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bytes.length);
  const inv = 1 / 255;
  for (let i = 0; i < out.length; i++) out[i] = bytes[i]! * inv;
  return out;
}

/**
 * One output pixel's source footprint along an axis: the source pixels `first`, `first + 1`, …
 * and the fraction of the output pixel each covers (they sum to 1 but for a partly covered
 * last pixel, whose missing part is blank).
 */
interface Footprint {
  readonly first: number;
  readonly weights: Float64Array;
}

/**
 * Area-averaging weights mapping `length` source pixels onto output pixels of `step` source
 * pixels each: output pixel i covers [i·step, (i+1)·step), and source pixel k contributes
 * |[k, k+1) ∩ that interval| / step. There are ⌈length / step⌉ output pixels (up to a rounding
 * slack of 1e-9, so that 20 · (w / 20) stays 20 pixels).
 */
function areaWeights(length: number, step: number): Footprint[] {
  const count = Math.max(1, Math.ceil(length / step - 1e-9));
  const out: Footprint[] = [];
  for (let i = 0; i < count; i++) {
    const start = i * step;
    const end = Math.min((i + 1) * step, length);
    const first = Math.floor(start);
    const last = Math.min(Math.ceil(end) - 1, length - 1);
    const weights = new Float64Array(Math.max(0, last - first + 1));
    for (let k = first; k <= last; k++) {
      const overlap = Math.min(k + 1, end) - Math.max(k, start);
      weights[k - first] = overlap > 0 ? overlap / step : 0;
    }
    out.push({ first, weights });
  }
  return out;
}

/** Ink of one pixel: clamped to 0..255, NaN as 0. */
function ink(v: number): number {
  return v > 0 ? (v < 255 ? v : 255) : 0;
}

function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`bad raster size ${width} × ${height}`);
  }
}

function checkRaster(raster: InkRaster): void {
  checkSize(raster.width, raster.height);
  if (raster.data.length !== raster.width * raster.height) {
    throw new RangeError(
      `a ${raster.width} × ${raster.height} raster needs ${raster.width * raster.height} values, got ${raster.data.length}`,
    );
  }
}
