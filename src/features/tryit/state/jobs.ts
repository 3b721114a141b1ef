import { modelArch } from '../../../platform/shared/config';
import type { JobContext, JobList } from '../../../platform/state/job';
import type { State } from '../../../platform/state/store';
import { currentSource, tryitApplies, tryitPredictionKey, tryitPredictionsKey } from './keys';

const inTryitView = (s: State) => s.config.view === 'tryit';

/**
 * The Try it tab's results: the two models' logits for the drawing or test image (one forward
 * pass each, sent before anything else), and both models' classes of every test image, from
 * which the page picks the images misclassified only by the compressed model.
 */
export function tryitJobs(ctx: JobContext): JobList {
  const { client, quantRequest } = ctx;
  const jobs: JobList = [];
  const add = ctx.collect(jobs);

  add({
    name: 'tryitPrediction',
    first: inTryitView,
    key: (s, summary) => {
      const source = currentSource(s, summary);
      return source === null || !inTryitView(s) ? null : tryitPredictionKey(s.config, source);
    },
    run: async ({ config, state, summary, emit }) => {
      const source = currentSource(state, summary);
      if (source === null) return;
      const query =
        source.kind === 'test'
          ? ({ kind: 'test', index: source.index } as const)
          : source.drawing.input === null
            ? null
            : // A copy travels (3 KB): the store keeps its own for the next config.
              ({ kind: 'input', input: source.drawing.input.slice() } as const);
      if (query === null) return;
      emit(
        await client.call((api) =>
          api.tryitPredict(config.dataset, modelArch(config), quantRequest(config), query),
        ),
      );
    },
  });

  add({
    name: 'tryitPredictions',
    key: (s, summary) =>
      inTryitView(s) && tryitApplies(s, summary) ? tryitPredictionsKey(s.config) : null,
    run: async ({ config, emit }) =>
      emit(
        await client.call((api) =>
          api.tryitPredictions(config.dataset, modelArch(config), quantRequest(config)),
        ),
      ),
  });

  return jobs;
}
