import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { layerSize, layerSpec, planLayer, specLabel, weightQuantKey } from './quantPlan';

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

  it('passes the symmetric range on and names it in the label', () => {
    const full = layerSpec(cfg({ bits: 4, symRange: 'full' }), 'fc1');
    expect(full).toMatchObject({ kind: 'uniform', scheme: 'symmetric', symRange: 'full' });
    expect(specLabel(full)).toBe('int4 symmetric full-range per-tensor');
    const restricted = layerSpec(cfg({ bits: 4, granularity: 'channel' }), 'fc1');
    expect(restricted).toMatchObject({ scheme: 'symmetric', symRange: 'restricted' });
    expect(specLabel(restricted)).toBe('int4 symmetric restricted per-channel');
    // Affine has no signed range: the spec carries none, whatever the config holds.
    expect(layerSpec(cfg({ scheme: 'affine', symRange: 'full' }), 'fc1')).not.toHaveProperty(
      'symRange',
    );
    // Overrides quantize with the global scheme, range included.
    expect(layerSpec(cfg({ symRange: 'full' }, { fc1: 3 }), 'fc1')).toMatchObject({
      bits: 3,
      symRange: 'full',
    });
  });

  it('sizes both symmetric ranges alike: b bits per code, one float32 scale, no zero-point', () => {
    const at = (symRange: 'restricted' | 'full') =>
      layerSize(layerSpec(cfg({ bits: 2, symRange }), 'fc1'), dense);
    expect(at('full')).toEqual(at('restricted'));
    expect(at('full')).toMatchObject({ codesBits: 784 * 300 * 2, scaleBits: 32, zeroPointBits: 0 });
  });

  it('keys change exactly when the quantized weights would', () => {
    expect(weightQuantKey(cfg({ bits: 4 }))).not.toBe(weightQuantKey(cfg({ bits: 5 })));
    expect(weightQuantKey(cfg({ symRange: 'full' }))).not.toBe(
      weightQuantKey(cfg({ symRange: 'restricted' })),
    );
    // The signed range does not change affine weights.
    expect(weightQuantKey(cfg({ scheme: 'affine', symRange: 'full' }))).toBe(
      weightQuantKey(cfg({ scheme: 'affine', symRange: 'restricted' })),
    );
    expect(weightQuantKey(cfg({}, { a: 1, b: 2 }))).toBe(weightQuantKey(cfg({}, { b: 2, a: 1 })));
  });
});
