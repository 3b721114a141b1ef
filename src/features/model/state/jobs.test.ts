import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import { jobContext } from '../../../platform/state/job';
import type { Job } from '../../../platform/state/job';
import { createAppStore } from '../../../platform/state/store';
import type { Results } from '../../../platform/state/store';
import type { ModelSummary } from '../../../platform/worker/engine';
import type { EngineClient, StatsClient } from '../../../platform/worker/workers';
import { modelJobs } from './jobs';

/** The Model tab's weight histogram: asked of the statistics worker, never of the compute worker. */
describe('model jobs', () => {
  it('bins the trained weights of the shown layer on the statistics worker', async () => {
    const asked: { worker: string; method: string; args: unknown[] }[] = [];
    const fake = (worker: string) =>
      ({
        call: (fn: (api: unknown) => Promise<unknown>) =>
          fn(
            new Proxy(
              {},
              {
                get:
                  (_t, method: string) =>
                  (...args: unknown[]) => {
                    asked.push({ worker, method, args });
                    return Promise.resolve({ layer: args[2], counts: new Uint32Array(4) });
                  },
              },
            ),
          ),
      }) as unknown;
    const ctx = jobContext(fake('compute') as EngineClient, fake('stats') as StatsClient);
    const job = modelJobs(ctx).find((j) => j.name === 'histogram') as unknown as Job<'histogram'>;
    const summary = {
      layers: [{ info: { name: 'fc1' } }, { info: { name: 'fc2' } }],
    } as unknown as ModelSummary;
    const config = { ...DEFAULT_CONFIG, layer: 'fc2', bins: 32 };
    const emitted: Results['histogram'][] = [];
    await job.run({
      config,
      state: { ...createAppStore().getState(), config },
      summary,
      emit: (d) => emitted.push({ key: '', data: d }),
      stale: () => false,
    });
    expect(asked).toEqual([
      { worker: 'stats', method: 'layerHistogram', args: ['mnist', 'mlp', 'fc2', 32] },
    ]);
    expect(emitted).toHaveLength(1);
  });
});
