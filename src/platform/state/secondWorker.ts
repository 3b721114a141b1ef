import type { BackendInfo } from '../worker/backend';
import type { EngineClient } from '../worker/workers';
import type { SecondWorker } from './job';
import { wasmThreadsFor } from '../shared/threads';

/**
 * A second compute worker unused for this long is closed: its copy of the model and test set and
 * its layer-input cache (about 110 MB with fashion-cnn) go back to the system. The next slow
 * evaluation starts a new one.
 */
export const SECOND_IDLE_MS = 60_000;

/**
 * Whether a second compute worker has a core to itself: the wasm backend runs one thread (two
 * cores: tfjs's own threads made long main-thread tasks) on a machine with a second core. Two
 * single-threaded workers compute only while they evaluate. Before the compute worker has reported
 * its backend (`backend` null: it starts tfjs after the first screen's accuracies, which its
 * first-screen engine measures on one thread), by the thread count the backend will run
 * (wasmThreadsFor) on this page: `crossOriginIsolated`, by default the page's own.
 */
export function hasSpareCore(
  backend: BackendInfo | null,
  cores: number,
  crossOriginIsolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ===
    true,
): boolean {
  if (cores < 2) return false;
  if (!backend) return wasmThreadsFor(cores, crossOriginIsolated) === 1;
  return backend.name === 'wasm' && backend.threads === 1;
}

/** What the second worker needs of a client: its calls in flight, and closing it. */
type Closable = Pick<EngineClient, 'pendingCount' | 'dispose'>;

/**
 * The second compute worker of quickThenFull (see JobContext.second): `available` says whether
 * the page has a core to spare, `create` starts a worker. Started on first use; closed after
 * SECOND_IDLE_MS without a request (not while a call is in flight).
 */
export function createSecondWorker<C extends Closable = EngineClient>(
  available: () => boolean,
  create: () => C,
  idleMs = SECOND_IDLE_MS,
): Pick<SecondWorker, 'available' | 'cancel'> & { client(): C; readonly started: boolean } {
  let current: C | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const closeWhenIdle = (c: C) => {
    timer = setTimeout(() => {
      timer = null;
      if (current !== c) return;
      if (c.pendingCount > 0) return closeWhenIdle(c);
      current = null;
      c.dispose();
    }, idleMs);
  };
  return {
    available,
    client() {
      current ??= create();
      if (timer !== null) clearTimeout(timer);
      closeWhenIdle(current);
      return current;
    },
    cancel() {
      if (current === null || current.pendingCount === 0) return;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      current.dispose();
      current = null;
    },
    get started() {
      return current !== null;
    },
  };
}
