import { NM_PATTERNS, modelArch } from '../../../platform/shared/config';
import { compressSettings } from '../../compress';
import type { PruneMethod } from '../shared/pruneModel';
import type { Config } from '../../../platform/shared/config';
import type { JobContext, JobList } from '../../../platform/state/job';
import { effectiveLayer, maskKey, pruneSweepKey } from '../../../platform/state/keys';
import type { PruneSweepPoint } from '../../../platform/state/store';

/** Sparsities of the accuracy-vs-sparsity sweep: finer near the top, where accuracy falls. */
export const PRUNE_SWEEP_SPARSITIES = [
  0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99,
] as const;
/** Methods compared in that sweep. */
export const SWEEP_METHODS: readonly PruneMethod[] = [
  'magnitude',
  'global',
  'structured',
  'random',
];

/** The results of the pruning lab: a layer's mask and the accuracy-vs-sparsity sweep. The registry (platform/state/jobs.ts) orders all jobs. */
export function pruneJobs(ctx: JobContext): JobList {
  const { client, stats, inPruneView, layerOf, shown } = ctx;
  const jobs: JobList = [];
  const add = ctx.collect(jobs);

  add({
    name: 'maskImage',
    lane: 'instant',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null || !inPruneView(s) || !shown(s, 'mask')
        ? null
        : maskKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      emit(
        await stats.call((api) =>
          api.maskImage(config.dataset, modelArch(config), compressSettings(config), layer),
        ),
      );
    },
  });

  add({
    name: 'pruneSweep',
    key: (s) => (inPruneView(s) && shown(s, 'prunesweep') ? pruneSweepKey(s.config) : null),
    complete: (d) => d.done,
    run: async ({ config, emit, stale }) => {
      const chosen: PruneMethod =
        config.prune.method === 'none' || config.prune.method === 'nm'
          ? 'magnitude'
          : config.prune.method;
      const methods = [chosen, ...SWEEP_METHODS.filter((m) => m !== chosen)];
      const points: PruneSweepPoint[] = PRUNE_SWEEP_SPARSITIES.map((sparsity) => ({
        sparsity,
        accuracy: {},
      }));
      const nm: { pattern: string; sparsity: number; accuracy: number }[] = [];
      const float = { ...config.weights, format: 'float32' as const };
      const evalAt = (prune: Config['prune']) =>
        client.call((api) =>
          api.evaluate(
            config.dataset,
            modelArch(config),
            {
              weights: { ...compressSettings(config), weights: float, overrides: {}, prune },
              acts: null,
            },
            undefined,
            'pruneSweep',
          ),
        );
      // Method by method, the chosen one first, so its curve is complete earliest.
      for (const method of methods) {
        for (const [i, sparsity] of PRUNE_SWEEP_SPARSITIES.entries()) {
          const prune = {
            ...config.prune,
            method: sparsity === 0 ? ('none' as const) : method,
            sparsity,
            overrides: {},
          };
          const e = await evalAt(prune);
          if (stale()) return;
          points[i] = { sparsity, accuracy: { ...points[i]!.accuracy, [method]: e.accuracy } };
          emit({ methods, points: [...points], nm: [...nm], done: false });
        }
      }
      for (const pattern of NM_PATTERNS) {
        const e = await evalAt({ ...config.prune, method: 'nm', pattern, overrides: {} });
        if (stale()) return;
        const [n = 2, m = 4] = pattern.split(':').map(Number);
        nm.push({ pattern, sparsity: 1 - n / m, accuracy: e.accuracy });
        emit({
          methods,
          points: [...points],
          nm: [...nm],
          done: pattern === NM_PATTERNS[NM_PATTERNS.length - 1],
        });
      }
    },
  });

  return jobs;
}
