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
      let estimatedOn: number | undefined;
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
          // On a slow model every point is first estimated on the first test images
          // (evaluateEach): kept apart from the whole-test-set accuracies.
          const whole = summary === null || e.count >= summary.dataset.test.count;
          if (i < methods.length * perMethod) {
            const method = methods[Math.floor(i / perMethod)]!;
            const p = i % perMethod;
            if (!whole && points[p]!.accuracy[method] !== undefined) return; // whole already
            const { [method]: _, ...others } = points[p]!.estimate ?? {};
            if (!whole) estimatedOn = e.count;
            points[p] = whole
              ? {
                  sparsity: points[p]!.sparsity,
                  accuracy: { ...points[p]!.accuracy, [method]: e.accuracy },
                  ...(Object.keys(others).length > 0 ? { estimate: others } : {}),
                }
              : { ...points[p]!, estimate: { ...others, [method]: e.accuracy } };
          } else if (whole) nm.set(items[i]!.pattern, e.accuracy);
          else return; // an N:M pattern's point waits for its whole-test-set value
          emit({
            methods,
            ...(estimatedOn === undefined ? {} : { estimatedOn }),
            points: [...points],
            nm: NM_PATTERNS.filter((p) => nm.has(p)).map((pattern) => {
              const [n = 2, m = 4] = pattern.split(':').map(Number);
              return { pattern, sparsity: 1 - n / m, accuracy: nm.get(pattern)! };
            }),
            done,
          });
        },
        stale,
        true,
      );
    },
  });

  return jobs;
}
