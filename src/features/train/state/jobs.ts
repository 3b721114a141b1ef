import { modelArch } from '../../../platform/shared/config';
import { compressSettings } from '../../compress';
import type { JobContext, JobList } from '../../../platform/state/job';
import type { State } from '../../../platform/state/store';
import type { ModelSummary } from '../../../platform/worker/engine';
import {
  kdImageIndex,
  misclassifiedKey,
  oneShotKey,
  softTargetsKey,
} from '../../../platform/state/keys';

/** The results of the Train tab's references: the teacher's soft targets, the one-shot accuracy a fine-tuning run starts from, the images only the compressed model gets wrong. The registry (platform/state/jobs.ts) orders all jobs. */
export function trainJobs(ctx: JobContext): JobList {
  const { client } = ctx;
  // An uploaded model of another shape (or weights only) has no test images to be a teacher on.
  const inKdView = (s: State, summary: ModelSummary | null) =>
    ctx.inKdView(s) &&
    (s.config.uploaded === null || summary?.meta.training.evaluation === 'dataset');
  const jobs: JobList = [];
  const add = ctx.collect(jobs);

  add({
    name: 'softTargets',
    // One image's forward pass: sent before the full-test-set evaluations of a model change.
    first: ctx.inKdView,
    key: (s, summary) => {
      const index = kdImageIndex(s.config, summary);
      return index === null || !inKdView(s, summary) ? null : softTargetsKey(s.config, index);
    },
    run: async ({ config, summary, emit }) => {
      const index = kdImageIndex(config, summary)!;
      emit(await client.call((api) => api.softTargets(config.dataset, modelArch(config), index)));
    },
  });

  add({
    name: 'oneShot',
    key: (s) =>
      s.config.view === 'train' &&
      s.config.train.technique === 'finetune' &&
      s.config.prune.method !== 'none'
        ? oneShotKey(s.config)
        : null,
    run: async ({ config, emit }) => {
      const weights = {
        ...compressSettings(config),
        weights: { ...config.weights, format: 'float32' as const },
        overrides: {},
      };
      emit(
        await client.call((api) =>
          api.evaluate(
            config.dataset,
            modelArch(config),
            { weights, acts: null },
            undefined,
            'oneShot',
          ),
        ),
      );
    },
  });

  add({
    name: 'misclassified',
    key: (s, summary) => (inKdView(s, summary) ? misclassifiedKey(s.config) : null),
    run: async ({ config, emit }) =>
      emit(await client.call((api) => api.misclassified(config.dataset, modelArch(config)))),
  });

  return jobs;
}
