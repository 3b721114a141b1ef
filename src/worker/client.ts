import * as Comlink from 'comlink';
import type { EngineApi } from './engine';
import type { StatsApi } from './stats';

/** Rejection reason of calls cut short by `restart()`: not an error to show the user. */
export class CancelledError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CancelledError';
  }
}

export function isCancelled(e: unknown): boolean {
  return e instanceof Error && e.name === 'CancelledError';
}

/**
 * The main thread's handle on a worker. It keeps the comlink `Remote` in a
 * long-lived field (a temporary one can be collected mid-call and hang, comlink#692), tracks
 * pending calls, and on a hard cancel terminates the worker, rejects what was pending
 * (`terminate()` would leave those promises hanging forever, comlink#428) and starts a new one.
 */
export class WorkerClient<Api> {
  private worker!: Worker;
  private remote!: Comlink.Remote<Api>;
  private readonly pending = new Set<(e: Error) => void>();
  private generation = 0;

  constructor(
    private readonly create: () => Worker,
    private readonly onCrash?: (message: string) => void,
  ) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = this.create();
    this.worker.addEventListener('error', (e) => {
      const message = e.message || 'The compute worker crashed.';
      this.restart(message);
      this.onCrash?.(message);
    });
    this.remote = Comlink.wrap<Api>(this.worker);
    this.generation++;
  }

  /** Incremented at every restart: state held in an older worker (loaded models) is gone. */
  get workerGeneration(): number {
    return this.generation;
  }

  /** Runs one call on the worker; it rejects with CancelledError if the worker is restarted. */
  call<T>(fn: (api: Comlink.Remote<Api>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cancel = (e: Error) => reject(e);
      this.pending.add(cancel);
      fn(this.remote).then(
        (v) => {
          this.pending.delete(cancel);
          resolve(v);
        },
        (e: unknown) => {
          this.pending.delete(cancel);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  /** Hard cancel: stops whatever the worker is doing. */
  restart(reason = 'Cancelled'): void {
    this.worker.terminate();
    this.remote[Comlink.releaseProxy]();
    const rejects = [...this.pending];
    this.pending.clear();
    for (const r of rejects) r(new CancelledError(reason));
    this.spawn();
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}

/** The compute worker: tfjs, evaluation, calibration. */
export type EngineClient = WorkerClient<EngineApi>;
/** The stats worker: the instant views, no tfjs. */
export type StatsClient = WorkerClient<StatsApi>;

// `new Worker(new URL(…))` must be written out for Vite to bundle each worker.
export function createEngineClient(onCrash?: (message: string) => void): EngineClient {
  return new WorkerClient<EngineApi>(
    () => new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' }),
    onCrash,
  );
}

export function createStatsClient(onCrash?: (message: string) => void): StatsClient {
  return new WorkerClient<StatsApi>(
    () => new Worker(new URL('./stats.worker.ts', import.meta.url), { type: 'module' }),
    onCrash,
  );
}
