import { modelArch } from '../../../platform/shared/config';
import type { JobContext, JobList } from '../../../platform/state/job';
import { quantEvaluationKey } from '../../../platform/state/keys';
import type { State } from '../../../platform/state/store';

/** The user's own inputs for the model the config names, or null (the synthetic ones). */
export function ownInputs(s: Pick<State, 'config' | 'fidelityInputs'>) {
  const own = s.fidelityInputs;
  return own !== null && own.modelId === s.config.uploaded ? own : null;
}

/** The fidelity result's key: the compressed model and the inputs it is measured on. */
export function fidelityKey(s: Pick<State, 'config' | 'fidelityInputs'>): string {
  const own = ownInputs(s);
  return `${quantEvaluationKey(s.config)}|fidelity${own ? `|yours-${own.id}` : ''}`;
}

/**
 * An uploaded model measured by fidelity: the compressed model's top-1 agreement with the
 * original and the KL divergence of its outputs, on the model's synthetic test inputs or the
 * user's own, while a lab shows the compressed model. The registry (platform/state/jobs.ts)
 * orders all jobs.
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
        ? fidelityKey(s)
        : null,
    run: async ({ config, state, emit }) => {
      const own = ownInputs(state);
      emit(
        await client.call((api) =>
          api.uploadFidelity(
            config.dataset,
            modelArch(config),
            ctx.quantRequest(config),
            'fidelity',
            own ? { id: own.id, values: own.values, count: own.count } : null,
          ),
        ),
      );
    },
  });

  return jobs;
}
