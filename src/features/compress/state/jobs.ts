import { modelArch, modelKey } from '../../../platform/shared/config';
import { compressSettings } from '../../compress/shared/pipeline';
import type { JobContext, JobList } from '../../../platform/state/job';
import {
  effectiveLayer,
  quantEvaluationKey,
  reportKey,
  weightInspectionKey,
} from '../../../platform/state/keys';
import { QUICK_EVAL_COUNT } from '../../../platform/state/job';

/** Below this full-evaluation time (ms) the compressed model skips the quick estimate. */
export const FAST_EVAL_MS = 100;

/** The results of the compressed model, whichever lab set it up: weights seen through the pipeline, sizes, accuracy. The registry (platform/state/jobs.ts) orders all jobs. */
export function compressJobs(ctx: JobContext): JobList {
  const { client, stats, fullEvalMs, inCompressView, inPruneView, layerOf, quantRequest } = ctx;
  const jobs: JobList = [];
  const add = ctx.collect(jobs);

  add({
    name: 'weightInspection',
    lane: 'instant',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null || !inCompressView(s) ? null : weightInspectionKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      const settings = compressSettings(config);
      emit(
        await stats.call((api) =>
          api.inspectWeights(config.dataset, modelArch(config), settings, layer, config.bins),
        ),
      );
    },
  });

  add({
    name: 'report',
    lane: 'instant',
    // In the pruning lab the sizes and sparsity are what a slider step changes: first in line.
    first: inPruneView,
    key: (s) => (inCompressView(s) ? reportKey(s.config) : null),
    run: async ({ config, emit }) =>
      emit(
        await stats.call((api) =>
          api.compressionReport(
            config.dataset,
            modelArch(config),
            compressSettings(config),
            config.storage,
          ),
        ),
      ),
  });

  add({
    name: 'quantEvaluation',
    key: (s) => (inCompressView(s) ? quantEvaluationKey(s.config) : null),
    complete: (d, summary) => d.count === summary?.dataset.test.count,
    run: async ({ config, emit, stale }) => {
      const req = quantRequest(config);
      const model = modelKey(config);
      // The quick estimate is for slow models; where the whole test set takes under a tenth of a
      // second it only adds a redraw.
      if ((fullEvalMs.get(model) ?? Infinity) > FAST_EVAL_MS) {
        emit(
          await client.call((api) =>
            api.evaluate(config.dataset, modelArch(config), req, QUICK_EVAL_COUNT, 'compressed'),
          ),
        );
        if (stale()) return;
      }
      const full = await client.call((api) =>
        api.evaluate(config.dataset, modelArch(config), req, undefined, 'compressed'),
      );
      fullEvalMs.set(model, full.ms);
      emit(full);
    },
  });

  return jobs;
}
