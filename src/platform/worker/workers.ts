import { WorkerClient } from './client';
import type { EngineApi } from './engine';
import type { StatsApi } from './stats';

// The client machinery moved to platform/worker/client.ts; the controller still imports these
// from here until the state layer moves too.
export { CancelledError, isCancelled } from './client';

/** The compute worker: tfjs, evaluation, calibration. */
export type EngineClient = WorkerClient<EngineApi>;
/** The stats worker: the instant views, no tfjs. */
export type StatsClient = WorkerClient<StatsApi>;

// `new Worker(new URL(…))` must be written out for Vite to bundle each worker.
export function createEngineClient(onCrash?: (message: string) => void): EngineClient {
  return new WorkerClient<EngineApi>(
    () => new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' }),
    { onCrash },
  );
}

export function createStatsClient(onCrash?: (message: string) => void): StatsClient {
  return new WorkerClient<StatsApi>(
    () => new Worker(new URL('./stats.worker.ts', import.meta.url), { type: 'module' }),
    { onCrash },
  );
}
