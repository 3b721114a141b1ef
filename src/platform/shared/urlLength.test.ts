import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ConfigSchema,
  DEFAULT_CONFIG,
  NM_PATTERNS,
  OBSERVERS,
  PRUNE_METHODS,
  VIEWS,
} from './config';
import type { Config } from './config';
import { PANELS } from './panels';
import { parseConfig, serializeConfig } from './url';
import { RecipeSchema } from '../../features/train/shared/recipe';
import { LESSON_IDS, lessonById, lessonConfig } from '../../features/lessons';

/**
 * Links stay under 2,000 characters (the length every browser, chat and mail client keeps) for
 * any realistic config: every setting away from its default, per-layer maps for all five layers
 * of the CNN, every panel hidden, and a trained model with its recipe. How: defaults are left
 * out, keys are short, per-layer maps are one key each (`ov=conv1:4,fc3:f`).
 */
const LINK_LIMIT = 2000;
const LAYERS = ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'];
const TRAINED = 'trained:0f8fad5b-d9cb-469f-a165-70867728950e';

const recipeJson = fc
  .record({
    kind: fc.constantFrom('finetune', 'qat', 'kd'),
    epochs: fc.integer({ min: 1, max: 50 }),
    lr: fc.double({ min: 1e-5, max: 0.1, noNaN: true }),
    sparsity: fc.double({ min: 0, max: 0.99, noNaN: true }),
    bits: fc.integer({ min: 1, max: 8 }),
  })
  .map((r) =>
    JSON.stringify(
      RecipeSchema.parse({
        kind: r.kind,
        arch: 'cnn',
        base: TRAINED,
        epochs: r.epochs,
        learningRate: r.lr,
        ...(r.kind === 'finetune'
          ? {
              prune: {
                method: 'magnitude',
                sparsity: r.sparsity,
                overrides: Object.fromEntries(LAYERS.map((l, i) => [l, (i + 1) / 10])),
              },
            }
          : r.kind === 'qat'
            ? {
                weights: { format: 'int', bits: r.bits, granularity: 'channel' },
                acts: { bits: 8 },
              }
            : { student: { arch: 'mlp', hidden: [128, 64, 32] }, temperature: 6.5, alpha: 0.75 }),
      }),
    ),
  );

const realistic: fc.Arbitrary<Config> = fc
  .record({
    view: fc.constantFrom(...VIEWS),
    layer: fc.constantFrom(...LAYERS),
    bins: fc.integer({ min: 8, max: 256 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    bits: fc.integer({ min: 1, max: 8 }),
    actBits: fc.integer({ min: 0, max: 8 }),
    observer: fc.constantFrom(...OBSERVERS),
    percentile: fc.double({ min: 90, max: 100, noNaN: true }).map((p) => Math.round(p * 1e3) / 1e3),
    overrides: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 5, maxLength: 5 }),
    method: fc.constantFrom(...PRUNE_METHODS),
    sparsity: fc.integer({ min: 0, max: 99_900 }).map((n) => n / 1e5),
    pruneOverrides: fc.array(fc.integer({ min: -1, max: 999 }), { minLength: 5, maxLength: 5 }),
    pattern: fc.constantFrom(...NM_PATTERNS),
    k: fc.integer({ min: 2, max: 256 }),
    hide: fc.subarray([...PANELS]).map((h) => [...h].sort()),
    lesson: fc.option(fc.constantFrom(...LESSON_IDS), { nil: null }),
    recipe: fc.option(recipeJson, { nil: null }),
    lr: fc.double({ min: 1e-6, max: 1, noNaN: true }).map((v) => Number(v.toPrecision(3))),
  })
  .map((r) =>
    ConfigSchema.parse({
      ...DEFAULT_CONFIG,
      dataset: 'fashion',
      arch: 'cnn',
      view: r.view,
      layer: r.layer,
      bins: r.bins,
      seed: r.seed,
      weights: {
        format: 'int',
        bits: r.bits,
        scheme: 'affine',
        symRange: 'full',
        granularity: 'channel',
        rounding: 'stochastic',
        ternary: true,
      },
      acts: {
        bits: r.actBits,
        scheme: 'symmetric',
        symRange: 'full',
        observer: r.observer,
        percentile: r.percentile,
        calibration: 1024,
      },
      overrides: Object.fromEntries(LAYERS.map((l, i) => [l, r.overrides[i]])),
      prune: {
        method: r.method,
        sparsity: r.sparsity,
        norm: 'l1',
        structuredBias: 'keep',
        pattern: r.pattern,
        overrides: Object.fromEntries(
          LAYERS.map((l, i) => [l, r.pruneOverrides[i]! < 0 ? -1 : r.pruneOverrides[i]! / 1000]),
        ),
      },
      cluster: { k: r.k, init: 'linear' },
      storage: { format: 'csr', indexBits: 7, huffman: true },
      train: {
        technique: 'finetune',
        epochs: 17,
        batchSize: 256,
        optimizer: 'sgd',
        learningRate: r.lr,
        schedule: {
          kind: 'polynomial',
          initialSparsity: 0.125,
          finalSparsity: 0.975,
          beginStep: 100,
          endStep: 12345,
          frequency: 25,
          power: 2.5,
        },
        hidden: [256, 128, 64, 32],
        temperature: 7.25,
        alpha: 0.625,
        kdImage: 9876,
      },
      trained: r.recipe === null ? null : TRAINED,
      trainedRecipe: r.recipe,
      lesson: r.lesson,
      hide: r.hide,
      projector: true,
    }),
  );

