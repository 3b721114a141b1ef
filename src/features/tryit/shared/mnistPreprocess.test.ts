import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MNIST_SIZE,
  bytesToUnitFloats,
  inkAmount,
  inkFromRgba,
  isMostlyEmpty,
  mnistBytesFromInk,
  mnistInputFromInk,
  type InkRaster,
} from './mnistPreprocess';

type Point = readonly [number, number];

/**
 * A drawing pad's strokes: each segment a capsule of radius r (a round pen), painted at full ink
 * with a one-pixel anti-aliased rim, as a canvas draws them.
 */
function drawStrokes(
  width: number,
  height: number,
  segments: readonly (readonly [Point, Point])[],
  radius: number,
): InkRaster {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      let d = Infinity;
      for (const [[ax, ay], [bx, by]] of segments) {
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t =
          len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        d = Math.min(d, Math.hypot(px - ax - t * dx, py - ay - t * dy));
      }
      data[y * width + x] = 255 * Math.max(0, Math.min(1, radius + 0.5 - d));
    }
  }
  return { data, width, height };
}

/** A "1": a vertical bar. */
const one = (ox = 130, oy = 40, k = 1) =>
  drawStrokes(
    280,
    280,
    [
      [
        [ox, oy],
        [ox, oy + 200 * k],
      ],
    ],
    10 * k,
  );

/** A "7": a top bar and a slanted down-stroke, at offset (ox, oy) and scale k. */
const seven = (ox = 50, oy = 40, k = 1, size = 280) =>
  drawStrokes(
    size,
    size,
    [
      [
        [ox, oy],
        [ox + 150 * k, oy],
      ],
      [
        [ox + 150 * k, oy],
        [ox + 60 * k, oy + 200 * k],
      ],
    ],
    10 * k,
  );

interface Shape {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  readonly mass: number;
  readonly cx: number;
  readonly cy: number;
}

/** Bounding box (nonzero pixels), total and centre of mass (pixel-index coordinates). */
function shape(img: ArrayLike<number>, size = MNIST_SIZE): Shape {
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = img[y * size + x]!;
      if (v > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  return { x0, y0, width: x1 - x0 + 1, height: y1 - y0 + 1, mass, cx: mx / mass, cy: my / mass };
}

const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);
const meanAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
};

/** The source bounding box of a raster's ink, to know the scale factor the recipe applies. */
function sourceBox(r: InkRaster): { w: number; h: number } {
  const s = shape(r.data, r.width);
  return { w: s.width, h: s.height };
}

