/**
 * The instant views of large models (issue 10, point 4): one layer compressed on its own when the
 * layers are independent, the histograms of a large layer binned from a sample of whole rows (and
 * saying so), a layer on a uniform grid summarized with the exact pass's figures, and the shipped
 * models' views still counting every weight.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { histogram } from '../../../platform/shared/histogram';
import { mulberry32 } from '../../../platform/shared/random';
import { readLayersModelWeights } from '../../model';
import type { LayerWeights } from '../../model';
import { distinctLevels, errorStats } from '../../quantize';
import { compressed, compressedLayer, layerErrorOf, layerSummary } from './compressed';
import type { WeightsSource } from './compressed';
import { compressionReport, inspectWeights } from './inspect';
import { compressModel, sizeReport } from './compress';
import { compressSettings } from './pipeline';

function dense(name: string, rows: number, out: number, seed: number): LayerWeights {
  const rand = mulberry32(seed);
  const kernel = Float32Array.from({ length: rows * out }, () => (rand() - 0.5) * 0.2);
  return {
    info: {
      name,
      className: 'Dense',
      kernelShape: [rows, out],
      biasShape: [out],
      params: rows * out + out,
      outChannels: out,
      outputShape: [],
    },
    kernel,
    bias: new Float32Array(out),
  };
}

const settings = (weights: Partial<Config['weights']>, prune?: Partial<Config['prune']>) =>
  compressSettings({
    ...DEFAULT_CONFIG,
    weights: { ...DEFAULT_CONFIG.weights, ...weights },
    prune: { ...DEFAULT_CONFIG.prune, ...prune },
  });

let models = 0;
/** A fresh id per model: the caches are keyed by it. */
const model = (layers: readonly LayerWeights[]): WeightsSource => ({
  meta: { id: `test-large-${++models}` },
  original: layers,
});

describe('one layer compressed on its own', () => {
  const small = () => [dense('fc1', 60, 40, 1), dense('fc2', 40, 20, 2), dense('fc3', 20, 10, 3)];

  it('gives the very values, codes and grid of the whole model, for every representation', () => {
    for (const w of [
      { format: 'int', bits: 4 },
      { format: 'int', bits: 3, granularity: 'channel', scheme: 'affine' },
      { format: 'int', bits: 1 },
      { format: 'int', bits: 2, ternary: true },
      { format: 'int', bits: 5, rounding: 'stochastic' },
      { format: 'float16' },
      { format: 'cluster' },
    ] as const) {
      const s = settings(w);
      const a = model(small());
      const b = model(a.original);
      const one = a.original.map((_, i) => compressedLayer(a, s, i));
      const whole = compressed(b, s);
      for (const [i, l] of one.entries()) {
        const ref = whole.layers[i]!;
        expect(Array.from(l.values), `${JSON.stringify(w)} layer ${i}`).toEqual(
          Array.from(ref.values),
        );
        expect(l.tensor?.codes).toEqual(ref.tensor?.codes);
        expect(l.tensor?.scale).toEqual(ref.tensor?.scale);
        expect(l.cluster?.centroids).toEqual(ref.cluster?.centroids);
      }
    }
  });

  it('is the whole model’s layer once that exists, and the whole model reuses it', () => {
    const s = settings({ format: 'int', bits: 6 });
    const m = model(small());
    const first = compressedLayer(m, s, 1);
    const whole = compressed(m, s);
    expect(whole.layers[1]).toBe(first);
    expect(compressedLayer(m, s, 2)).toBe(whole.layers[2]);
  });

  it('with pruning (which may rank weights across layers) is taken from the whole model', () => {
    const s = settings({ format: 'int', bits: 8 }, { method: 'global', sparsity: 0.5 });
    const m = model(small());
    const l = compressedLayer(m, s, 0);
    expect(l).toBe(compressed(m, s).layers[0]);
    expect(l.mask).not.toBeNull();
  });
});

