import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import {
  bitSweepCaption,
  prunedModel,
  pruneSweepCaption,
  referencesCaption,
  sensitivityCaption,
} from './sweepNotes';

const with_ = (patch: Partial<Config>): Config => ({ ...DEFAULT_CONFIG, ...patch });
const pruned = (patch: Partial<Config['prune']>): Config =>
  with_({ prune: { ...DEFAULT_CONFIG.prune, ...patch } });

describe('prunedModel', () => {
  it('names the method, the amount and where it is set', () => {
    expect(prunedModel(DEFAULT_CONFIG)).toBe('the unpruned model');
    expect(prunedModel(pruned({ method: 'magnitude', sparsity: 0.9 }))).toBe(
      'the model pruned 90% by magnitude, layer-wise (Prune & cluster tab)',
    );
    expect(prunedModel(pruned({ method: 'nm', pattern: '1:4' }))).toContain('pruned 1:4 (N:M)');
    expect(prunedModel(pruned({ method: 'structured', sparsity: 0.5, norm: 'l1' }))).toContain(
      "50% of each layer's units removed (L1 norm)",
    );
    expect(prunedModel(pruned({ method: 'global', sparsity: 0.925, overrides: { fc3: -1 } }))).toBe(
      'the model pruned 92.5% by global magnitude, 1 layer with a pruning setting of its own (Prune & cluster tab)',
    );
  });
});

describe('bitSweepCaption', () => {
  it('says the W+A curve uses 8-bit activations when they are off', () => {
    const text = bitSweepCaption(DEFAULT_CONFIG);
    expect(text).toContain('on the unpruned model');
    expect(text).toContain('Solid: activations float32');
    expect(text).toContain('Dashed: 8-bit affine activations, MinMax calibration on 512');
    expect(text).toContain('yours are float32, so this curve uses 8 bits');
    expect(text).toContain('per-tensor');
    expect(text).not.toContain('Not applied');
  });

  it('names the configured activations, pruning underneath, and what it leaves out', () => {
    const c: Config = {
      ...DEFAULT_CONFIG,
      weights: { ...DEFAULT_CONFIG.weights, format: 'cluster', granularity: 'channel' },
      acts: { ...DEFAULT_CONFIG.acts, bits: 4, observer: 'percentile', percentile: 99.9 },
      overrides: { fc1: 2, fc3: 0 },
      prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude', sparsity: 0.9 },
    };
    const text = bitSweepCaption(c);
    expect(text).toContain('per-channel');
    expect(text).toContain('on the model pruned 90% by magnitude, layer-wise');
    expect(text).toContain('Dashed: 4-bit affine activations, 99.9th-percentile calibration');
    expect(text).not.toContain('yours are float32');
    expect(text).toContain(
      'Not applied here: your per-layer bit-widths (2 layers), k-means clustering',
    );
  });

  it('mentions ternary weights at 2 bits only when they are chosen', () => {
    expect(bitSweepCaption(DEFAULT_CONFIG)).not.toContain('ternary');
    const c = with_({ weights: { ...DEFAULT_CONFIG.weights, ternary: true } });
    expect(bitSweepCaption(c)).toContain('2 bits = ternary (TWN)');
  });
});

describe('referencesCaption', () => {
  it('keeps the pruning underneath the 16-bit references', () => {
    expect(referencesCaption(pruned({ method: 'random', sparsity: 0.5 }))).toContain(
      'on the model pruned 50% at random (seed 1)',
    );
  });
});

describe('pruneSweepCaption', () => {
  it('says the weights stay float32 and lists the settings it does not apply', () => {
    const plain = pruneSweepCaption(
      with_({ weights: { ...DEFAULT_CONFIG.weights, format: 'float32' } }),
    );
    expect(plain).toContain('The kept weights stay float32, activations float32');
    expect(plain).not.toContain('Not applied');
    const c: Config = {
      ...DEFAULT_CONFIG,
      weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 4 },
      acts: { ...DEFAULT_CONFIG.acts, bits: 8 },
      prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude', overrides: { fc1: 0.5 } },
    };
    const text = pruneSweepCaption(c);
    expect(text).toMatch(/Not applied here: your int4 .*per-tensor weights/);
    expect(text).toContain('your 8-bit activations');
    expect(text).toContain('your per-layer pruning (1 layer)');
    const clustered = with_({ weights: { ...DEFAULT_CONFIG.weights, format: 'cluster' } });
    expect(pruneSweepCaption(clustered)).toContain('your 32-cluster k-means weights');
  });
});

describe('sensitivityCaption', () => {
  it('says the drops are measured against the same pruned model with float32 layers', () => {
    expect(sensitivityCaption(DEFAULT_CONFIG, [8, 4])).not.toContain('pruned too');
    const text = sensitivityCaption(pruned({ method: 'nm' }), [8, 4]);
    expect(text).toContain('pruned 2:4');
    expect(text).toContain('pruned too');
  });
});
