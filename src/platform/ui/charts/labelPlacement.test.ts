import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeLabels } from './labelPlacement';
import type { Box } from './labelPlacement';

const bounds: Box = { x: 0, y: 0, w: 400, h: 200 };
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('placeLabels', () => {
  it('puts a lone label to the right of its point, vertically centred', () => {
    const [box] = placeLabels([{ x: 100, y: 100, w: 20, h: 10 }], bounds, 4);
    expect(box).toEqual({ x: 106, y: 95, w: 20, h: 10 });
  });

  it('goes left at the right edge', () => {
    const [box] = placeLabels([{ x: 395, y: 100, w: 20, h: 10 }], bounds, 4);
    expect(box).toEqual({ x: 369, y: 95, w: 20, h: 10 });
  });

  it('moves the second of two close points elsewhere, off the first point', () => {
    const [a, b] = placeLabels(
      [
        { x: 100, y: 100, w: 20, h: 10 },
        { x: 112, y: 100, w: 20, h: 10 },
      ],
      bounds,
      4,
    );
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    // The first label would sit on the second point: it went elsewhere too.
    expect(a!.x).toBeLessThan(100);
    expect(overlap(a!, b!)).toBe(false);
  });

  it('leaves a label out when every spot is taken', () => {
    const crowd = Array.from({ length: 9 }, (_, i) => ({
      x: 10 + (i % 3) * 6,
      y: 10 + Math.floor(i / 3) * 6,
      w: 30,
      h: 10,
    }));
    const boxes = placeLabels(crowd, { x: 0, y: 0, w: 60, h: 40 }, 3);
    expect(boxes.some((b) => b === null)).toBe(true);
  });

  it('never overlaps two labels, a label and a marker, or leaves the bounds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            x: fc.double({ min: 0, max: 400, noNaN: true }),
            y: fc.double({ min: 0, max: 200, noNaN: true }),
            w: fc.integer({ min: 6, max: 40 }),
          }),
          { maxLength: 40 },
        ),
        (points) => {
          const r = 4;
          const reqs = points.map((p) => ({ ...p, h: 10 }));
          const boxes = placeLabels(reqs, bounds, r);
          const placed = boxes.filter((b): b is Box => b !== null);
          for (const [i, b] of placed.entries()) {
            expect(b.x).toBeGreaterThanOrEqual(0);
            expect(b.y).toBeGreaterThanOrEqual(0);
            expect(b.x + b.w).toBeLessThanOrEqual(400);
            expect(b.y + b.h).toBeLessThanOrEqual(200);
            for (const other of placed.slice(i + 1)) expect(overlap(b, other)).toBe(false);
            for (const p of reqs)
              expect(overlap(b, { x: p.x - r, y: p.y - r, w: 2 * r, h: 2 * r })).toBe(false);
          }
        },
      ),
    );
  });
});
