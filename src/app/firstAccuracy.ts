import { inCompressView } from '../platform/state/job';
import type { State } from '../platform/state/store';

/** The part of the app's store this needs (zustand's getState / subscribe). */
interface StoreLike {
  getState(): State;
  subscribe(listener: (state: State) => void): () => void;
}

/**
 * Whether the accuracies the first screen shows are measured on the whole test set: the trained
 * model's, and on the Quantize and Prune tabs the compressed model's too.
 */
export function firstAccuraciesMeasured(s: State): boolean {
  const n = s.summary?.data.dataset.test.count;
  if (n === undefined || s.evaluation?.data.count !== n) return false;
  return !inCompressView(s) || s.quantEvaluation?.data.count === n;
}

/**
 * Runs `f` once, when the first screen's accuracies are measured on the whole test set
 * ({@link firstAccuraciesMeasured}), or after `timeoutMs` (a link whose first screen measures
 * none, a worker that failed): work that can wait (the service worker's precache of about 11 MB)
 * then does not compete with the first screen for the network and the cores. On a cold visit it did: with the
 * precache at once, the compute worker's script and model files queued behind it, and the first
 * full accuracy came 0.3 s later (bench/app.ts --only cold).
 */
export function afterFirstAccuracies(store: StoreLike, f: () => void, timeoutMs: number): void {
  let done = false;
  let unsubscribe = () => {};
  const go = () => {
    if (done) return;
    done = true;
    unsubscribe();
    clearTimeout(timer);
    f();
  };
  const timer = setTimeout(go, timeoutMs);
  if (firstAccuraciesMeasured(store.getState())) {
    go();
    return;
  }
  unsubscribe = store.subscribe((s) => {
    if (firstAccuraciesMeasured(s)) go();
  });
}
