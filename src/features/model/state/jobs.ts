import { modelArch, modelKey } from '../../../platform/shared/config';
import { evaluationOn, onSecondWorker, quickThenFull } from '../../../platform/state/job';
import { evaluationMemoKey } from '../../../platform/state/evaluationMemo';
import type { JobContext, JobList } from '../../../platform/state/job';
import { effectiveLayer, evaluationKey, histogramKey } from '../../../platform/state/keys';

/** The results of the model as shipped or trained: its summary, a layer's weight histogram, its accuracy. The registry (platform/state/jobs.ts) orders all jobs. */
export function modelJobs(ctx: JobContext): JobList {
  const { client, stats, layerOf } = ctx;
  const jobs: JobList = [];
  const add = ctx.collect(jobs);

  add({
    name: 'summary',
    key: (s) => modelKey(s.config),
    run: async ({ config, emit }) =>
      emit(await client.call((api) => api.describeModel(config.dataset, modelArch(config)))),
  });

  add({
    name: 'histogram',
    // On the statistics worker: a bins step never waits behind an evaluation. Not in the
    // instant lane: a model's first evaluation need not wait for its histogram to be drawn.
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null ? null : histogramKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      emit(
        await stats.call((api) =>
          api.layerHistogram(config.dataset, modelArch(config), layer, config.bins),
        ),
      );
    },
  });

  add({
    name: 'evaluation',
    key: (s) => evaluationKey(s.config),
    complete: (d, summary) => d.count === summary?.dataset.test.count,
    run: async ({ config, summary, emit, stale }) => {
      const on = evaluationOn(config, null);
      // A quick estimate on a subset first (slow models only), then the whole test set; a slow
      // model's second half on a second worker, where there is one.
      await quickThenFull(
        ctx,
        modelKey(config),
        summary,
        on(client),
        emit,
        stale,
        onSecondWorker(ctx.second, on),
        evaluationMemoKey(config, null),
      );
    },
  });

  return jobs;
}
