import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config, Storage } from '../../../platform/shared/config';
import { compressSettings } from '../shared/pipeline';
import { loadShippedModel } from '../../../testing/shipped';
import type { LoadedModel } from '../../../platform/worker/assets';
import { compressModel, sizeReport } from '../shared/compress';

/**
 * The code width the size table counts must be the one the stored codes need: k clusters take
 * ⌈log2 k⌉ bits, plus a reserved symbol for 0 wherever pruned weights are stored as codes.
 */

let m: LoadedModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  m = await loadShippedModel('mnist', 'mlp');
});

function report(weights: Partial<Config['weights']>, pruned: boolean, format: Storage['format']) {
  const c: Config = {
    ...DEFAULT_CONFIG,
    weights: { ...DEFAULT_CONFIG.weights, ...weights },
    cluster: { k: 4, init: 'linear' },
    prune: pruned
      ? { ...DEFAULT_CONFIG.prune, method: 'magnitude', sparsity: 0.9 }
      : DEFAULT_CONFIG.prune,
  };
  return sizeReport(m.original, compressModel(m.original, compressSettings(c)), {
    ...DEFAULT_CONFIG.storage,
    format,
  });
}

describe('code width of clustered and binary layers', () => {
  it('4 clusters without pruning: 2-bit codes, a 4-entry float32 codebook', () => {
    for (const l of report({ format: 'cluster' }, false, 'dense').layers) {
      expect(l.codeBits).toBe(2);
      expect(l.codebook).toBe(4 * 32);
    }
  });

  it('4 clusters + pruned zeros stored as codes: 5 symbols, 3-bit codes', () => {
    for (const format of ['dense', 'csr'] as const) {
      const r = report({ format: 'cluster' }, true, format);
      // fc1 and fc2 keep all 4 centroids; fc3's 100 kept weights may leave one empty (dropped).
      for (const l of r.layers.slice(0, 2)) {
        expect(l.codeBits, `${l.name} ${format}`).toBe(3);
        expect(l.codes).toBe(l.storedEntries * 3);
        expect(l.codebook).toBe(4 * 32); // the reserved 0 is not stored as a float
      }
      for (const l of r.layers) {
        const centroids = l.codebook / 32;
        expect(l.codeBits).toBe(Math.ceil(Math.log2(centroids + 1)));
      }
    }
  });

  it('a bitmask stores only kept weights: 2-bit codes suffice', () => {
    for (const l of report({ format: 'cluster' }, true, 'bitmask').layers) {
      expect(l.codeBits).toBe(2);
      expect(l.codes).toBe(l.nnz * 2);
    }
  });

  it('binary weights are 1 bit, 2 bits once pruned zeros must be stored', () => {
    for (const l of report({ bits: 1 }, false, 'dense').layers) expect(l.codeBits).toBe(1);
    for (const l of report({ bits: 1 }, true, 'dense').layers) expect(l.codeBits).toBe(2);
    for (const l of report({ bits: 1 }, true, 'bitmask').layers) expect(l.codeBits).toBe(1);
  });

  it('uniform grids store 0 as the zero-point: no extra bit', () => {
    for (const l of report({ bits: 4 }, true, 'dense').layers) expect(l.codeBits).toBe(4);
  });
});
