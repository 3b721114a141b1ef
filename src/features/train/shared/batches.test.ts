import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { fillBatch, gatherRows, shuffleOrder } from './batches';
import { remainingMs } from './progress';

describe('mini-batches', () => {
  it('a seed gives the same permutation, another seed another one', () => {
    const a = shuffleOrder(
      Int32Array.from({ length: 50 }, (_, i) => i),
      mulberry32(3),
    );
    const b = shuffleOrder(
      Int32Array.from({ length: 50 }, (_, i) => i),
      mulberry32(3),
    );
    const c = shuffleOrder(
      Int32Array.from({ length: 50 }, (_, i) => i),
      mulberry32(4),
    );
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('fills the batch in the given order, scaled x/255, with the matching labels and rows', () => {
    const pixels = Uint8Array.from([0, 255, 51, 102, 10, 20]); // 3 images of 2 values
    const labels = Uint8Array.from([7, 8, 9]);
    const order = Int32Array.from([2, 0, 1]);
    const x = new Float32Array(4);
    const y = new Int32Array(2);
    fillBatch(pixels, labels, order, 0, 2, 2, x, y);
    expect(Array.from(x)).toEqual([10, 20, 0, 255].map((v) => Math.fround(v * (1 / 255))));
    expect(Array.from(y)).toEqual([9, 7]);
    const rows = new Float32Array(2);
    gatherRows(Float32Array.from([1, 2, 3]), 1, order, 1, 3, rows);
    expect(Array.from(rows)).toEqual([1, 2]);
  });

  it('estimates the time left from the pace so far', () => {
    expect(remainingMs({ step: 0, totalSteps: 10, elapsedMs: 50 })).toBeNull();
    expect(remainingMs({ step: 4, totalSteps: 10, elapsedMs: 200 })).toBe(300);
    expect(remainingMs({ step: 10, totalSteps: 10, elapsedMs: 200 })).toBe(0);
  });
});
