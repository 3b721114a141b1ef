import { modelArch } from '../../../platform/shared/config';
import type { JobContext, JobList } from '../../../platform/state/job';
import { quantEvaluationKey } from '../../../platform/state/keys';

/**
 * An uploaded model measured by fidelity: the compressed model's top-1 agreement with the
 * original and the KL divergence of its outputs, on the model's synthetic test inputs, while a
 * lab shows the compressed model. The registry (platform/state/jobs.ts) orders all jobs.
 */
export function uploadJobs(ctx: JobContext): JobList {
  const { client } = ctx;
  const jobs: JobList = [];
  const add = ctx.collect(jobs);

  add({
    name: 'fidelity',
    key: (s, summary) =>
      s.config.uploaded !== null &&
      summary?.meta.training.evaluation === 'fidelity' &&
      ctx.inCompressView(s)
        ? `${quantEvaluationKey(s.config)}|fidelity`
        : null,
    run: async ({ config, emit }) =>
      emit(
        await client.call((api) =>
          api.uploadFidelity(
            config.dataset,
            modelArch(config),
            ctx.quantRequest(config),
            'fidelity',
          ),
        ),
      ),
  });

  return jobs;
}
