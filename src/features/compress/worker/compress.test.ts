import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { compressSettings } from '../shared/pipeline';
import { quantizedLayerSizeBits } from '../../quantize';
import { loadShippedModel } from '../../../testing/shipped';
import type { LoadedModel } from '../../../platform/worker/assets';
import { compressModel, sizeReport } from '../shared/compress';

let m: LoadedModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  m = await loadShippedModel('mnist', 'mlp');
});

const cfg = (patch: Partial<Config>): Config => ({ ...DEFAULT_CONFIG, ...patch });

describe('compression pipeline', () => {
  it('without pruning, sizes agree with the quantization lab’s accounting', () => {
    const c = cfg({
      weights: { ...DEFAULT_CONFIG.weights, bits: 4, scheme: 'affine', granularity: 'channel' },
    });
    const report = sizeReport(
      m.original,
      compressModel(m.original, compressSettings(c)),
      c.storage,
    );
    for (const [i, w] of m.original.entries()) {
      const expected = quantizedLayerSizeBits({
        numWeights: w.kernel.length,
        numBias: w.bias!.length,
        scheme: 'affine',
        bits: 4,
        perChannel: true,
        channels: w.info.outChannels,
      });
      expect(report.layers[i]!.total).toBe(expected.totalBits);
    }
  });

  it('keeps pruned weights at exactly 0 through every format', () => {
    for (const weights of [
      { ...DEFAULT_CONFIG.weights, bits: 4 },
      {
        ...DEFAULT_CONFIG.weights,
        bits: 3,
        scheme: 'affine' as const,
        granularity: 'channel' as const,
      },
      { ...DEFAULT_CONFIG.weights, bits: 1 },
      { ...DEFAULT_CONFIG.weights, bits: 2, ternary: true },
      { ...DEFAULT_CONFIG.weights, format: 'cluster' as const },
      { ...DEFAULT_CONFIG.weights, format: 'float32' as const },
      { ...DEFAULT_CONFIG.weights, format: 'float16' as const },
      { ...DEFAULT_CONFIG.weights, format: 'bfloat16' as const },
    ]) {
      const c = cfg({
        weights,
        prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude', sparsity: 0.8 },
      });
      const out = compressModel(m.original, compressSettings(c));
      for (const l of out.layers) {
        let zerosAtPruned = 0;
        let pruned = 0;
        l.mask!.forEach((k, i) => {
          if (k === 0) {
            pruned++;
            if (l.values[i] === 0) zerosAtPruned++;
          }
        });
        expect(zerosAtPruned).toBe(pruned);
        expect(pruned).toBe(Math.round(0.8 * l.values.length));
      }
    }
  });

  it('stores a sparse layer smaller than dense, and auto picks the smallest', () => {
    const base = cfg({ prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude', sparsity: 0.9 } });
    const out = compressModel(m.original, compressSettings(base));
    const total = (format: Config['storage']['format']) =>
      sizeReport(m.original, out, { ...base.storage, format }).totalBits;
    expect(total('csr')).toBeLessThan(total('dense'));
    expect(total('auto')).toBe(Math.min(total('dense'), total('bitmask'), total('csr')));
    expect(
      sizeReport(m.original, out, { ...base.storage, format: 'csr', huffman: true }).totalBits,
    ).toBeLessThan(total('csr'));
  });

  it('structured pruning stores the smaller dense layers and zeroes the removed units’ biases', () => {
    const c = cfg({
      weights: { ...DEFAULT_CONFIG.weights, format: 'float32' },
      prune: { ...DEFAULT_CONFIG.prune, method: 'structured', sparsity: 0.5 },
    });
    const out = compressModel(m.original, compressSettings(c));
    expect(out.prune!.effectiveShapes).toEqual([
      [784, 150],
      [150, 50],
      [50, 10],
    ]);
    const report = sizeReport(m.original, out, c.storage);
    // float32: (784·150 + 150) + (150·50 + 50) + (50·10 + 10) parameters
    expect(report.totalBits).toBe(32 * (784 * 150 + 150 + 150 * 50 + 50 + 50 * 10 + 10));
    expect(out.layers[2]!.biasMask).toBeNull(); // the output layer keeps its classes
    expect(out.layers[0]!.biasMask!.reduce((a, b) => a + b, 0)).toBe(150);
  });
});
