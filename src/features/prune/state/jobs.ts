import { NM_PATTERNS, modelArch } from '../../../platform/shared/config';
import { compressSettings } from '../../compress';
import type { PruneMethod } from '../shared/pruneModel';
import type { Config } from '../../../platform/shared/config';
import { evaluateEach } from '../../../platform/state/job';
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
  const { stats, inPruneView, layerOf, shown } = ctx;
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
    run: async ({ config, summary, emit, stale }) => {
      const chosen: PruneMethod =
        config.prune.method === 'none' || config.prune.method === 'nm'
          ? 'magnitude'
          : config.prune.method;
      const methods = [chosen, ...SWEEP_METHODS.filter((m) => m !== chosen)];
      const points: PruneSweepPoint[] = PRUNE_SWEEP_SPARSITIES.map((sparsity) => ({
        sparsity,
        accuracy: {},
      }));
      const nm = new Map<string, number>();
      const float = { ...config.weights, format: 'float32' as const };
      // Method by method, the chosen one first, so its curve is complete earliest; then the N:M
      // patterns (on two workers when the work is long: evaluateEach).
      const items: Config['prune'][] = [
        ...methods.flatMap((method) =>
          PRUNE_SWEEP_SPARSITIES.map((sparsity) => ({
            ...config.prune,
            method: sparsity === 0 ? ('none' as const) : method,
            sparsity,
            overrides: {},
          })),
        ),
        ...NM_PATTERNS.map((pattern) => ({
          ...config.prune,
          method: 'nm' as const,
          pattern,
          overrides: {},
        })),
      ];
      const perMethod = PRUNE_SWEEP_SPARSITIES.length;
      await evaluateEach(
        ctx,
        config,
        summary,
        'pruneSweep',
        items,
        (prune) => ({
          weights: { ...compressSettings(config), weights: float, overrides: {}, prune },
          acts: null,
        }),
        (i, e, done) => {
          if (i < methods.length * perMethod) {
            const method = methods[Math.floor(i / perMethod)]!;
            const p = i % perMethod;
            points[p] = {
              ...points[p]!,
              accuracy: { ...points[p]!.accuracy, [method]: e.accuracy },
            };
          } else nm.set(items[i]!.pattern, e.accuracy);
          emit({
            methods,
            points: [...points],
            nm: NM_PATTERNS.filter((p) => nm.has(p)).map((pattern) => {
              const [n = 2, m = 4] = pattern.split(':').map(Number);
              return { pattern, sparsity: 1 - n / m, accuracy: nm.get(pattern)! };
            }),
            done,
          });
        },
        stale,
      );
    },
  });

  return jobs;
}
