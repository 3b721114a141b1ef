import { describe, expect, it } from 'vitest';
import { joinEvaluations, perClassAccuracy } from './metrics';

describe('perClassAccuracy', () => {
  it('divides the diagonal by the row sums, 0 for an empty class', () => {
    // rows = true class: class 0 → 3 right 1 wrong; class 1 → 2 right; class 2 → none.
    expect(perClassAccuracy([3, 1, 0, 0, 2, 0, 0, 0, 0], 3)).toEqual([0.75, 1, 0]);
  });
});

describe('joinEvaluations', () => {
  it('adds the counts, the confusion matrices and the times of two ranges', () => {
    const a = {
      modelId: 'm',
      correct: 3,
      count: 4,
      accuracy: 0.75,
      confusion: Uint32Array.from([2, 1, 0, 1]),
      ms: 5,
    };
    const b = {
      correct: 1,
      count: 4,
      accuracy: 0.25,
      confusion: Uint32Array.from([0, 2, 1, 1]),
      ms: 7,
    };
    const j = joinEvaluations(a, b);
    expect(j).toEqual({
      modelId: 'm',
      correct: 4,
      count: 8,
      accuracy: 0.5,
      confusion: Uint32Array.from([2, 3, 1, 2]),
      ms: 12,
    });
    // The inputs are left as they were.
    expect(Array.from(a.confusion)).toEqual([2, 1, 0, 1]);
  });
});
