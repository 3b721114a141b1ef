import { describe, expect, it } from 'vitest';
import { float32LayerSizeBits, quantizedLayerSizeBits } from './size';

/** LeNet-300-100's first layer: a 784×300 Dense kernel and 300 biases. */
const fc1 = { numWeights: 784 * 300, numBias: 300 };

describe('quantizedLayerSizeBits', () => {
  it('counts packed codes, float32 scales, int32 zero-points and float32 biases', () => {
    expect(quantizedLayerSizeBits({ ...fc1, scheme: 'affine', bits: 8 })).toEqual({
      codesBits: 1_881_600,
      scaleBits: 32,
      zeroPointBits: 32,
      biasBits: 9600,
      totalBits: 1_881_600 + 64 + 9600,
    });
    const perChannel = quantizedLayerSizeBits({
      ...fc1,
      scheme: 'affine',
      bits: 4,
      perChannel: true,
      channels: 300,
    });
    expect(perChannel).toMatchObject({ codesBits: 940_800, scaleBits: 9600, zeroPointBits: 9600 });
  });

  it('charges symmetric no zero-points', () => {
    const s = quantizedLayerSizeBits({
      ...fc1,
      scheme: 'symmetric',
      bits: 8,
      perChannel: true,
      channels: 300,
    });
    expect([s.scaleBits, s.zeroPointBits]).toEqual([9600, 0]);
  });

  it('charges binary 1 bit, ternary 2 bits per weight plus one float32 α per group', () => {
    expect(
      quantizedLayerSizeBits({ ...fc1, scheme: 'binary', perChannel: true, channels: 300 }),
    ).toMatchObject({
      codesBits: 235_200,
      scaleBits: 9600,
      zeroPointBits: 0,
    });
    expect(quantizedLayerSizeBits({ ...fc1, scheme: 'ternary' })).toMatchObject({
      codesBits: 470_400,
      scaleBits: 32,
    });
  });

  it('charges 16-bit floats 16 bits per weight and no metadata; float32 is the baseline', () => {
    expect(quantizedLayerSizeBits({ ...fc1, scheme: 'bfloat16' }).totalBits).toBe(
      16 * 235_200 + 9600,
    );
    expect(quantizedLayerSizeBits({ ...fc1, scheme: 'float32' }).totalBits).toBe(
      float32LayerSizeBits(235_200, 300),
    );
  });

  it('rejects missing bits or channel counts', () => {
    expect(() => quantizedLayerSizeBits({ ...fc1, scheme: 'affine' })).toThrow(RangeError);
    expect(() => quantizedLayerSizeBits({ ...fc1, scheme: 'symmetric', bits: 1 })).toThrow(
      RangeError,
    );
    expect(() =>
      quantizedLayerSizeBits({ ...fc1, scheme: 'affine', bits: 8, perChannel: true }),
    ).toThrow(RangeError);
    expect(() => quantizedLayerSizeBits({ numWeights: -1, numBias: 0, scheme: 'float32' })).toThrow(
      RangeError,
    );
  });
});
