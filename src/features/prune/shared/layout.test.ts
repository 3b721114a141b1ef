import { describe, expect, it } from 'vitest';
import { kernelLayout } from './layout';

describe('kernelLayout', () => {
  it('views Dense [in, out] and Conv2D [kh, kw, in, out] as [R, out]', () => {
    expect(kernelLayout(784 * 300, [784, 300])).toEqual({ outputs: 300, reduction: 784 });
    expect(kernelLayout(5 * 5 * 6 * 16, [5, 5, 6, 16])).toEqual({ outputs: 16, reduction: 150 });
    expect(kernelLayout(0, [3, 0])).toEqual({ outputs: 0, reduction: 0 });
  });

  it('rejects shapes that do not match the data', () => {
    expect(() => kernelLayout(10, [3, 3])).toThrow(RangeError);
    expect(() => kernelLayout(1, [])).toThrow(RangeError);
    expect(() => kernelLayout(6, [2, 1.5, 2])).toThrow(RangeError);
  });
});
