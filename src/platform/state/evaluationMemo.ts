import { compressKey } from '../../features/compress/shared/pipeline';
import { modelKey } from '../shared/config';
import type { Config } from '../shared/config';
import { Lru } from '../shared/lru';
import type { EvalRequest, Evaluation } from '../worker/engine';
import { actKey } from './keys';

/**
 * The full-test-set evaluations measured this session, by model and request, so that the same
 * pass is not run twice: a bit-width the Quantize tab's sweep has measured answers at once when
 * the slider moves to it, as does a model or a configuration met before. An evaluation depends
 * only on the model's weights, the compressed weights' settings and the activation quantizers
 * (stochastic rounding and calibration are seeded), which is what the key holds: the same
 * compressKey and actKey that decide whether a result on screen is current (keys.ts). Only whole
 * test sets are kept (a quick estimate is not an answer).
 *
 * It also knows the passes in progress (`track`), so that a second job asking for the same
 * evaluation waits for that one instead of running it again (`inFlight`): a link that opens the
 * Quantize tab asks for the configuration's accuracy and, in its sweep, for the same request
 * again.
 */
export interface EvaluationMemo {
  get(key: string): Evaluation | undefined;
  set(key: string, e: Evaluation): void;
  /**
   * Records that `key`'s whole-test-set evaluation is running: `running` resolves to it, or to
   * null (or rejects) if the pass ends without one (its job went stale, the worker died).
   */
  track(key: string, running: Promise<Evaluation | null>): void;
  /**
   * The evaluation of `key` in progress, if any: resolves to it (marked remembered, as `get`'s),
   * or to null if that pass ends without one; never rejects.
   */
  inFlight(key: string): Promise<Evaluation | null> | undefined;
  /** Forgets them all (the benchmarks time new passes: bench/browser.ts's dropCaches). */
  clear(): void;
}

/** Up to this many evaluations (a confusion matrix each: 400 bytes for ten classes). */
export const EVALUATION_MEMO_SIZE = 256;
/** …and at most this many bytes of confusion matrices (an uploaded model may have 1,000 classes). */
export const EVALUATION_MEMO_BYTES = 16 * 1024 * 1024;

export function evaluationMemoKey(config: Config, request: EvalRequest | null): string {
  const weights = request?.weights ? compressKey(request.weights) : 'trained';
  const acts = request?.acts ? actKey(request.acts) : 'A32';
  return `${modelKey(config)}|${weights}|${acts}`;
}

export function createEvaluationMemo(): EvaluationMemo {
  const fresh = () =>
    new Lru<Evaluation>(EVALUATION_MEMO_SIZE, {
      weigh: (e) => e.confusion.byteLength + 256,
      maxWeight: EVALUATION_MEMO_BYTES,
    });
  let lru = fresh();
  let running = new Map<string, Promise<Evaluation | null>>();
  // A copy marked as remembered: its `ms` is the time of the pass that measured it.
  const remembered = (e: Evaluation): Evaluation => ({ ...e, remembered: true });
  return {
    get: (key) => {
      const e = lru.get(key);
      return e && remembered(e);
    },
    set: (key, e) => lru.set(key, e),
    track: (key, pass) => {
      const map = running;
      const p = pass.then(
        (e) => e && remembered(e),
        () => null,
      );
      map.set(key, p);
      void p.then(() => {
        if (map.get(key) === p) map.delete(key);
      });
    },
    inFlight: (key) => running.get(key),
    clear: () => {
      lru = fresh();
      running = new Map();
    },
  };
}
