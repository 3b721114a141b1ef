import * as Comlink from 'comlink';
import { DeltaStream } from './deltaStream';

/**
 * The worker's side of long runs (training): each run has an id, streams its progress to the
 * main thread as throttled deltas through a comlink proxy callback, can be stopped (it ends at
 * the next step and returns what it has) or cancelled (it ends at the next step and returns
 * nothing), and returns its product with its buffers transferred, not copied.
 *
 * Cancelling here is cooperative: the run notices `control.cancel` between steps. A step that
 * never yields is the main thread's business: RunClient terminates the worker.
 */

/** Read by the run between steps. */
export interface RunControl {
  /** End at the next step and return the product as it is. */
  stop: boolean;
  /** End at the next step and throw: the product is discarded. */
  cancel: boolean;
}

export interface RunContext<P> {
  onProgress(point: P): void;
  readonly control: RunControl;
}

export type RunExecutor<I, P, R> = (input: I, run: RunContext<P>) => Promise<R>;

export interface RunHostOptions<R> {
  /** Buffers sent with the product by transfer: each must be distinct and owned by it. */
  readonly transferables?: (product: R) => Transferable[];
  /** At most one progress message per this many ms (default 100: 10 Hz). */
  readonly progressIntervalMs?: number;
  readonly now?: () => number;
}

/** What a run worker exposes through comlink. */
export interface RunWorkerApi<I, P, R> {
  /** Runs to the end; rejects with an error named CancelledError once cancelled. */
  startRun(runId: string, input: I, onProgress: (delta: P[]) => unknown): Promise<R>;
  /** True if the run was found (it ends at its next step). */
  stop(runId: string): boolean;
  cancel(runId: string): boolean;
  /** Answers at once if the worker's event loop is free: the client's heartbeat. */
  ping(): true;
}

function cancelledError(): Error {
  const e = new Error('Cancelled');
  e.name = 'CancelledError'; // the name crosses the comlink boundary, the class does not
  return e;
}

export function hostRuns<I, P, R>(
  execute: RunExecutor<I, P, R>,
  options: RunHostOptions<R> = {},
): RunWorkerApi<I, P, R> {
  const runs = new Map<string, RunControl>();

  return {
    async startRun(runId, input, onProgress) {
      if (runs.has(runId)) throw new Error(`Run ${runId} is already running.`);
      const control: RunControl = { stop: false, cancel: false };
      const stream = new DeltaStream<P>(
        (delta) => onProgress(delta),
        options.progressIntervalMs,
        options.now,
      );
      runs.set(runId, control);
      try {
        let product: R;
        try {
          product = await execute(input, { onProgress: (p) => stream.push(p), control });
        } catch (e) {
          if (control.cancel) throw cancelledError();
          throw e;
        }
        if (control.cancel) throw cancelledError();
        // Every point reaches the main thread before the product does (they travel by different
        // message ports, so only waiting orders them).
        await stream.drain();
        return options.transferables
          ? Comlink.transfer(product, options.transferables(product))
          : product;
      } finally {
        stream.close();
        runs.delete(runId);
        (onProgress as Partial<Comlink.Remote<unknown>>)[Comlink.releaseProxy]?.();
      }
    },

    stop(runId) {
      const control = runs.get(runId);
      if (control) control.stop = true;
      return control !== undefined;
    },

    cancel(runId) {
      const control = runs.get(runId);
      if (control) control.cancel = true;
      return control !== undefined;
    },

    ping() {
      return true;
    },
  };
}