describe('MNIST preprocessing of a drawing (LeCun: 20×20 box, centre of mass at 14,14)', () => {
  for (const [name, drawing] of [
    ['a "1" (vertical bar)', one()],
    ['a "7" (two segments)', seven()],
  ] as const) {
    it(`${name}: larger side 20 px, centre of mass at (14, 14), ink preserved, values k/255`, () => {
      const bytes = mnistBytesFromInk(drawing)!;
      const s = shape(bytes);
      expect(Math.max(s.width, s.height)).toBe(20);
      expect(Math.min(s.width, s.height)).toBeLessThanOrEqual(20);
      // Aspect ratio kept: the output box has the source's proportions (to a pixel).
      const src = sourceBox(drawing);
      const k = 20 / Math.max(src.w, src.h);
      expect(Math.abs(s.width - src.w * k)).toBeLessThanOrEqual(1);
      expect(Math.abs(s.height - src.h * k)).toBeLessThanOrEqual(1);
      // Integer shift of the rounded centre of mass: within half a pixel (plus byte rounding).
      expect(Math.abs(s.cx - 14)).toBeLessThanOrEqual(0.5 + 0.02);
      expect(Math.abs(s.cy - 14)).toBeLessThanOrEqual(0.5 + 0.02);
      // Area averaging keeps the ink: Σ out = k² Σ in, up to rounding each pixel to a byte.
      const expected = k * k * sum(drawing.data);
      expect(Math.abs(s.mass - expected)).toBeLessThanOrEqual(0.5 * s.width * s.height);
      expect(Math.abs(s.mass - expected) / expected).toBeLessThan(0.02);

      const input = mnistInputFromInk(drawing)!;
      expect(input).toBeInstanceOf(Float32Array);
      expect(input).toHaveLength(784);
      for (let i = 0; i < 784; i++) {
        expect(input[i]).toBeGreaterThanOrEqual(0);
        expect(input[i]).toBeLessThanOrEqual(1);
        // Exactly what imagesToTensor feeds the model for byte v.
        expect(input[i]).toBe(Math.fround(bytes[i]! * (1 / 255)));
      }
      // Full strokes stay full: the pen's interior is 255 in the output too.
      expect(Math.max(...bytes)).toBe(255);
    });
  }

  it('a "1" becomes a bar about 2 px wide and 20 tall in the middle, not a 20×20 smear', () => {
    const s = shape(mnistBytesFromInk(one())!);
    expect(s.height).toBe(20);
    expect(s.width).toBeLessThanOrEqual(4);
    expect([4, 5]).toContain(s.y0); // a symmetric bar's centre of mass is a half-pixel tie
    expect(s.x0).toBeGreaterThanOrEqual(12);
    expect(s.x0 + s.width - 1).toBeLessThanOrEqual(15);
  });

  it('gives the same image wherever the digit is drawn (whole-pixel moves: identical)', () => {
    const base = mnistBytesFromInk(seven(50, 40))!;
    expect(mnistBytesFromInk(seven(90, 61))).toEqual(base);
    expect(mnistBytesFromInk(seven(15, 12))).toEqual(base);
    // On a larger canvas, too.
    expect(mnistBytesFromInk(seven(200, 150, 1, 500))).toEqual(base);
  });

  it('gives nearly the same image whatever size the digit is drawn at', () => {
    const base = bytesToUnitFloats(mnistBytesFromInk(seven(50, 40, 1))!);
    for (const [ox, oy, k] of [
      [20, 30, 0.5],
      [20, 20, 1.2],
      [140, 100, 0.3],
    ] as const) {
      const other = bytesToUnitFloats(mnistBytesFromInk(seven(ox, oy, k))!);
      expect(meanAbsDiff(other, base)).toBeLessThan(0.03);
    }
  });

  it('averages areas rather than sampling: 1-px stripes downscaled 10× turn uniform grey', () => {
    // A 200×200 square of alternating full and empty columns: nearest-neighbour sampling would
    // give all-black or all-white columns; area averaging gives 127.5 → 128 everywhere.
    const data = new Float32Array(280 * 280);
    for (let y = 40; y < 240; y++) for (let x = 40; x < 240; x += 2) data[y * 280 + x] = 255;
    const bytes = mnistBytesFromInk({ data, width: 280, height: 280 })!;
    const s = shape(bytes);
    expect([s.width, s.height]).toEqual([20, 20]);
    for (let y = s.y0; y < s.y0 + 20; y++) {
      for (let x = s.x0; x < s.x0 + 20; x++) {
        expect(Math.abs(bytes[y * 28 + x]! - 127.5)).toBeLessThanOrEqual(0.5);
      }
    }
  });

  it('weights partly covered source pixels by their overlap (3 px → 20 px, upscaled)', () => {
    // A 3×2 blob: the step is 3/20 source px per output px; output columns straddle the source
    // pixel boundaries at 20/3 and 40/3, where they mix the two neighbours' ink.
    const bytes = mnistBytesFromInk({ data: [30, 90, 180, 30, 90, 180], width: 3, height: 2 })!;
    const s = shape(bytes);
    expect([s.width, s.height]).toEqual([20, 14]);
    const row = Array.from(bytes.slice(s.y0 * 28 + s.x0, s.y0 * 28 + s.x0 + 20));
    // Columns 0..5 lie in source pixel 0, column 6 covers [0.9, 1.05): 2/3 of 30 + 1/3 of 90.
    expect(row.slice(0, 6)).toEqual([30, 30, 30, 30, 30, 30]);
    expect(row[6]).toBe(50);
    // Column 13 covers [1.95, 2.1): (0.05 · 90 + 0.1 · 180) / 0.15 = 150.
    expect(row[13]).toBe(150);
    expect(row.slice(14)).toEqual([180, 180, 180, 180, 180, 180]);
  });

  it('clamps the shift so that a lopsided digit keeps all its ink in the field', () => {
    // A thin 200-px bar with a heavy blob at its right end: the centre of mass sits near the
    // right edge of the 20-px box, so centring it would push the box's left part off the field.
    const r = drawStrokes(
      280,
      280,
      [
        [
          [20, 140],
          [220, 140],
        ],
      ],
      1,
    );
    const data = Float32Array.from(r.data);
    for (let y = 100; y < 180; y++) for (let x = 200; x < 221; x++) data[y * 280 + x] = 255;
    const drawing = { data, width: 280, height: 280 };
    const bytes = mnistBytesFromInk(drawing)!;
    const s = shape(bytes);
    expect(s.width).toBe(20);
    expect(s.x0).toBe(0); // centring would need x0 < 0: pushed against the left edge
    const src = sourceBox(drawing);
    const k = 20 / Math.max(src.w, src.h);
    expect(Math.abs(s.mass - k * k * sum(data)) / (k * k * sum(data))).toBeLessThan(0.02);
  });

  it('returns null for an empty drawing, and for ink at or below the threshold', () => {
    const blank = { data: new Uint8ClampedArray(280 * 280), width: 280, height: 280 };
    expect(mnistBytesFromInk(blank)).toBeNull();
    expect(mnistInputFromInk(blank)).toBeNull();
    const faint = { data: new Float32Array(100).fill(3), width: 10, height: 10 };
    expect(mnistInputFromInk(faint)).not.toBeNull();
    expect(mnistInputFromInk(faint, { threshold: 3 })).toBeNull();
  });

  it('accepts Uint8ClampedArray and Float32Array alike; clamps and ignores NaN', () => {
    const f = seven();
    const u = { ...f, data: Uint8ClampedArray.from(f.data) };
    const a = mnistBytesFromInk(u)!;
    const b = mnistBytesFromInk({ ...f, data: Float32Array.from(u.data) })!;
    expect(a).toEqual(b);
    const wild = Float32Array.from(u.data, (v) => (v === 255 ? 1000 : v === 0 ? NaN : v));
    expect(mnistBytesFromInk({ ...f, data: wild })).toEqual(a);
  });

  it('rejects a raster whose data does not match its size', () => {
    expect(() => mnistBytesFromInk({ data: new Float32Array(10), width: 3, height: 3 })).toThrow(
      RangeError,
    );
    expect(() => inkFromRgba(new Uint8ClampedArray(12), 2, 2)).toThrow(RangeError);
  });
});

