import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { Config } from '../config';
import { layerSize, layerSpec, planLayer, weightQuantKey } from './quantPlan';

const dense = { name: 'fc1', kernelShape: [784, 300], biasShape: [300], outChannels: 300 };
const cfg = (patch: Partial<Config['weights']>, overrides: Config['overrides'] = {}) => ({
  ...DEFAULT_CONFIG,
  weights: { ...DEFAULT_CONFIG.weights, ...patch },
  overrides,
});

describe('quantization plan', () => {
  it('maps bit-widths to schemes: 1 = binary, 2 + ternary = TWN, else uniform', () => {
    expect(layerSpec(cfg({ bits: 1 }), 'fc1')).toEqual({ kind: 'binary', perChannel: false });
    expect(layerSpec(cfg({ bits: 2, ternary: true, granularity: 'channel' }), 'fc1')).toEqual({
      kind: 'ternary',
      perChannel: true,
    });
    expect(layerSpec(cfg({ bits: 4 }), 'fc1')).toMatchObject({
      kind: 'uniform',
      bits: 4,
      scheme: 'symmetric',
    });
    expect(layerSpec(cfg({ format: 'float16' }), 'fc1')).toEqual({ kind: 'float16' });
  });

  it('applies per-layer overrides, 0 meaning float32', () => {
    const c = cfg({ bits: 4 }, { fc1: 0, fc2: 8 });
    expect(layerSpec(c, 'fc1')).toEqual({ kind: 'float32' });
    expect(layerSpec(c, 'fc2')).toMatchObject({ kind: 'uniform', bits: 8 });
    expect(layerSpec(c, 'fc3')).toMatchObject({ kind: 'uniform', bits: 4 });
    // An override wins over a float global format too.
    expect(layerSpec(cfg({ format: 'float32' }, { fc2: 2 }), 'fc2')).toMatchObject({
      kind: 'uniform',
      bits: 2,
    });
  });

  it('sizes a per-channel 4-bit affine layer honestly', () => {
    const p = planLayer(cfg({ bits: 4, scheme: 'affine', granularity: 'channel' }), dense);
    const size = layerSize(p.spec, dense);
    expect(size.codesBits).toBe(784 * 300 * 4);
    expect(size.scaleBits).toBe(300 * 32);
    expect(size.zeroPointBits).toBe(300 * 32);
    expect(size.biasBits).toBe(300 * 32);
    expect(size.totalBits).toBe(784 * 300 * 4 + 3 * 300 * 32);
    expect(p.label).toBe('int4 affine per-channel');
  });

  it('keys change exactly when the quantized weights would', () => {
    expect(weightQuantKey(cfg({ bits: 4 }))).not.toBe(weightQuantKey(cfg({ bits: 5 })));
    expect(weightQuantKey(cfg({}, { a: 1, b: 2 }))).toBe(weightQuantKey(cfg({}, { b: 2, a: 1 })));
  });
});
