import * as Comlink from 'comlink';
import { lockManager } from './lifeline';
import type { LifelineHeld, LifelineRequest, LockManagerLike } from './lifeline';

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

/** Rejection reason of calls cut short because the worker stopped answering (see Heartbeat). */
export class WorkerDiedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerDiedError';
  }
}

/** A call cut short because its worker crashed or fell silent (the restart is reported once). */
export function isWorkerDied(e: unknown): boolean {
  return e instanceof Error && e.name === 'WorkerDiedError';
}

/** What the client needs of a worker: a comlink endpoint that can be terminated. */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
}

/**
 * A worker that ends itself (`self.close()`) or is killed fires no `error` event, and one whose
 * event loop never yields (a hang) answers nothing: only silence tells. While calls are pending,
 * the client pings every `everyMs`; when a ping has gone unanswered for `deadAfterMs` and the
 * worker has given no other sign of life since it was sent (a call settled, `noteAlive()`), the
 * worker is declared dead: its pending calls reject with WorkerDiedError and a new worker takes
 * its place. A death is noticed within `everyMs + deadAfterMs` (plus one period) of the worker's
 * last answer. Counting from an unanswered ping, not from the last answer, keeps a throttled
 * timer (a background tab) from taking a late check for silence.
 *
 * `deadAfterMs` must exceed the longest stretch the worker's event loop is ever busy (one
 * evaluation, which runs as one chain of microtasks), or a busy worker is taken for a dead one;
 * each death by silence doubles it (up to `maxDeadAfterMs`, default 8×), so a machine slower
 * than the estimate ends up waiting long enough instead of restarting the same call forever.
 */
export interface Heartbeat<Api> {
  readonly ping: (api: Comlink.Remote<Api>) => Promise<unknown>;
  readonly everyMs: number;
  readonly deadAfterMs: number;
  readonly maxDeadAfterMs?: number;
}

/** Why a worker was replaced: it crashed (an error event), fell silent, or was hard-cancelled. */
export interface RestartEvent {
  readonly cause: 'crash' | 'silent' | 'cancel';
  /** Names the worker and says what happened, e.g. "The compute worker crashed: …". */
  readonly message: string;
  /** The new worker's generation. */
  readonly generation: number;
}

export interface WorkerClientOptions<Api> {
  /** Called after the worker crashed or died and was replaced, with why. */
  readonly onCrash?: (message: string) => void;
  readonly heartbeat?: Heartbeat<Api>;
  /** Names the worker in messages, e.g. 'training worker'. */
  readonly label?: string;
  /**
   * The lock manager for the workers' lifelines (lifeline.ts): the page's `navigator.locks` by
   * default; null, none (the heartbeat alone notices an end).
   */
  readonly locks?: LockManagerLike | null;
}

/** Unique lock names: across this page's workers and across the origin's other tabs. */
let lifelines = 0;
const pageId = Math.random().toString(36).slice(2);

/**
 * The main thread's handle on a worker. It keeps the comlink `Remote` in a
 * long-lived field (a temporary one can be collected mid-call and hang, comlink#692), tracks
 * pending calls, and on a hard cancel terminates the worker, rejects what was pending
 * (`terminate()` would leave those promises hanging forever, comlink#428) and starts a new one.
 */
export class WorkerClient<Api> {
  private worker!: WorkerLike;
  private remote!: Comlink.Remote<Api>;
  /** Rejecters of the calls in flight; `work` counts those that are not pings. */
  private readonly pending = new Set<(e: Error) => void>();
  private ended = false;
  private work = 0;
  private generation = 0;
  private readonly onCrash: ((message: string) => void) | undefined;
  private readonly heartbeat: Heartbeat<Api> | undefined;
  private readonly label: string;
  private readonly locks: LockManagerLike | null;
  private lastSign = 0;
  /** When the ping in flight was sent (null: none is). */
  private pingSentAt: number | null = null;
  private deadAfterMs: number;
  private watch: ReturnType<typeof setInterval> | null = null;
  private readonly restartListeners = new Set<(e: RestartEvent) => void>();

  constructor(
    private readonly create: () => WorkerLike,
    options: WorkerClientOptions<Api> = {},
  ) {
    this.onCrash = options.onCrash;
    this.heartbeat = options.heartbeat;
    this.label = options.label ?? 'compute worker';
    this.locks = options.locks === undefined ? lockManager() : options.locks;
    this.deadAfterMs = options.heartbeat?.deadAfterMs ?? Infinity;
    this.spawn();
  }

  private spawn(): void {
    const worker = this.create();
    this.worker = worker;
    worker.addEventListener('error', (e) => {
      if (worker !== this.worker) return; // an error of a worker already replaced
      const detail = (e as Partial<ErrorEvent>).message;
      const message = detail
        ? `The ${this.label} crashed: ${detail}`
        : `The ${this.label} crashed.`;
      this.fail(new WorkerDiedError(message), 'crash');
      this.onCrash?.(message);
    });
    this.remote = Comlink.wrap<Api>(worker);
    this.generation++;
    this.watchLifeline(worker);
  }

