// @vitest-environment node
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { ActQuant, Config } from '../../../platform/shared/config';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import { joinEvaluations } from '../../../platform/shared/metrics';
import { applySettings } from '../../compress/worker';
import { actQuantizers } from '../../quantize/worker';
import type { ArchId } from '../shared/catalog';
import { evaluate } from './evaluate';
import type { EvalResult } from './evaluate';
import { forward } from './forward';
import type { ActQParams } from './forward';
import { PrefixCache, evaluatePrefixCached, hashWords } from './prefixCache';
import { setKernels } from './weights';

/**
 * The prefix cache on the shipped mnist models, against the engine's uncached evaluation
 * (model.predict, or the layer-by-layer forward pass when activations are quantized): every
 * cached result must be the uncached one to the image — same correct count, same confusion
 * matrix — and the pass must resume where the first changed layer is, never later.
 */
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

type CompressSettings = NonNullable<Parameters<typeof applySettings>[1]>;

const NONE = new Map<string, ActQParams>();

function settings(
  weights: Partial<Config['weights']>,
  overrides: Config['overrides'] = {},
  prune: Partial<Config['prune']> = {},
): CompressSettings {
  return {
    weights: { ...DEFAULT_CONFIG.weights, ...weights },
    overrides,
    seed: DEFAULT_CONFIG.seed,
    prune: { ...DEFAULT_CONFIG.prune, ...prune },
    cluster: DEFAULT_CONFIG.cluster,
  };
}

const acts = (bits: number): ActQuant => ({ ...DEFAULT_CONFIG.acts, bits, calibration: 256 });

