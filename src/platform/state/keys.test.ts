import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../shared/config';
import type { Config } from '../shared/config';
import {
  actInspectionKey,
  actKey,
  layerErrorsKey,
  quantEvaluationKey,
  sensitivityKey,
  sweepKey,
  sweepWithActs,
} from './keys';

const withW = (w: Partial<Config['weights']>): Config => ({
  ...DEFAULT_CONFIG,
  weights: { ...DEFAULT_CONFIG.weights, ...w },
});
const withA = (a: Partial<Config['acts']>): Config => ({
  ...DEFAULT_CONFIG,
  acts: { ...DEFAULT_CONFIG.acts, ...a },
});

describe('result keys and the symmetric range', () => {
  it('every weight-dependent key tells the two symmetric ranges apart', () => {
    const r = withW({ bits: 2, symRange: 'restricted' });
    const f = withW({ bits: 2, symRange: 'full' });
    for (const key of [quantEvaluationKey, layerErrorsKey, sweepKey, sensitivityKey]) {
      expect(key(f)).not.toBe(key(r));
    }
  });

  it('activation keys tell them apart when activations are symmetric and on', () => {
    const r = withA({ bits: 4, scheme: 'symmetric', symRange: 'restricted' });
    const f = withA({ bits: 4, scheme: 'symmetric', symRange: 'full' });
    expect(actKey(f.acts)).not.toBe(actKey(r.acts));
    expect(quantEvaluationKey(f)).not.toBe(quantEvaluationKey(r));
    expect(actInspectionKey(f, 'fc1')).not.toBe(actInspectionKey(r, 'fc1'));
    // Irrelevant to affine activations, and to activations left in float.
    const affine = (symRange: 'restricted' | 'full') =>
      actKey(withA({ bits: 4, scheme: 'affine', symRange }).acts);
    expect(affine('full')).toBe(affine('restricted'));
    expect(actKey(withA({ bits: 0, scheme: 'symmetric', symRange: 'full' }).acts)).toBe(
      actKey(DEFAULT_CONFIG.acts),
    );
  });
});

describe('the bit-width sweep measures W+A only where it is drawn', () => {
  it('keeps the W+A curve on the Quantize tab, drops it on the Train tab with float activations', () => {
    const quantize = { ...DEFAULT_CONFIG, view: 'quantize' as const };
    const train = { ...DEFAULT_CONFIG, view: 'train' as const };
    expect(sweepWithActs(quantize)).toBe(true);
    expect(sweepWithActs(train)).toBe(false);
    expect(sweepWithActs({ ...train, acts: { ...train.acts, bits: 8 } })).toBe(true);
    // A weights-only sweep is another result: the Quantize tab never reuses it half-measured.
    expect(sweepKey(train)).not.toBe(sweepKey(quantize));
    expect(sweepKey({ ...train, acts: { ...train.acts, bits: 8 } })).toBe(
      sweepKey({ ...quantize, acts: { ...quantize.acts, bits: 8 } }),
    );
  });
});
