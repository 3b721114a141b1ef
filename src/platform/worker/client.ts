import * as Comlink from 'comlink';

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

/** What the client needs of a worker: a comlink endpoint that can be terminated. */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
}

/**
 * A worker that ends itself (`self.close()`) or is killed fires no `error` event: only silence
 * tells. While calls are pending, the client pings every `everyMs`; a worker that has given no
 * sign of life (a ping answered, a call settled, `noteAlive()`) for `deadAfterMs` is declared
 * dead: its pending calls reject with WorkerDiedError and a new worker takes its place.
 * `deadAfterMs` must exceed the longest stretch the worker's event loop is ever busy (one
 * synchronous tfjs op), or a busy worker is taken for a dead one.
 */
export interface Heartbeat<Api> {
  readonly ping: (api: Comlink.Remote<Api>) => Promise<unknown>;
  readonly everyMs: number;
  readonly deadAfterMs: number;
}

export interface WorkerClientOptions<Api> {
  /** Called after the worker crashed or died and was replaced, with why. */
  readonly onCrash?: (message: string) => void;
  readonly heartbeat?: Heartbeat<Api>;
  /** Names the worker in messages, e.g. 'training worker'. */
  readonly label?: string;
}

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
  private work = 0;
  private generation = 0;
  private readonly onCrash: ((message: string) => void) | undefined;
  private readonly heartbeat: Heartbeat<Api> | undefined;
  private readonly label: string;
  private lastSign = 0;
  private pinging = false;
  private watch: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly create: () => WorkerLike,
    options: WorkerClientOptions<Api> = {},
  ) {
    this.onCrash = options.onCrash;
    this.heartbeat = options.heartbeat;
    this.label = options.label ?? 'compute worker';
    this.spawn();
  }

  private spawn(): void {
    const worker = this.create();
    this.worker = worker;
    worker.addEventListener('error', (e) => {
      if (worker !== this.worker) return; // an error of a worker already replaced
      const message = (e as Partial<ErrorEvent>).message || `The ${this.label} crashed.`;
      this.restart(message);
      this.onCrash?.(message);
    });
    this.remote = Comlink.wrap<Api>(worker);
    this.generation++;
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

  private startWatch(): void {
    const hb = this.heartbeat;
    if (!hb || this.watch) return;
    this.noteAlive();
    this.watch = setInterval(() => {
      const silentMs = Date.now() - this.lastSign;
      if (silentMs > hb.deadAfterMs) {
        const message = `The ${this.label} stopped answering (silent for ${Math.round(silentMs / 1000)} s); it was restarted.`;
        this.fail(new WorkerDiedError(message));
        this.onCrash?.(message);
      } else if (!this.pinging) {
        this.pinging = true;
        const generation = this.generation;
        this.track(hb.ping, false)
          .catch(() => undefined)
          .finally(() => {
            if (generation === this.generation) this.pinging = false;
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
    this.fail(new CancelledError(reason));
  }

  /** Terminates the worker, rejects every pending call with `error`, and starts a new worker. */
  fail(error: Error): void {
    this.stopWatch();
    this.worker.terminate();
    this.remote[Comlink.releaseProxy]();
    const rejects = [...this.pending];
    this.pending.clear();
    this.pinging = false;
    // Each rejection also takes its call off the `work` count.
    for (const r of rejects) r(error);
    this.spawn();
  }

  /** Ends the worker for good (the page is going away, or a test is over). */
  dispose(): void {
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
}