describe('the weight histogram of a large layer', () => {
  // 1,200 × 1,000 = 1.2 M weights: above the 2^20 threshold, binned from every 5th row. (On a
  // uniform grid with nearest rounding it is summarized instead: below. Stochastic rounding is not.)
  const big = model([dense('fc1', 1200, 1000, 7), dense('fc2', 1000, 10, 8)]);
  const s = settings({ format: 'int', bits: 4, rounding: 'stochastic' });

  it('counts a 1-in-N sample of whole rows, in the bins of the full range, and says so', () => {
    const r = inspectWeights(big, s, 'fc1', 64);
    expect(r.sampleStep).toBe(5);
    expect(r.weights).toBe(1_200_000);
    const rows = Math.ceil(1200 / r.sampleStep);
    const total = (c: Uint32Array) => c.reduce((a, b) => a + b, 0);
    expect(total(r.original)).toBe(rows * 1000);
    expect(total(r.quantized)).toBe(rows * 1000);
    // Exactly the histogram of those rows, quantized by the model's own (whole-layer) grid.
    const kernel = big.original[0]!.kernel;
    const values = compressedLayer(big, s, 0).values;
    const rowsOf = (x: Float32Array) => {
      const out = new Float32Array(rows * 1000);
      for (let k = 0; k < rows; k++)
        out.set(x.subarray(k * 5 * 1000, k * 5 * 1000 + 1000), k * 1000);
      return out;
    };
    const range = { min: r.min, max: r.max };
    expect(r.original).toEqual(histogram(rowsOf(kernel), { bins: 64, range }).counts);
    expect(r.quantized).toEqual(histogram(rowsOf(values), { bins: 64, range }).counts);
  });

  it('keeps the error figures over every weight', () => {
    const r = inspectWeights(big, s, 'fc1', 64);
    const exact = errorStats(big.original[0]!.kernel, compressedLayer(big, s, 0).values);
    expect(r.error.mse).toBe(exact.mse);
    expect(r.error.sqnrDb).toBe(exact.sqnrDb);
    expect(r.error).toEqual(layerErrorOf(big, s, 0));
  });
});

/**
 * Layer `index`'s views from its summary (quantize/shared/summary.ts) against the exact pass over
 * its compressed values: the same histograms, grid, clipped count, largest error and levels, and
 * the squared error within float64 rounding (summed in another order).
 */
function expectExactFigures(m: WeightsSource, s: ReturnType<typeof settings>, index: number) {
  const w = m.original[index]!;
  expect(layerSummary(m, s, index)).not.toBeNull();
  const r = inspectWeights(m, s, w.info.name, 64);
  const ref = compressModel([w], s).layers[0]!;
  const t = ref.tensor!;
  expect(r.sampleStep).toBe(1);
  const range = { min: r.min, max: r.max };
  expect(r.original).toEqual(histogram(w.kernel, { bins: 64, range }).counts);
  expect(r.quantized).toEqual(histogram(ref.values, { bins: 64, range }).counts);
  expect(r.scale).toEqual(t.scale);
  expect(r.zeroPoint).toEqual(t.zeroPoint);
  expect(r.clipMin).toEqual(t.clipMin);
  expect(r.clipMax).toEqual(t.clipMax);
  const exact = errorStats(w.kernel, ref.values, {
    clipMin: t.clipMin.map((v, ch) => v - t.scale[ch]! / 2),
    clipMax: t.clipMax.map((v, ch) => v + t.scale[ch]! / 2),
  });
  expect(r.error.clipped).toBe(exact.clipped);
  expect(r.error.maxAbsError).toBe(exact.maxAbsError);
  expect(r.error.mse).toBeCloseTo(exact.mse, 12);
  expect(r.error.sqnrDb).toBeCloseTo(exact.sqnrDb, 8);
  expect(r.error.levels).toBe(distinctLevels(ref.values));
  expect(layerErrorOf(m, s, index)).toEqual(r.error);
}