describe('ink from a canvas (ImageData.data RGBA)', () => {
  // Four pixels: opaque white, opaque black, transparent, half-transparent mid grey.
  const rgba = new Uint8ClampedArray([
    255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0, 100, 100, 100, 128,
  ]);

  it('reads ink from alpha (strokes on a transparent pad), whatever their colour', () => {
    expect(Array.from(inkFromRgba(rgba, 2, 2, 'alpha').data)).toEqual([255, 255, 0, 128]);
    expect(Array.from(inkFromRgba(rgba, 2, 2).data)).toEqual([255, 255, 0, 128]);
  });

  it('reads a light pen on dark as luminance, a dark pen on light as its inverse', () => {
    const light = inkFromRgba(rgba, 2, 2, 'light-on-dark').data;
    const dark = inkFromRgba(rgba, 2, 2, 'dark-on-light').data;
    expect(light[0]).toBeCloseTo(255, 3);
    expect(light[1]).toBe(0);
    expect(light[2]).toBe(0); // transparent = the background = no ink
    expect(light[3]).toBeCloseTo((100 * 128) / 255, 3);
    expect(dark[0]).toBeCloseTo(0, 3);
    expect(dark[1]).toBe(255);
    expect(dark[2]).toBe(0);
    expect(dark[3]).toBeCloseTo((155 * 128) / 255, 3);
  });

  it('gives the same digit through all three routes when drawn accordingly', () => {
    const drawing = seven();
    const n = drawing.data.length;
    const transparent = new Uint8ClampedArray(n * 4);
    const whiteOnBlack = new Uint8ClampedArray(n * 4);
    const blackOnWhite = new Uint8ClampedArray(n * 4);
    for (let i = 0; i < n; i++) {
      const v = Math.round(drawing.data[i]!);
      transparent.set([20, 40, 200, v], 4 * i); // a blue pen on a transparent pad
      whiteOnBlack.set([v, v, v, 255], 4 * i);
      blackOnWhite.set([255 - v, 255 - v, 255 - v, 255], 4 * i);
    }
    const a = mnistBytesFromInk(inkFromRgba(transparent, 280, 280, 'alpha'))!;
    const b = mnistBytesFromInk(inkFromRgba(whiteOnBlack, 280, 280, 'light-on-dark'))!;
    const c = mnistBytesFromInk(inkFromRgba(blackOnWhite, 280, 280, 'dark-on-light'))!;
    expect(meanAbsDiff(a, b)).toBeLessThan(0.05);
    expect(meanAbsDiff(a, c)).toBeLessThan(0.05);
  });
});

