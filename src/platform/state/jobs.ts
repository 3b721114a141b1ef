import { compressJobs } from '../../features/compress/state/jobs';
import type { EvaluationMemo } from './evaluationMemo';
import { modelJobs } from '../../features/model/state/jobs';
import { pruneJobs } from '../../features/prune/state/jobs';
import { quantizeJobs } from '../../features/quantize/state/jobs';
import { trainJobs } from '../../features/train/state/jobs';
import { tryitJobs } from '../../features/tryit/state/jobs';
import { uploadJobs } from '../../features/upload/state/jobs';
import type { EngineClient, StatsClient } from '../worker/workers';
import { jobContext } from './job';
import type { JobList, SecondWorker } from './job';
import type { Results } from './store';

export type { Data, Job } from './job';

/**
 * The order in which the results are computed (the workers serve requests in order): what a
 * slider step changes first, then evaluations, then the long sweeps. Every result of the store
 * that a job computes is named here exactly once.
 */
export const JOB_ORDER = [
  'summary',
  'histogram',
  'weightInspection',
  'layerErrors',
  'report',
  'maskImage',
  'evaluation',
  'quantEvaluation',
  'fidelity',
  'actInspection',
  'sweep',
  'softTargets',
  'oneShot',
  'misclassified',
  'sensitivity',
  'pruneSweep',
  'tryitPrediction',
  'tryitPredictions',
] as const satisfies readonly (keyof Results)[];

/**
 * The results the app computes, in priority order: each job, defined by its feature, says which
 * result the current state needs (its key) and how to compute it on a worker. The controller
 * runs them.
 */
export function createJobs(
  client: EngineClient,
  stats: StatsClient,
  second?: SecondWorker,
  evaluations?: EvaluationMemo,
  handRests?: () => Promise<void>,
): JobList {
  const ctx = jobContext(client, stats, second, evaluations, handRests);
  const all = [
    ...modelJobs(ctx),
    ...compressJobs(ctx),
    ...quantizeJobs(ctx),
    ...pruneJobs(ctx),
    ...trainJobs(ctx),
    ...tryitJobs(ctx),
    ...uploadJobs(ctx),
  ];
  return JOB_ORDER.map((name) => {
    const found = all.filter((j) => j.name === name);
    if (found.length !== 1) throw new Error(`${found.length} jobs compute '${name}'`);
    return found[0]!;
  });
}
