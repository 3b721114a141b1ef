import { describe, expect, it } from 'vitest';
import { layerFlops, modelFlops } from './flops';

describe('flops', () => {
  it('counts a dense layer as 2·in·out', () => {
    expect(layerFlops({ className: 'Dense', kernelShape: [784, 300], outputShape: [300] })).toBe(
      470_400,
    );
  });

  it('counts a convolution per output position', () => {
    // 5×5×1×6 kernel, 28×28 output: 2·150·784
    expect(
      layerFlops({ className: 'Conv2D', kernelShape: [5, 5, 1, 6], outputShape: [28, 28, 6] }),
    ).toBe(235_200);
  });

  it('sums LeNet-300-100', () => {
    const layers = [
      { className: 'Dense', kernelShape: [784, 300], outputShape: [300] },
      { className: 'Dense', kernelShape: [300, 100], outputShape: [100] },
      { className: 'Dense', kernelShape: [100, 10], outputShape: [10] },
    ];
    expect(modelFlops(layers)).toBe(2 * (784 * 300 + 300 * 100 + 100 * 10));
  });
});
