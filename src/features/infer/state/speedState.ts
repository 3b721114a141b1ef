import type { Remote } from 'comlink';
import { create } from 'zustand';
import { modelArch } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { quantEvaluationKey } from '../../../platform/state/keys';
import { hasSpareCore } from '../../../platform/state/secondWorker';
import { useStore } from '../../../platform/state/store';
import type { EngineApi, EvalRequest } from '../../../platform/worker/engine';
import { createEngineClient } from '../../../platform/worker/workers';
import type { EngineClient } from '../../../platform/worker/workers';
import { compressSettings } from '../../compress';
import type { IntEvaluation, IntSweepPoint, SpeedReport } from '../worker';
import { median } from '../shared/median';

/**
 * The Speed panel's state: one measurement, started by the user ("Measure speed"), of the current
 * configuration: the integer path's evaluation (accuracy, predictions that differ from the float
 * path) and the float32 model's and the integer model's speed. It runs in a compute worker of its
 * own, started on first use, so the labs never wait behind it; and it starts once the labs' jobs
 * are done (store.busy empty), so their evaluations do not share the cores with the timing.
 */

let client: EngineClient | null = null;
let ready: Promise<unknown> | null = null;

async function call<T>(fn: (api: Remote<EngineApi>) => Promise<T>): Promise<T> {
  client ??= createEngineClient((message) =>
    useStore
      .getState()
      .addNotice('error', `The speed worker stopped (${message}); it was restarted.`),
  );
  const c = client;
  ready ??= c.call((api) => api.init());
  try {
    await ready;
  } catch (e) {
    ready = null;
    throw e;
  }
  return c.call(fn);
}

/**
 * The integer model on two workers at once (half the test set each, one thread each), timed from
 * the page, wall clock, beside the same call on one worker. A second speed worker is started for
 * it and closed after; null where the page has no core to spare (hasSpareCore).
 */
async function measureSplit(
  dataset: Config['dataset'],
  arch: ReturnType<typeof modelArch>,
  request: EvalRequest,
  count: number,
): Promise<SplitSpeed | null> {
  if (!hasSpareCore(useStore.getState().backend, navigator.hardwareConcurrency)) return null;
  const other = createEngineClient(() => {
    // Its call fails too, and the catch below says so once.
  });
  try {
    await other.call((api) => api.init());
    const half = Math.floor(count / 2);
    const oneShare = (start: number, n: number, warm: boolean) =>
      call((api) => api.intPredict(dataset, arch, request, start, n, warm));
    const otherShare = (warm: boolean) =>
      other.call((api) => api.intPredict(dataset, arch, request, half, count - half, warm));
    // Warm-up: the second worker loads the model, the test set and the kernels.
    await Promise.all([oneShare(0, half, true), otherShare(true)]);
    const one: number[] = [];
    const two: number[] = [];
    let correct = 0;
    for (let r = 0; r < SPLIT_RUNS; r++) {
      let t0 = performance.now();
      await oneShare(0, count, false);
      one.push(performance.now() - t0);
      t0 = performance.now();
      const [a, b] = await Promise.all([oneShare(0, half, false), otherShare(false)]);
      two.push(performance.now() - t0);
      correct = a.correct + b.correct;
    }
    const oneMs = median(one);
    const twoMs = median(two);
    return {
      count,
      correct,
      oneWorkerMs: oneMs,
      twoWorkersMs: twoMs,
      imagesPerSecond: (count / twoMs) * 1000,
    };
  } catch (e) {
    // Only this extra figure is lost: the rest of the measurement goes on without it.
    useStore
      .getState()
      .addNotice('error', `Timing the integer model on two workers failed (${message(e)}); the rest of the measurement goes on.`); // prettier-ignore
    return null;
  } finally {
    other.dispose();
  }
}

/** Timed runs of the two-worker split (and of one worker, interleaved). */
export const SPLIT_RUNS = 3;