describe('link length', () => {
  it(`stays under ${LINK_LIMIT} characters for any realistic config, and reads back whole`, () => {
    let longest = 0;
    fc.assert(
      fc.property(realistic, (c) => {
        const hash = serializeConfig(c);
        longest = Math.max(longest, hash.length);
        expect(hash.length).toBeLessThan(LINK_LIMIT);
        expect(parseConfig(`#${hash}`)).toEqual({ config: c, problems: [] });
      }),
      { numRuns: 300 },
    );
    // The property must have exercised long links, not only short ones.
    expect(longest).toBeGreaterThan(700);
  });

  it('carries the classroom settings: lesson, hidden panels, projector', () => {
    const c: Config = { ...DEFAULT_CONFIG, hide: ['sweep', 'acts'], projector: true };
    const hash = serializeConfig(c);
    expect(hash).toBe('v=3&hide=acts,sweep&proj=1');
    expect(parseConfig(hash)).toEqual({ config: { ...c, hide: ['acts', 'sweep'] }, problems: [] });
    const bad = parseConfig('les=nope&hide=sweep,bogus,sweep');
    expect(bad.config.lesson).toBeNull();
    expect(bad.config.hide).toEqual(['sweep']);
    expect(bad.problems).toHaveLength(2);
  });

  it('writes a lesson link as the lesson plus what the class changed', () => {
    const bits = lessonConfig(lessonById('bits')!, DEFAULT_CONFIG);
    expect(serializeConfig(bits)).toBe('v=3&les=bits');
    expect(parseConfig('#v=3&les=bits')).toEqual({ config: bits, problems: [] });
    // Dragged to 2 bits and every panel shown again: only that travels.
    const changed: Config = { ...bits, weights: { ...bits.weights, bits: 2 }, hide: [] };
    const hash = serializeConfig(changed);
    expect(hash).toBe('v=3&wb=2&les=bits&hide=-');
    expect(parseConfig(hash)).toEqual({ config: changed, problems: [] });
    // Set back to a default the lesson changed (float32 on the precision lesson): written.
    const precision = lessonConfig(lessonById('precision')!, DEFAULT_CONFIG);
    const int8: Config = { ...precision, weights: { ...precision.weights, format: 'int' } };
    expect(serializeConfig(int8)).toContain('w=int');
    expect(parseConfig(serializeConfig(int8)).config).toEqual(int8);
  });
});
