/** The UI's facts box (src/features/compress/shared/quantFacts.ts) against the worker's real inspection of the shipped model. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { compressSettings } from '../shared/pipeline';
import { loadShippedModel } from '../../../testing/shipped';
import type { LoadedModel } from '../../../platform/worker/assets';
import { inspectWeights } from '../shared/inspect';
import { drawnClip, drawnLevels, quantFacts } from '../shared/quantFacts';

/** The facts box must describe the real inspection of the shipped model, row by row. */

let m: LoadedModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  m = await loadShippedModel('mnist', 'mlp');
});

function inspect(weights: Partial<Config['weights']>, prune?: Partial<Config['prune']>) {
  const c: Config = {
    ...DEFAULT_CONFIG,
    weights: { ...DEFAULT_CONFIG.weights, ...weights },
    prune: { ...DEFAULT_CONFIG.prune, ...prune },
  };
  return inspectWeights(m, compressSettings(c), 'fc1', 64);
}

const facts = (i: ReturnType<typeof inspect>) =>
  Object.fromEntries(quantFacts(i).map((f) => [f.term, f.value]));

describe('the facts box', () => {
  it('binary: two codes, no clip range and no shaded clip zone, the ±α lines drawn', () => {
    const i = inspect({ bits: 1 });
    const f = facts(i);
    expect(f.codes).toContain('−1, +1');
    expect(f.codes).not.toContain('…');
    expect(f['clip range']).toBeUndefined();
    expect(f.clipped).toBeUndefined();
    expect(drawnClip(i)).toBeNull();
    expect(drawnLevels(i)).not.toBeNull();
    expect(f['distinct values']).toContain('orange lines');
    expect(f['distinct values']).toMatch(/^2 /);
  });

  it('ternary: three codes and how many weights fell below the threshold', () => {
    const i = inspect({ bits: 2, ternary: true });
    const f = facts(i);
    expect(f.codes).toContain('−1, 0, +1');
    // TWN zeroes |w| < 0.7·mean|w|: for a bell-shaped layer, a large minority of the weights.
    const zeroed = Number(f['set to 0']!.split(' ')[0]!.replaceAll(',', ''));
    let below = 0;
    let meanAbs = 0;
    for (const w of m.original[0]!.kernel) meanAbs += Math.abs(w);
    meanAbs /= m.original[0]!.kernel.length;
    for (const w of m.original[0]!.kernel) if (Math.abs(w) < 0.7 * meanAbs) below++;
    expect(zeroed).toBe(below);
    expect(drawnClip(i)).toBeNull();
  });

  it('uniform 2-bit: the clip range is shaded and its clipped count is real', () => {
    const i = inspect({ bits: 2, symRange: 'full' });
    const f = facts(i);
    expect(f.codes).toBe('−2 … 1');
    expect(f['clip range']).toContain('red dashes');
    expect(drawnClip(i)).not.toBeNull();
    expect(f.clipped).toMatch(new RegExp(`^${i.error.clipped.toLocaleString('en-US')} weights`));
    expect(f['distinct values']).toContain('orange lines');
  });

  it('uniform 8-bit: too many levels to draw, and the box says so instead of naming lines', () => {
    const i = inspect({ bits: 8 });
    expect(drawnLevels(i)).toBeNull();
    expect(facts(i)['distinct values']).toContain('too many to draw');
    expect(facts(i)['distinct values']).not.toContain('orange');
  });

  it('k-means: the centroid count, never more than k', () => {
    const i = inspect({ format: 'cluster' }, { method: 'magnitude', sparsity: 0.5 });
    const n = Number(facts(i)['shared values']!.split(' ')[0]);
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThanOrEqual(DEFAULT_CONFIG.cluster.k);
  });
});
