import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blockCover, blockOrder, pairMasks } from './blockOrder';

const isPermutation = (order: Uint32Array, count: number) =>
  order.length === count && new Set(order).size === count && order.every((i) => i < count);

const natural = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('blockOrder', () => {
  it('is a permutation of the images, the same for the same pixels', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (count, bytes, seed) => {
          let s = seed;
          const pixels = Uint8Array.from({ length: count * bytes }, () => {
            s = (s * 1103515245 + 12345) >>> 0;
            return s >>> 29 < 5 ? 0 : s >>> 24;
          });
          const order = blockOrder(pixels, count, bytes);
          expect(isPermutation(order, count)).toBe(true);
          expect(Array.from(blockOrder(pixels, count, bytes))).toEqual(Array.from(order));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('puts images of one silhouette together', () => {
    // Four silhouettes (a quarter of the image each), taken in turn: every block of four
    // consecutive images covers the whole image; in the block order, one quarter.
    const bytes = 64;
    const count = 48;
    const pixels = new Uint8Array(count * bytes);
    for (let i = 0; i < count; i++) {
      const q = i % 4;
      for (let j = q * 16; j < q * 16 + 16; j++) pixels[i * bytes + j] = 1 + ((i * 7 + j) % 200);
    }
    const masks = pairMasks(pixels, count, bytes);
    expect(blockCover(masks, natural(count))).toBe(1);
    const order = blockOrder(pixels, count, bytes);
    expect(blockCover(masks, order)).toBe(0.25);
  });

  it.each([
    ['mnist', 0.36],
    ['fashion', 0.68],
  ])('leaves more of the %s test set out of blocks of four', (dataset, most) => {
    const dir = new URL('../../../../public/data/', import.meta.url);
    const pixels = new Uint8Array(readFileSync(new URL(`${dataset}/test-images.u8`, dir)));
    const count = pixels.length / 784;
    const masks = pairMasks(pixels, count, 784);
    const before = blockCover(masks, natural(count));
    const order = blockOrder(pixels, count, 784);
    const after = blockCover(masks, order);
    console.info(
      `${dataset}: blocks of four cover ${(before * 100).toFixed(1)}% of the pixel pairs in order, ${(after * 100).toFixed(1)}% in the block order`,
    );
    expect(isPermutation(order, count)).toBe(true);
    expect(after).toBeLessThan(most);
    expect(after).toBeLessThan(before - 0.05);
  });

  it('counts a pair as nonzero when either byte is, an odd last byte alone', () => {
    const m = pairMasks(Uint8Array.from([0, 0, 0, 5, 7, 0, 0, 0, 0, 9]), 2, 5);
    expect(m.pairs).toBe(3);
    expect(Array.from(m.bits)).toEqual([0b110, 0b100]);
    expect(blockCover(m, [0, 1], 2)).toBeCloseTo(2 / 3);
  });
});
