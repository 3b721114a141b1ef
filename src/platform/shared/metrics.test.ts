import { describe, expect, it } from 'vitest';
import { perClassAccuracy } from './metrics';

describe('perClassAccuracy', () => {
  it('divides the diagonal by the row sums, 0 for an empty class', () => {
    // rows = true class: class 0 → 3 right 1 wrong; class 1 → 2 right; class 2 → none.
    expect(perClassAccuracy([3, 1, 0, 0, 2, 0, 0, 0, 0], 3)).toEqual([0.75, 1, 0]);
  });
});
