import * as Comlink from 'comlink';
import { CancelledError, WorkerClient } from './client';
import type { WorkerLike } from './client';
import type { RunWorkerApi } from './runHost';

/**
 * The main thread's side of long runs (training), in a worker of their own so the labs' result
 * jobs stay live meanwhile. Runs go one at a time, in the order started; the rest wait in a
 * queue.
 *
 * Cancel answers at once: the run's `result` rejects immediately. Behind it, the worker is told
 * to cancel (the run notices between steps); if it has not ended within `cancelGraceMs` (a step
 * that never yields, a blocked event loop), the worker is terminated and replaced, and every
 * call still pending on it is rejected, never left hanging (comlink#428). A worker that crashes,
 * or falls silent for `deadAfterMs` (one that ended itself fires no error event), fails the
 * active run with a message saying so, and is replaced.
 */

export interface RunCallbacks<P> {
  /** The run left the queue and started in the worker. */
  onStart?(): void;
  /** New progress points, in order; each point arrives once (deltas, not the history). */
  onProgress?(delta: readonly P[]): void;
}

export interface RunHandle<R> {
  readonly id: string;
  /**
   * The product once the run ends (finished, or stopped early); rejects with CancelledError
   * once cancelled, or with an Error saying why the run failed.
   */
  readonly result: Promise<R>;
  /** Asks the run to end at its next step and keep what it has. A queued run is cancelled. */
  stop(): void;
  /**
   * Ends the run: `result` rejects at once. Resolves when the worker is free for the next run:
   * the run confirmed it ended or, silent for `cancelGraceMs`, the worker was replaced.
   */
  cancel(): Promise<void>;
}

export interface RunClientOptions {
  /** How long a cancelled run may take to end before its worker is terminated (300 ms). */
  readonly cancelGraceMs?: number;
  /** Heartbeat period while a run is active (1 s). */
  readonly heartbeatMs?: number;
  /**
   * Silence after which the worker is declared dead (20 s): longer than any single synchronous
   * step (a CNN's teacher logits over the training set take seconds on a slow machine).
   */
  readonly deadAfterMs?: number;
  /** Names the worker in messages ('training worker'). */
  readonly label?: string;
  /** The worker crashed or died and was replaced (not called when a cancel replaces it). */
  readonly onRestart?: (message: string) => void;
  /** Run ids need only be unique within this client. */
  readonly newRunId?: () => string;
}

interface Entry<I, P, R> {
  readonly id: string;
  readonly input: I;
  readonly callbacks: RunCallbacks<P>;
  readonly resolve: (product: R) => void;
  readonly reject: (e: Error) => void;
  /** `result` has resolved or rejected: nothing more reaches the caller. */
  settled: boolean;
  stopAsked: boolean;
  /** Settles when the worker has let go of the run (it is then free for the next). */
  ended: Promise<void> | null;
  cancelling: Promise<void> | null;
}

/**
 * The run API as seen through comlink. Comlink's `Remote<T>` cannot be worked out while I, P and
 * R are type parameters, so it is spelled out here once (every method returns a promise).
 */
interface RemoteRuns<I, P, R> {
  startRun(runId: string, input: I, onProgress: (delta: P[]) => void): Promise<R>;
  stop(runId: string): Promise<boolean>;
  cancel(runId: string): Promise<boolean>;
  ping(): Promise<true>;
}

const toError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));
const ignore = () => undefined;

export class RunClient<I, P, R> {
  private readonly client: WorkerClient<RunWorkerApi<I, P, R>>;
  private readonly call: <T>(fn: (api: RemoteRuns<I, P, R>) => Promise<T>) => Promise<T>;
  private readonly queue: Entry<I, P, R>[] = [];
  private active: Entry<I, P, R> | null = null;
  private disposed = false;
  private readonly cancelGraceMs: number;
  private readonly newRunId: () => string;

