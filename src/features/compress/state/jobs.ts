import { modelArch, modelKey } from '../../../platform/shared/config';
import { compressSettings } from '../../compress/shared/pipeline';
import type { JobContext, JobList } from '../../../platform/state/job';
import {
  effectiveLayer,
  quantEvaluationKey,
  reportKey,
  weightInspectionKey,
} from '../../../platform/state/keys';
import { evaluationOn, onSecondWorker, quickThenFull } from '../../../platform/state/job';
import { evaluationMemoKey } from '../../../platform/state/evaluationMemo';

/** The results of the compressed model, whichever lab set it up: weights seen through the pipeline, sizes, accuracy. The registry (platform/state/jobs.ts) orders all jobs. */
export function compressJobs(ctx: JobContext): JobList {
  const { client, stats, inCompressView, inPruneView, layerOf, quantRequest } = ctx;
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
    run: async ({ config, summary, emit, stale }) => {
      const req = quantRequest(config);
      const on = evaluationOn(config, req, 'compressed');
      // The quick estimate is for slow models; on a fast one it only adds a redraw. The second
      // half of a slow model's test set goes to a second worker, where there is one.
      await quickThenFull(
        ctx,
        modelKey(config),
        summary,
        on(client),
        emit,
        stale,
        onSecondWorker(ctx.second, on),
        evaluationMemoKey(config, req),
      );
    },
  });

  return jobs;
}
