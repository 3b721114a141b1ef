import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import type { Config } from './config';
import { parseConfig, serializeConfig } from './url';

/** The Train tab's settings travel in the link like every other setting. */
describe('URL codec: training settings', () => {
  const trained: Config = {
    ...DEFAULT_CONFIG,
    train: {
      technique: 'finetune',
      epochs: 5,
      batchSize: 128,
      optimizer: 'sgd',
      learningRate: 0.01,
      schedule: {
        kind: 'polynomial',
        initialSparsity: 0.5,
        finalSparsity: 0.9,
        beginStep: 0,
        endStep: 600,
        frequency: 50,
        power: 3,
      },
      hidden: [64, 32],
      temperature: 6.5,
      alpha: 0.75,
      kdImage: 1234,
    },
  };

  it('round-trips every training setting', () => {
    const hash = serializeConfig(trained);
    expect(hash).toContain('tt=ft');
    expect(hash).toContain('tsch=poly:50:90:0:600:50:3');
    expect(hash).toContain('kdh=64-32');
    expect(hash).toContain('kdi=1234');
    const back = parseConfig(hash);
    expect(back.problems).toEqual([]);
    expect(back.config.train).toEqual(trained.train);
  });

  it('round-trips the other schedules, final sparsity left to the pruning stage', () => {
    for (const schedule of [
      { kind: 'oneshot' as const },
      { kind: 'constant' as const, beginStep: 10, endStep: -1, frequency: 100 },
      {
        kind: 'polynomial' as const,
        initialSparsity: 0,
        beginStep: 0,
        endStep: 250,
        frequency: 100,
        power: 3,
      },
    ]) {
      const c = { ...trained, train: { ...trained.train, schedule } };
      const back = parseConfig(serializeConfig(c));
      expect(back.problems).toEqual([]);
      expect(back.config.train.schedule).toEqual(schedule);
    }
  });

  it('round-trips the distillation view’s test image and bounds it', () => {
    for (const kdImage of [0, 17, 9999]) {
      const c = { ...trained, train: { ...trained.train, kdImage } };
      const back = parseConfig(serializeConfig(c));
      expect(back.problems).toEqual([]);
      expect(back.config.train.kdImage).toBe(kdImage);
    }
    const over = parseConfig('#kdi=20000');
    expect(over.config.train.kdImage).toBe(9999);
    expect(over.problems).toHaveLength(1);
    const bad = parseConfig('#kdi=seven');
    expect(bad.config.train.kdImage).toBe(0);
    expect(bad.problems).toHaveLength(1);
  });

  it('v1 links (before training) migrate: the same settings, the training defaults, one notice', () => {
    const v1 = 'data=fashion&model=cnn&view=prune&wb=4&ws=sym&pm=mag&sp=90&w=kmeans&huf=1';
    const old = parseConfig(`#v=1&${v1}`);
    const now = parseConfig(`#v=3&${v1}`);
    expect(now.problems).toEqual([]);
    expect(old.problems).toEqual(['Opened an older link (v1).']);
    expect(old.config).toEqual(now.config); // nothing else changes
    expect(old.config.train).toEqual(DEFAULT_CONFIG.train);
    expect(old.config.trained).toBeNull();
    // Saved again, it is a current link that reads back without a notice.
    expect(serializeConfig(old.config)).toMatch(/^v=3&/);
    expect(parseConfig(serializeConfig(old.config)).problems).toEqual([]);
  });

  it('v2 links (every value written) migrate to v3 (defaults left out): the same config, one notice', () => {
    // A v2 link as v2 wrote it: every field, defaults included.
    const v2 =
      'data=fashion&model=cnn&view=quantize&layer=conv2&bins=40&seed=7&w=int&wb=4&ws=aff&wg=channel&wr=stochastic&tern=0&ab=8&as=aff&asr=full&obs=pct&pct=99.9&cal=256&ov=conv1:8,fc3:f&pm=struct&sp=97.5&pn=l1&nm=1:4&pov=fc1:90,fc3:skip&ck=16&ci=linear&sf=csr&ib=5&huf=1&tt=qat&te=3&tbs=64&topt=adam&tlr=0.001&tsch=oneshot&kdh=32&kdt=4&kda=0.9&kdi=0';
    const old = parseConfig(`#v=2&${v2}`);
    expect(old.problems).toEqual(['Opened an older link (v2).']);
    expect(old.config).toEqual(parseConfig(`#v=3&${v2}`).config);
    const again = serializeConfig(old.config);
    expect(again.length).toBeLessThan(v2.length);
    expect(again).not.toContain('tt=qat'); // a default, left out
    expect(parseConfig(again)).toEqual({ config: old.config, problems: [] });
  });

  it('carries a trained model and its recipe, and drops what is not one', () => {
    const recipe = JSON.stringify({ kind: 'qat', dataset: 'mnist', arch: 'mlp', epochs: 1 });
    const c = {
      ...DEFAULT_CONFIG,
      trained: 'trained:0f8fad5b-d9cb-469f-a165-70867728950e' as const,
      trainedRecipe: recipe,
    };
    const back = parseConfig(serializeConfig(c));
    expect(back.problems).toEqual([]);
    expect(back.config.trained).toBe(c.trained);
    expect(back.config.trainedRecipe).toBe(recipe);
    const bad = parseConfig('#v=3&tm=trained:<script>&trc=notjson');
    expect(bad.config.trained).toBeNull();
    expect(bad.config.trainedRecipe).toBeNull();
    expect(bad.problems).toHaveLength(2);
  });

  it('rejects bad schedules, students and numbers with a notice and keeps defaults', () => {
    const back = parseConfig(
      '#v=3&tsch=poly:50:90:600:0:50:3&kdh=0-32&te=1000&tlr=abc&kda=2&tt=magic&kdt=0.5',
    );
    expect(back.config.train.schedule).toEqual({ kind: 'oneshot' }); // end before begin
    expect(back.config.train.hidden).toEqual([32]);
    expect(back.config.train.epochs).toBe(100); // clamped
    expect(back.config.train.learningRate).toBe(DEFAULT_CONFIG.train.learningRate);
    expect(back.config.train.alpha).toBe(1);
    expect(back.config.train.technique).toBe(DEFAULT_CONFIG.train.technique);
    expect(back.config.train.temperature).toBe(1);
    expect(back.problems.length).toBe(7);
  });
});