/** The integer model's test set split between two workers (see measureSplit). */
export interface SplitSpeed {
  readonly count: number;
  /** Correct predictions of the two halves together (the same model as one worker's). */
  readonly correct: number;
  /** Wall clock in the page, median of SPLIT_RUNS: the whole set on one worker, and split. */
  readonly oneWorkerMs: number;
  readonly twoWorkersMs: number;
  readonly imagesPerSecond: number;
}

/** What a measurement depends on: the model, its compressed weights and the activations. */
export const speedKey = (c: Config): string => quantEvaluationKey(c);

export function speedRequest(c: Config): EvalRequest {
  return { weights: compressSettings(c), acts: c.acts.bits > 0 ? c.acts : null };
}

export interface SpeedState {
  readonly key: string;
  readonly status: 'waiting' | 'evaluating' | 'timing' | 'sweeping' | 'done' | 'error';
  readonly evaluation: IntEvaluation | null;
  readonly report: SpeedReport | null;
  /** The integer model split between two workers; null where the page has no core to spare. */
  readonly split: SplitSpeed | null;
  /** The integer path at each weight bit-width of {@link SWEEP_BITS}, the rest as configured. */
  readonly sweep: readonly { readonly bits: number; readonly point: IntSweepPoint }[] | null;
  readonly error: string | null;
}

export const useSpeed = create<{ speed: SpeedState | null }>()(() => ({ speed: null }));

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Resolves once no lab job is running (at once when none is). */
function labsIdle(): Promise<void> {
  if (useStore.getState().busy.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = useStore.subscribe((s) => {
      if (s.busy.size === 0) {
        stop();
        resolve();
      }
    });
  });
}

/** Single images timed per path (their median is the latency). */
export const LATENCY_RUNS = 50;

/** The bit-width sweep: weight bits, single images per point, images timed at once per point. */
export const SWEEP_BITS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export const SWEEP_LATENCY_RUNS = 30;
export const SWEEP_IMAGES = 1000;
/** Each point's batch is timed until this many ms are spent (3 to 25 runs; their median). */
export const SWEEP_BATCH_MS = 150;

/** `config` with integer weights at `bits` (per-layer overrides kept, as the app's sweep does). */
export function atBits(config: Config, bits: number): Config {
  return { ...config, weights: { ...config.weights, format: 'int', bits } };
}

/**
 * Evaluates `config` on the integer path, then times both paths. Keeps the result under the
 * config's key; a newer measurement replaces an older one's result when it ends.
 */
export async function measureSpeed(config: Config): Promise<void> {
  const key = speedKey(config);
  const set = (s: Partial<SpeedState>) => {
    const now = useSpeed.getState().speed;
    if (now?.key === key) useSpeed.setState({ speed: { ...now, ...s } });
  };
  useSpeed.setState({
    speed: {
      key,
      status: 'waiting',
      evaluation: null,
      report: null,
      split: null,
      sweep: null,
      error: null,
    },
  });
  const request = speedRequest(config);
  const arch = modelArch(config);
  try {
    await labsIdle();
    set({ status: 'evaluating' });
    const evaluation = await call((api) => api.intEvaluate(config.dataset, arch, request));
    set({ evaluation, status: 'timing' });
    const report = await call((api) => api.speed(config.dataset, arch, request, LATENCY_RUNS));
    set({ report });
    const split = await measureSplit(config.dataset, arch, request, report.count);
    set({ split, status: 'sweeping' });
    const points = await call((api) =>
      api.intSpeedSweep(
        config.dataset,
        arch,
        SWEEP_BITS.map((b) => speedRequest(atBits(config, b))),
        SWEEP_LATENCY_RUNS,
        SWEEP_IMAGES,
        SWEEP_BATCH_MS,
      ),
    );
    set({ sweep: SWEEP_BITS.map((bits, i) => ({ bits, point: points[i]! })), status: 'done' });
  } catch (e) {
    set({ status: 'error', error: message(e) });
  }
}
