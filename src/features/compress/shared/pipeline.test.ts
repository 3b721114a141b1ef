import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import { compressKey, compressSettings, describePipeline, pruneKey } from './pipeline';

describe('pipeline keys and labels', () => {
  it('labels a Deep-Compression-like pipeline', () => {
    const c = {
      ...DEFAULT_CONFIG,
      prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude' as const, sparsity: 0.92 },
      weights: { ...DEFAULT_CONFIG.weights, format: 'cluster' as const },
      cluster: { k: 32, init: 'linear' as const },
    };
    expect(describePipeline(c)).toBe('magnitude 92% → 32 clusters');
    expect(describePipeline(DEFAULT_CONFIG)).toBe('int8 sym-restricted');
    expect(
      describePipeline({
        ...DEFAULT_CONFIG,
        weights: { ...DEFAULT_CONFIG.weights, bits: 2, symRange: 'full', granularity: 'channel' },
      }),
    ).toBe('int2 sym-full/ch');
    expect(
      describePipeline({
        ...DEFAULT_CONFIG,
        acts: { ...DEFAULT_CONFIG.acts, bits: 8 },
        overrides: { fc1: 4 },
      }),
    ).toBe('int8 sym-restricted (mixed), A8');
  });

  it('changes the key exactly when the compressed weights would change', () => {
    const base = compressSettings(DEFAULT_CONFIG);
    const k = compressKey(base);
    expect(compressKey({ ...base, cluster: { k: 4, init: 'linear' } })).toBe(k); // not clustering: irrelevant
    expect(compressKey({ ...base, weights: { ...base.weights, format: 'cluster' } })).not.toBe(k);
    expect(pruneKey({ ...base, seed: 9 })).toBe(pruneKey(base)); // seed only matters to random pruning
    const random = { ...base, prune: { ...base.prune, method: 'random' as const } };
    expect(pruneKey({ ...random, seed: 9 })).not.toBe(pruneKey(random));
    // The bias rule matters to structured pruning only.
    const keepBias = (s: typeof base) => ({
      ...s,
      prune: { ...s.prune, structuredBias: 'keep' as const },
    });
    const structured = { ...base, prune: { ...base.prune, method: 'structured' as const } };
    expect(pruneKey(keepBias(structured))).not.toBe(pruneKey(structured));
    expect(compressKey(keepBias(structured))).not.toBe(compressKey(structured));
    const magnitude = { ...base, prune: { ...base.prune, method: 'magnitude' as const } };
    expect(pruneKey(keepBias(magnitude))).toBe(pruneKey(magnitude));
  });
});