describe('a layer on a uniform grid, summarized', () => {
  // 1,200 × 1,000 weights (above 2^20) and 1,000 × 10: every layer on a uniform grid with nearest
  // rounding and no pruning, large or small, has its views from the summary.
  const layers = [dense('fc1', 1200, 1000, 9), dense('fc2', 1000, 10, 10)];
  const cases = [
    { format: 'int', bits: 4 },
    { format: 'int', bits: 8, scheme: 'affine' },
    { format: 'int', bits: 3, scheme: 'affine', granularity: 'channel' },
    { format: 'int', bits: 8, symRange: 'full', granularity: 'channel' },
  ] as const;

  it.each(cases)('%o: histograms over every weight, and the exact figures', (w) => {
    const s = settings(w);
    const m = model(layers);
    expectExactFigures(m, s, 0);
    expectExactFigures(m, s, 1);
  });

  it('is not used where the exact pass is needed: pruning, stochastic rounding, other formats', () => {
    const m = model(layers);
    for (const s of [
      settings({ format: 'int', bits: 4 }, { method: 'magnitude', sparsity: 0.5 }),
      settings({ format: 'int', bits: 4, rounding: 'stochastic' }),
      settings({ format: 'int', bits: 2, ternary: true }),
      settings({ format: 'int', bits: 1 }),
      settings({ format: 'float16' }),
      settings({ format: 'cluster' }),
    ]) {
      expect(layerSummary(m, s, 1), JSON.stringify(s.weights)).toBeNull();
    }
  });

  it.each([false, true])('sizes the model as the exact pass does (Huffman %s)', (huffman) => {
    for (const w of cases) {
      const s = settings(w);
      const storage = { ...DEFAULT_CONFIG.storage, huffman };
      const m = model(layers);
      const r = compressionReport(m, s, storage);
      expect(layerSummary(m, s, 0)).not.toBeNull();
      // The exact pass: every layer compressed, its codes counted one by one.
      expect(r.size).toEqual(sizeReport(layers, compressed(m, s), storage));
      expect(r.total).toBe(1_210_000);
      expect(r.pruned).toBe(0);
      expect(r.layers.map((l) => [l.name, l.total, l.pruned, l.skipped])).toEqual([
        ['fc1', 1_200_000, 0, true],
        ['fc2', 10_000, 0, true],
      ]);
    }
  });
});

describe('the shipped models', () => {
  it.each(['mnist-mlp', 'mnist-cnn', 'fashion-mlp', 'fashion-cnn'])(
    '%s: every layer’s histograms count every weight',
    (id) => {
      const json = JSON.parse(readFileSync(`public/models/${id}/model.json`, 'utf8')) as unknown;
      const bin = readFileSync(`public/models/${id}/weights.bin`);
      const m = model(
        readLayersModelWeights(json, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length)),
      );
      const s = settings({ format: 'int', bits: 4 });
      for (const l of m.original) {
        const r = inspectWeights(m, s, l.info.name, 32);
        expect(r.sampleStep).toBe(1);
        expect(r.original.reduce((a, b) => a + b, 0)).toBe(l.kernel.length);
        expect(r.quantized.reduce((a, b) => a + b, 0)).toBe(l.kernel.length);
      }
    },
  );

  it.each(['mnist-mlp', 'mnist-cnn'])(
    '%s: the summarized views are the exact pass’s, layer by layer, and so are the sizes',
    (id) => {
      const json = JSON.parse(readFileSync(`public/models/${id}/model.json`, 'utf8')) as unknown;
      const bin = readFileSync(`public/models/${id}/weights.bin`);
      const layers = readLayersModelWeights(
        json,
        bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
      );
      for (const w of [
        { format: 'int', bits: 8 },
        { format: 'int', bits: 2 },
        { format: 'int', bits: 5, scheme: 'affine', granularity: 'channel' },
      ] as const) {
        const s = settings(w);
        const m = model(layers);
        for (let i = 0; i < layers.length; i++) expectExactFigures(m, s, i);
        const storage = DEFAULT_CONFIG.storage;
        expect(compressionReport(m, s, storage).size).toEqual(
          sizeReport(layers, compressed(model(layers), s), storage),
        );
      }
    },
  );
});
