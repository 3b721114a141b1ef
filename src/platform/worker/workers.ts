import { WorkerClient } from './client';
import type { Heartbeat } from './client';
import type { EngineApi } from './engine';
import type { StatsApi } from './stats';

// The client machinery moved to platform/worker/client.ts; the controller still imports these
// from here until the state layer moves too.
export { CancelledError, isCancelled, isWorkerDied } from './client';

/** The compute worker: tfjs, evaluation, calibration. */
export type EngineClient = WorkerClient<EngineApi>;
/** The stats worker: the instant views, no tfjs. */
export type StatsClient = WorkerClient<StatsApi>;

/**
 * The compute worker's longest busy stretch is one evaluation (one chain of microtasks: pings
 * wait behind it): 3 s for the full Fashion CNN test set on a 2-core laptop, so 15 s of silence
 * after an unanswered ping means it is gone. A death is noticed within about 17 s (1 s to the
 * next ping, 15 s, 1 s to the next check).
 */
export const ENGINE_HEARTBEAT: Heartbeat<EngineApi> = {
  ping: (api) => api.ping(),
  everyMs: 1000,
  deadAfterMs: 15_000,
};

/** The stats worker's calls take tens of ms: 5 s of silence (noticed within about 7 s). */
export const STATS_HEARTBEAT: Heartbeat<StatsApi> = {
  ping: (api) => api.ping(),
  everyMs: 1000,
  deadAfterMs: 5_000,
};

/**
 * Every compute worker this page has started and not disposed: the labs' first and second, the
 * export's, the Speed panel's. For the benchmarks and the soak test (`?debug`), which empty
 * their caches before measuring.
 */
const engineClients: WeakRef<EngineClient>[] = [];
export function liveEngineClients(): EngineClient[] {
  const live = engineClients
    .map((r) => r.deref())
    .filter((c): c is EngineClient => c !== undefined && !c.disposed);
  engineClients.splice(0, engineClients.length, ...live.map((c) => new WeakRef(c)));
  return live;
}

// `new Worker(new URL(…))` must be written out for Vite to bundle each worker.
// `onCrash` is called once per crash or death, with a message that names the worker.
export function createEngineClient(
  onCrash?: (message: string) => void,
  label = 'compute worker',
): EngineClient {
  const client = new WorkerClient<EngineApi>(
    () => new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' }),
    { label, heartbeat: ENGINE_HEARTBEAT, ...(onCrash ? { onCrash } : {}) },
  );
  engineClients.push(new WeakRef(client));
  return client;
}

export function createStatsClient(onCrash?: (message: string) => void): StatsClient {
  return new WorkerClient<StatsApi>(
    () => new Worker(new URL('./stats.worker.ts', import.meta.url), { type: 'module' }),
    { label: 'statistics worker', heartbeat: STATS_HEARTBEAT, ...(onCrash ? { onCrash } : {}) },
  );
}