describe('ink amount ("draw a digit" / "too faint")', () => {
  it('measures the fraction of the canvas covered by full ink, the peak and the inked pixels', () => {
    const a = inkAmount({ data: [0, 255, 127.5, 0], width: 2, height: 2 });
    expect(a.coverage).toBeCloseTo(0.375, 12);
    expect(a.peak).toBe(255);
    expect(a.inkedPixels).toBe(2);
    expect(inkAmount({ data: [], width: 0, height: 0 }).coverage).toBe(0);
  });

  it('calls a blank pad, a tap or a faint scribble mostly empty, and drawn digits not', () => {
    expect(isMostlyEmpty({ data: new Float32Array(280 * 280), width: 280, height: 280 })).toBe(
      true,
    );
    const tap = drawStrokes(
      280,
      280,
      [
        [
          [140, 140],
          [140, 140],
        ],
      ],
      10,
    );
    expect(isMostlyEmpty(tap)).toBe(true);
    const faint = { ...seven(), data: Float32Array.from(seven().data, (v) => v * 0.02) };
    expect(isMostlyEmpty(faint)).toBe(true);
    expect(isMostlyEmpty(one())).toBe(false);
    expect(isMostlyEmpty(seven())).toBe(false);
    expect(isMostlyEmpty(seven(), 0.5)).toBe(true);
  });
});

describe('the shipped MNIST test digits survive the round trip', () => {
  const images = new Uint8Array(
    readFileSync(resolve(import.meta.dirname, '../../../../public/data/mnist/test-images.u8')),
  );
  const count = images.length / 784;

  /** Image k drawn 10× larger (nearest neighbour) on a 400×360 pad at offset (ox, oy). */
  function upsampled(k: number, ox: number, oy: number): InkRaster {
    const width = 400;
    const height = 360;
    const data = new Uint8ClampedArray(width * height);
    for (let y = 0; y < 280; y++) {
      for (let x = 0; x < 280; x++) {
        data[(oy + y) * width + ox + x] =
          images[k * 784 + Math.floor(y / 10) * 28 + Math.floor(x / 10)]!;
      }
    }
    return { data, width, height };
  }

  it('holds 2,000 images of 784 bytes (meta.json: test.count)', () => {
    expect(count).toBe(2000);
  });

  it('gives back the original digit: mean |difference| < 0.005 on 200 digits, exact on most', () => {
    // MNIST digits are already normalized (larger side 20, centre of mass rounded to 14), and a
    // 10× nearest upsampling is undone exactly by 10:1 area averaging, so the only difference
    // left is a centre of mass within a hair of a half-pixel tie rounding the other way. We
    // measured 0 on all 2,000; the bounds leave room for two such ties (a 1-px shift costs
    // ~0.1 on its digit).
    let exact = 0;
    let total = 0;
    const n = 200;
    for (let k = 0; k < n; k++) {
      const original = images.subarray(k * 784, (k + 1) * 784);
      const out = mnistBytesFromInk(upsampled(k, 17 + (k % 53), 9 + ((k * 7) % 71)))!;
      const d = meanAbsDiff(bytesToUnitFloats(out), bytesToUnitFloats(original));
      total += d;
      if (d === 0) exact++;
      expect(d).toBeLessThan(0.15);
    }
    expect(total / n).toBeLessThan(0.005);
    expect(exact).toBeGreaterThanOrEqual(n - 2);
  });

  it('stays close when the digit is drawn smoothly at a non-integer size (bilinear ×8.5)', () => {
    // Bilinear upsampling spreads faint ink half a source pixel past the digit's box, so the
    // recipe sees a box ~1/20 larger and slightly blurred: measured mean |difference| 0.035
    // (worst 0.086) over 200 digits at ×8.5, ×6.3 and ×11.7 alike. Without the 20-px scaling
    // or the centring it would be 0.15–0.3.
    const f = 8.5;
    const size = Math.ceil(28 * f);
    let total = 0;
    const n = 50;
    for (let k = 0; k < n; k++) {
      const width = 300;
      const data = new Float32Array(width * width);
      const at = (x: number, y: number) =>
        x < 0 || y < 0 || x > 27 || y > 27 ? 0 : images[k * 784 + y * 28 + x]!;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const u = (x + 0.5) / f - 0.5;
          const v = (y + 0.5) / f - 0.5;
          const [x0, y0] = [Math.floor(u), Math.floor(v)];
          const [a, b] = [u - x0, v - y0];
          data[(31 + y) * width + 40 + x] =
            (1 - a) * (1 - b) * at(x0, y0) +
            a * (1 - b) * at(x0 + 1, y0) +
            (1 - a) * b * at(x0, y0 + 1) +
            a * b * at(x0 + 1, y0 + 1);
        }
      }
      const out = mnistInputFromInk({ data, width, height: width })!;
      const d = meanAbsDiff(out, bytesToUnitFloats(images.subarray(k * 784, (k + 1) * 784)));
      expect(d).toBeLessThan(0.12);
      total += d;
    }
    expect(total / n).toBeLessThan(0.05);
  });
});