  constructor(create: () => WorkerLike, options: RunClientOptions = {}) {
    this.cancelGraceMs = options.cancelGraceMs ?? 300;
    let runs = 0;
    this.newRunId = options.newRunId ?? (() => `run-${++runs}-${Date.now().toString(36)}`);
    this.client = new WorkerClient<RunWorkerApi<I, P, R>>(create, {
      label: options.label ?? 'training worker',
      heartbeat: {
        ping: (api) => (api as unknown as RemoteRuns<I, P, R>).ping(),
        everyMs: options.heartbeatMs ?? 1000,
        deadAfterMs: options.deadAfterMs ?? 20_000,
      },
      // The pending startRun call is rejected too, but as a cancellation: fail the run first,
      // with the reason, so the caller does not take a crash for a cancel.
      onCrash: (message) => {
        const e = this.active;
        if (e) this.settle(e, () => e.reject(new Error(message)));
        options.onRestart?.(message);
      },
    });
    this.call = (fn) => this.client.call((api) => fn(api as unknown as RemoteRuns<I, P, R>));
  }

  /** Queues a run; it starts when the runs before it have ended. */
  start(input: I, callbacks: RunCallbacks<P> = {}): RunHandle<R> {
    if (this.disposed) throw new Error('The run client was disposed.');
    let resolve!: (product: R) => void;
    let reject!: (e: Error) => void;
    const result = new Promise<R>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry: Entry<I, P, R> = {
      id: this.newRunId(),
      input,
      callbacks,
      resolve,
      reject,
      settled: false,
      stopAsked: false,
      ended: null,
      cancelling: null,
    };
    this.queue.push(entry);
    // Started from a microtask, so the caller has the handle before onStart can fire.
    queueMicrotask(() => this.pump());
    return {
      id: entry.id,
      result,
      stop: () => this.stop(entry),
      cancel: () => this.cancel(entry),
    };
  }

  /** Id of the run in the worker now, if any. */
  get activeRunId(): string | null {
    return this.active?.id ?? null;
  }

  get queuedCount(): number {
    return this.queue.length;
  }

  /** Calls awaiting the worker (runs, stops, cancels, pings). */
  get pendingCalls(): number {
    return this.client.pendingCount;
  }

  /** Incremented each time the worker is replaced (tests and diagnostics). */
  get workerGeneration(): number {
    return this.client.workerGeneration;
  }

  /** Cancels every run and ends the worker for good. */
  dispose(): void {
    this.disposed = true;
    for (const e of [...this.queue, ...(this.active ? [this.active] : [])])
      this.settle(e, () => e.reject(new CancelledError('The run client was disposed.')));
    this.queue.length = 0;
    this.client.dispose();
  }

  private settle(e: Entry<I, P, R>, fn: () => void): void {
    if (e.settled) return;
    e.settled = true;
    fn();
  }

  private pump(): void {
    if (this.active || this.disposed) return;
    const e = this.queue.shift();
    if (!e) return;
    this.active = e;
    const onProgress = Comlink.proxy((delta: P[]) => {
      this.client.noteAlive();
      if (!e.settled) e.callbacks.onProgress?.(delta);
    });
    e.ended = this.call((api) => api.startRun(e.id, e.input, onProgress))
      .then(
        (product) => this.settle(e, () => e.resolve(product)),
        (err: unknown) => this.settle(e, () => e.reject(toError(err))),
      )
      .finally(() => {
        this.active = null;
        this.pump();
      });
    if (e.stopAsked) this.sendStop(e);
    e.callbacks.onStart?.();
  }

  private sendStop(e: Entry<I, P, R>): void {
    this.call((api) => api.stop(e.id)).catch(ignore);
  }

  private stop(e: Entry<I, P, R>): void {
    if (e.settled) return;
    const queued = this.queue.indexOf(e);
    if (queued >= 0) {
      void this.cancel(e);
      return;
    }
    e.stopAsked = true;
    if (this.active === e) this.sendStop(e);
  }

  private cancel(e: Entry<I, P, R>): Promise<void> {
    const queued = this.queue.indexOf(e);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(e, () => e.reject(new CancelledError('Cancelled')));
      return Promise.resolve();
    }
    if (this.active !== e || !e.ended) return e.cancelling ?? Promise.resolve();
    e.cancelling ??= this.cancelActive(e, e.ended);
    return e.cancelling;
  }

  private async cancelActive(e: Entry<I, P, R>, ended: Promise<void>): Promise<void> {
    this.settle(e, () => e.reject(new CancelledError('Cancelled')));
    this.call((api) => api.cancel(e.id)).catch(ignore);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const inTime = await Promise.race([
      ended.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.cancelGraceMs))),
    ]);
    clearTimeout(timer);
    if (!inTime && this.active === e)
      this.client.restart(`Cancelled: the run did not end within ${this.cancelGraceMs} ms.`);
    await ended;
  }
}