  /**
   * Learns at once of a worker that ended without an error event (`self.close()`, or ended by the
   * browser): it holds a lock for as long as it lives, and the lock comes to us when it is gone.
   */
  private watchLifeline(worker: WorkerLike): void {
    const locks = this.locks;
    if (!locks) return;
    const name = `compression-playground/${pageId}/worker-${++lifelines}`;
    const onHeld = (ev: Event) => {
      if ((ev as MessageEvent<Partial<LifelineHeld> | null>).data?.lifelineHeld !== name) return;
      worker.removeEventListener('message', onHeld);
      locks
        .request(name, () => {
          // Ours now: the worker is gone. Unless we ended it ourselves (replaced, disposed).
          if (worker !== this.worker || this.ended) return;
          const message = `The ${this.label} stopped: it ended without an error.`;
          this.fail(new WorkerDiedError(message), 'crash');
          this.onCrash?.(message);
        })
        // A refusal leaves the heartbeat in charge.
        .catch(() => undefined);
    };
    worker.addEventListener('message', onHeld);
    const request: LifelineRequest = { lifeline: name };
    worker.postMessage(request);
  }

  /** Incremented at every restart: state held in an older worker (loaded models) is gone. */
  get workerGeneration(): number {
    return this.generation;
  }

  private track<T>(fn: (api: Comlink.Remote<Api>) => Promise<T>, isWork: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const settle = () => {
        done = true;
        this.pending.delete(cancel);
        this.noteAlive();
        if (isWork && --this.work === 0) this.stopWatch();
      };
      const cancel = (e: Error) => {
        if (done) return;
        settle();
        reject(e);
      };
      this.pending.add(cancel);
      if (isWork && ++this.work === 1) this.startWatch();
      fn(this.remote).then(
        (v) => {
          if (done) return;
          settle();
          resolve(v);
        },
        (e: unknown) => cancel(e instanceof Error ? e : new Error(String(e))),
      );
    });
  }

  /** Runs one call on the worker; it rejects with CancelledError if the worker is restarted. */
  call<T>(fn: (api: Comlink.Remote<Api>) => Promise<T>): Promise<T> {
    return this.track(fn, true);
  }

  /** The worker showed it is alive by another path (a progress callback, say). */
  noteAlive(): void {
    this.lastSign = Date.now();
  }

  /**
   * Calls `listener` each time the worker is replaced, after every call pending on the old one
   * has been rejected (their handlers run in later microtasks). Returns an unsubscribe function.
   */
  onRestart(listener: (e: RestartEvent) => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  /** The silence after which the worker is declared dead now (doubled after each such death). */
  get deadAfter(): number {
    return this.deadAfterMs;
  }

  private startWatch(): void {
    const hb = this.heartbeat;
    if (!hb || this.watch) return;
    this.noteAlive();
    // A ping still unanswered from an earlier stretch of work counts from now.
    if (this.pingSentAt !== null) this.pingSentAt = this.lastSign;
    this.watch = setInterval(() => {
      const now = Date.now();
      const sent = this.pingSentAt;
      if (sent !== null && this.lastSign <= sent && now - sent > this.deadAfterMs) {
        const silentMs = now - this.lastSign;
        const message = `The ${this.label} stopped answering (silent for ${Math.round(silentMs / 1000)} s).`;
        this.deadAfterMs = Math.min(this.deadAfterMs * 2, hb.maxDeadAfterMs ?? hb.deadAfterMs * 8);
        this.fail(new WorkerDiedError(message), 'silent');
        this.onCrash?.(message);
      } else if (sent === null) {
        this.pingSentAt = now;
        const generation = this.generation;
        this.track(hb.ping, false)
          .catch(() => undefined)
          .finally(() => {
            if (generation === this.generation) this.pingSentAt = null;
          });
      }
    }, hb.everyMs);
  }

  private stopWatch(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  /** Hard cancel: stops whatever the worker is doing. */
  restart(reason = 'Cancelled'): void {
    this.fail(new CancelledError(reason), 'cancel');
  }

  /**
   * Terminates the worker, rejects every pending call with `error`, starts a new worker and
   * tells the restart listeners.
   */
  fail(error: Error, cause: RestartEvent['cause'] = 'crash'): void {
    this.stopWatch();
    this.worker.terminate();
    this.remote[Comlink.releaseProxy]();
    const rejects = [...this.pending];
    this.pending.clear();
    this.pingSentAt = null;
    // Each rejection also takes its call off the `work` count.
    for (const r of rejects) r(error);
    this.spawn();
    const event: RestartEvent = { cause, message: error.message, generation: this.generation };
    for (const l of [...this.restartListeners]) l(event);
  }

  /** Ends the worker for good (the page is going away, or a test is over). */
  dispose(): void {
    this.ended = true;
    this.stopWatch();
    this.worker.terminate();
    this.remote[Comlink.releaseProxy]();
    const rejects = [...this.pending];
    this.pending.clear();
    for (const r of rejects) r(new CancelledError('The worker was closed.'));
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Whether `dispose` has ended it. */
  get disposed(): boolean {
    return this.ended;
  }
}
