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
    },
  };

  it('round-trips every training setting', () => {
    const hash = serializeConfig(trained);
    expect(hash).toContain('tt=ft');
    expect(hash).toContain('tsch=poly:50:90:0:600:50:3');
    expect(hash).toContain('kdh=64-32');
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

  it('links without training keys (older links) get the defaults, with no notice', () => {
    const back = parseConfig('#v=1&data=mnist&model=mlp&view=quantize&wb=4');
    expect(back.problems).toEqual([]);
    expect(back.config.train).toEqual(DEFAULT_CONFIG.train);
  });

  it('rejects bad schedules, students and numbers with a notice and keeps defaults', () => {
    const back = parseConfig(
      '#v=1&tsch=poly:50:90:600:0:50:3&kdh=0-32&te=1000&tlr=abc&kda=2&tt=magic&kdt=0.5',
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
