import { describe, expect, it } from 'vitest';
import type { EngineClient, StatsClient } from '../worker/workers';
import { createJobs, JOB_ORDER } from './jobs';
import { DEFAULT_CONFIG } from '../shared/config';
import type { Config } from '../shared/config';
import { initialState } from './store';
import { sensitivityKey } from './keys';

/** The registry: every feature's jobs, each result computed by exactly one job, in one order. */
describe('job registry', () => {
  const unused = {} as EngineClient & StatsClient;

  it('lists one job per named result, in the registry order', () => {
    const jobs = createJobs(unused, unused);
    expect(jobs.map((j) => j.name)).toEqual([...JOB_ORDER]);
  });
});

describe('hidden panels', () => {
  const unused = {} as EngineClient & StatsClient;
  const jobs = createJobs(unused, unused);
  const key = (name: string, config: Config) =>
    jobs.find((j) => j.name === name)!.key({ ...initialState, config }, null);

  it.each([
    ['sweep', 'sweep', { view: 'quantize' }],
    ['sensitivity', 'sensitivity', { view: 'quantize' }],
    ['layerErrors', 'layers', { view: 'quantize' }],
    [
      'pruneSweep',
      'prunesweep',
      { view: 'prune', prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude' } },
    ],
  ] as const)('%s is not computed while its panel (%s) is hidden', (name, panel, patch) => {
    const config = { ...DEFAULT_CONFIG, ...patch } as Config;
    const state = { ...initialState, config, sensitivityRequest: '' };
    const job = jobs.find((j) => j.name === name)!;
    if (name === 'sensitivity') {
      // Sensitivity runs when asked for: ask for the current config's analysis.
      const asked = { ...state, sensitivityRequest: sensitivityKey(config) };
      expect(job.key(asked, null)).not.toBeNull();
      expect(job.key({ ...asked, config: { ...config, hide: [panel] } }, null)).toBeNull();
      return;
    }
    expect(key(name, config)).not.toBeNull();
    expect(key(name, { ...config, hide: [panel] })).toBeNull();
  });
});