for (const arch of ['mlp', 'cnn'] as ArchId[]) {
  describe(`prefix cache on mnist-${arch}`, () => {
    let m: LoadedModel;
    let d: LoadedDataset;
    let tensorsBefore: number;
    /** Weighted layers, first to last. */
    let names: string[];
    const at = (name: string) => m.layers.findIndex((l) => l.name === name);

    beforeAll(async () => {
      m = await loadShippedModel('mnist', arch);
      d = loadShippedDataset('mnist');
      names = m.original.map((l) => l.info.name);
      tensorsBefore = tf.memory().numTensors;
    });

    afterAll(() => {
      m.model.dispose();
      d.testX.dispose();
    });

    /** The engine's evaluation before the cache. */
    function uncached(actQ: ReadonlyMap<string, ActQParams>, range: object) {
      return evaluate(m.model, d.testX, d.testLabels, {
        ...range,
        ...(actQ.size > 0 ? { predict: (x: tf.Tensor) => forward(m.layers, x, actQ) } : {}),
      });
    }

    /**
     * Loads `s`, evaluates through `cache` and without it: the two must agree to the image. On
     * the first 600 test images unless told (over the cache's 256-image minimum; the whole 2,000
     * made this file a large part of the unit tests' time).
     */
    async function check(
      cache: PrefixCache,
      s: CompressSettings | null,
      actQ: ReadonlyMap<string, ActQParams> = NONE,
      range: { limit?: number; offset?: number } = { limit: 600 },
    ): Promise<{ result: EvalResult; resumedAt: number }> {
      applySettings(m, s);
      const want = await uncached(actQ, range);
      const got = await evaluatePrefixCached(
        m.model,
        m.layers,
        d.testX,
        d.testLabels,
        actQ,
        range,
        cache,
      );
      expect(got.count).toBe(want.count);
      expect(got.correct).toBe(want.correct);
      expect(Array.from(got.confusion)).toEqual(Array.from(want.confusion));
      return { result: got, resumedAt: cache.last!.resumedAt };
    }

    it('a per-layer override on the last layer runs only the last layer', async () => {
      const cache = new PrefixCache();
      const last = names[names.length - 1]!;
      expect((await check(cache, settings({ bits: 4 }))).resumedAt).toBe(0);
      const r = await check(cache, settings({ bits: 4 }, { [last]: 2 }));
      expect(r.resumedAt).toBe(at(last));
      // And back: the first config's prefix is the same, so it resumes there too.
      expect((await check(cache, settings({ bits: 4 }))).resumedAt).toBe(at(last));
    });

    it('a per-layer override on a middle layer resumes at that layer', async () => {
      const cache = new PrefixCache();
      // The middle weighted layer: fc2 of the MLP (fc1 fc2 fc3), fc1 of the CNN.
      const middle = names[Math.floor(names.length / 2)]!;
      await check(cache, settings({ bits: 5, granularity: 'channel' }));
      const r = await check(cache, settings({ bits: 5, granularity: 'channel' }, { [middle]: 1 }));
      expect(r.resumedAt).toBe(at(middle));
    });

    it('the sensitivity pattern: each layer quantized alone resumes from the float prefix', async () => {
      const cache = new PrefixCache();
      const float = Object.fromEntries(names.map((n) => [n, 0]));
      await check(cache, settings({}, float));
      for (const layer of names)
        for (const bits of [4, 2]) {
          const r = await check(cache, settings({}, { ...float, [layer]: bits }));
          // Never later than the quantized layer; exactly there where its input is worth keeping
          // (every layer but the first and, in the CNN, the second convolution: the input of
          // conv2 saves only conv1's work per byte held).
          expect(r.resumedAt).toBeLessThanOrEqual(at(layer));
          if (m.layers[at(layer)]!.getClassName() === 'Dense' && layer !== names[0])
            expect(r.resumedAt).toBe(at(layer));
        }
    });

    it('activation quantization: an override resumes, new quantizers do not', async () => {
      const cache = new PrefixCache();
      const last = names[names.length - 1]!;
      const s = settings({ bits: 6 });
      const a8 = await actQuantizers(m, d, acts(8), {});
      expect(a8.size).toBe(names.length);
      expect((await check(cache, s, a8)).resumedAt).toBe(0);
      // Weights and activations of the last layer float: only that layer runs again.
      const over = { [last]: 0 };
      const a8over = await actQuantizers(m, d, acts(8), over);
      const r = await check(cache, settings({ bits: 6 }, over), a8over);
      expect(r.resumedAt).toBe(at(last));
      // 4-bit activations: every layer's input quantizer changed, nothing is reusable. (The
      // MLP's first layer, Flatten, has no quantizer: its input is the images, never kept.)
      const a4 = await actQuantizers(m, d, acts(4), {});
      expect((await check(cache, s, a4)).resumedAt).toBe(0);
      // The same weights without activation quantization are another prefix as well.
      expect((await check(cache, s)).resumedAt).toBe(0);
    });

    it('a range split (first 1,000, then the rest) resumes each range and joins to the whole', async () => {
      const cache = new PrefixCache();
      const last = names[names.length - 1]!;
      const quick = { limit: 1000 };
      const rest = { offset: 1000 };
      await check(cache, settings({ bits: 3 }), NONE, quick);
      await check(cache, settings({ bits: 3 }), NONE, rest);
      const s = settings({ bits: 3 }, { [last]: 8 });
      const q = await check(cache, s, NONE, quick);
      const r = await check(cache, s, NONE, rest);
      expect([q.resumedAt, r.resumedAt]).toEqual([at(last), at(last)]);
      // The whole range is another set of batches: not served from the halves, and equal to them.
      const whole = await check(cache, s, NONE, {});
      expect(whole.resumedAt).toBe(0);
      const joined = joinEvaluations({ ...q.result, ms: 0 }, { ...r.result, ms: 0 });
      expect(joined.correct).toBe(whole.result.correct);
      expect(Array.from(joined.confusion)).toEqual(Array.from(whole.result.confusion));
    });

    it('a pruned layer: pruning one layer resumes at it; pruning all, then an override, at the override', async () => {
      const cache = new PrefixCache();
      const middle = names[Math.floor(names.length / 2)]!;
      const last = names[names.length - 1]!;
      await check(cache, settings({ bits: 8 }));
      // Only `middle` pruned (the others skipped): the layers before it hold the same weights.
      const skipOthers = Object.fromEntries(names.map((n) => [n, n === middle ? 0.7 : -1]));
      const one = await check(
        cache,
        settings({ bits: 8 }, {}, { method: 'magnitude', sparsity: 0.5, overrides: skipOthers }),
      );
      expect(one.resumedAt).toBe(at(middle));
      const global = { method: 'global' as const, sparsity: 0.6 };
      expect((await check(cache, settings({ bits: 8 }, {}, global))).resumedAt).toBe(0);
      const r = await check(cache, settings({ bits: 8 }, { [last]: 2 }, global));
      expect(r.resumedAt).toBe(at(last));
      // Clustering, per-channel: the same, through the weights they produce.
      const clustered = settings({ format: 'cluster' }, {}, global);
      expect((await check(cache, clustered)).resumedAt).toBe(0);
      const c2 = settings({ format: 'cluster' }, { [last]: 3 }, global);
      expect((await check(cache, c2)).resumedAt).toBe(at(last));
    });

    it('a change to an early layer is not served from the stale cache', async () => {
      const cache = new PrefixCache();
      const first = names[0]!;
      const s = settings({ bits: 8 });
      const before = await check(cache, s);
      // Through the settings: the first layer at 1 bit.
      const early = await check(cache, settings({ bits: 8 }, { [first]: 1 }));
      expect(early.resumedAt).toBe(0);
      expect(early.result.correct).not.toBe(before.result.correct);
      // Behind the settings' back: the first layer's kernel halved in the model's variables while
      // the model still says the same settings are loaded (applySettings would skip them). The
      // key is what the layers hold, so nothing stale is served.
      applySettings(m, s);
      const halved = m.original.map((w) =>
        w.info.name === first ? w.kernel.map((v) => v / 2) : w.kernel,
      );
      setKernels(m.model, m.original, new Map(m.original.map((w, i) => [w.info.name, halved[i]!])));
      const want = await uncached(NONE, {});
      const got = await evaluatePrefixCached(
        m.model,
        m.layers,
        d.testX,
        d.testLabels,
        NONE,
        {},
        cache,
      );
      expect(cache.last!.resumedAt).toBe(0);
      expect(got.correct).toBe(want.correct);
      expect(Array.from(got.confusion)).toEqual(Array.from(want.confusion));
      expect(Array.from(got.confusion)).not.toEqual(Array.from(before.result.confusion));
      m.applied = 'changed by hand';
      applySettings(m, null);
    });

    it('stays within its byte budget, keeping the inputs that save the most per byte', async () => {
      // Room for about one pass's kept inputs: the MLP's fc2 and fc3 inputs over 2,000 images
      // take 3.3 MB in the pool's chunks; the CNN's fc1, fc2 and fc3 inputs 8.1 MB.
      const budget = arch === 'mlp' ? 4e6 : 10e6;
      const cache = new PrefixCache({ maxBytes: budget });
      const last = names[names.length - 1]!;
      for (const bits of [8, 6, 4, 3]) {
        await check(cache, settings({ bits }), NONE, {});
        expect(cache.bytes).toBeLessThanOrEqual(budget);
        expect(cache.poolBytes).toBeLessThanOrEqual(budget);
      }
      // The last pass's last-layer input is among what was kept: its override resumes there.
      expect((await check(cache, settings({ bits: 3 }, { [last]: 8 }), NONE, {})).resumedAt).toBe(
        at(last),
      );
      // An input bigger than an entry may be is not kept.
      const small = new PrefixCache({ maxEntryBytes: 1000 * 4 * 10 });
      await check(small, settings({ bits: 8 }), NONE, {});
      expect(small.size).toBe(0);
    });

    it('drops its entries on request and reuses their memory for the next pass', async () => {
      const cache = new PrefixCache();
      await check(cache, settings({ bits: 8 }), NONE, {});
      const pool = cache.poolBytes;
      expect(cache.size).toBeGreaterThan(0);
      expect(pool).toBeGreaterThan(0);
      cache.dropEntries();
      expect(cache.size).toBe(0);
      // The same pass again starts from the images (nothing to resume from), with the old chunks.
      expect((await check(cache, settings({ bits: 8 }), NONE, {})).resumedAt).toBe(0);
      expect(cache.size).toBeGreaterThan(0);
      expect(cache.poolBytes).toBe(pool);
    });

    it('leaves no tensors behind', () => {
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });
  });
}

describe('hashWords', () => {
  it('changes with any bit of any word, and with the order of the words', () => {
    const base = new Uint32Array(1000).map((_, i) => Math.imul(i, 2654435761));
    const h = hashWords(base);
    const seen = new Set([h]);
    for (const i of [0, 1, 499, 999])
      for (const bit of [0, 1, 15, 30, 31]) {
        const w = base.slice();
        w[i]! ^= 1 << bit;
        seen.add(hashWords(w));
      }
    // The sign bits of two words flipped together (a weakness of a plain multiply-xor hash).
    const two = base.slice();
    two[3]! ^= 0x80000000;
    two[700]! ^= 0x80000000;
    seen.add(hashWords(two));
    const swapped = base.slice();
    [swapped[10], swapped[11]] = [base[11]!, base[10]!];
    seen.add(hashWords(swapped));
    seen.add(hashWords(base.subarray(0, 999)));
    expect(seen.size).toBe(1 + 4 * 5 + 3);
    expect(hashWords(base.slice())).toBe(h);
  });
});
