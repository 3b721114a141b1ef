import { compressSettings } from '../../features/compress/shared/pipeline';
import { modelFlops } from '../../features/model/shared/flops';
import { modelArch, modelKey } from '../shared/config';
import type { Config } from '../shared/config';
import { isCancelled, isWorkerDied } from '../worker/workers';
import type { EngineClient, StatsClient } from '../worker/workers';
import type { EvalRequest, Evaluation, ModelSummary } from '../worker/engine';
import { joinEvaluations } from '../shared/metrics';
import { effectiveLayer } from './keys';
import { createEvaluationMemo, evaluationMemoKey } from './evaluationMemo';
import type { EvaluationMemo } from './evaluationMemo';
import { isShown } from '../shared/panels';
import type { Panel } from '../shared/panels';
import type { Results, State } from './store';

/**
 * A job: how one result of the store is computed. Each feature defines the jobs of its results
 * in its `state/jobs.ts`; the registry (jobs.ts) puts them in priority order for the controller.
 */
export type Data<K extends keyof Results> = NonNullable<Results[K]>['data'];

export interface Job<K extends keyof Results> {
  readonly name: K;
  /**
   * 'instant' jobs run on the stats worker and draw what a slider step changes at once; the
   * others (evaluations, on the compute worker) start once those are in, so that on a two-core
   * laptop the instant views do not share a core with an evaluation.
   */
  readonly lane?: 'instant';
  /** Started before the other jobs when this holds (the workers serve requests in order). */
  first?(s: State): boolean;
  /** The key of the result the current state needs, or null if it needs none. */
  key(s: State, summary: ModelSummary | null): string | null;
  /** Whether a stored result is final (streaming jobs store partial results on the way). */
  complete?(data: Data<K>, summary: ModelSummary | null): boolean;
  /** Computes the result; `emit` stores (partial) results, `stale` says the config moved on. */
  run(ctx: {
    config: Config;
    /** The state the key was computed from: inputs kept beside the config (a drawing). */
    state: State;
    summary: ModelSummary | null;
    emit: (d: Data<K>) => void;
    stale: () => boolean;
  }): Promise<void>;
}

/** Size of the quick accuracy estimate shown before the full test set is done. */
export const QUICK_EVAL_COUNT = 1000;

/**
 * Below this full-test-set evaluation time (ms) the quick estimate is skipped: it would arrive
 * only a few frames before the full result, and delay it by half as much again.
 */
export const FAST_EVAL_MS = 150;

/**
 * The speed assumed for a model not yet measured: 8 GFLOP/s, about half what the compute
 * worker's float path measures warm on one thread (bench/app.ts), so that a model is taken as
 * fast only when it surely is.
 */
export const ASSUMED_FLOPS_PER_MS = 8e6;

/**
 * Whether an evaluation shows a quick estimate on QUICK_EVAL_COUNT test images first: when the
 * model's last full evaluation took over FAST_EVAL_MS or, before any, when its forward FLOPs over
 * the test set predict that at ASSUMED_FLOPS_PER_MS (mnist-mlp, 2,000 images, is predicted at
 * about 135 ms: its first accuracy comes in one step).
 */
export function quickFirst(
  fullEvalMs: ReadonlyMap<string, number>,
  model: string,
  summary: ModelSummary | null,
): boolean {
  const measured = fullEvalMs.get(model);
  if (measured !== undefined) return measured > FAST_EVAL_MS;
  if (!summary) return true;
  const flops = modelFlops(summary.layers.map((l) => l.info)) * summary.dataset.test.count;
  return flops / ASSUMED_FLOPS_PER_MS > FAST_EVAL_MS;
}

/**
 * From this full-test-set evaluation time on one worker (ms), the evaluation is split between
 * two compute workers where the page has a second one (see JobContext.second): fashion-cnn's
 * 10,000 images (0.9–1.2 s on one thread since its convolutions run with their pools); not
 * mnist-cnn (about 0.25 s), for which a second worker's memory and start would buy little. It
 * was 1 s, until fashion-cnn's pass came down to about that: its work then measured under 1 s in
 * some changes and over in others, so a new configuration's accuracy took one worker's whole pass
 * half the time (`bench/app.ts --only changes`: p50 885 ms, against 638 ms split).
 */
export const SPLIT_EVAL_MS = 500;

/**
 * Whether an evaluation is split between two workers: when the model's last full evaluation
 * took SPLIT_EVAL_MS of work or, before any, when its FLOPs predict that at twice
 * ASSUMED_FLOPS_PER_MS (the measured speed, not the cautious one quickFirst takes).
 */
export function splitEval(
  fullEvalMs: ReadonlyMap<string, number>,
  model: string,
  summary: ModelSummary | null,
): boolean {
  const measured = fullEvalMs.get(model);
  if (measured !== undefined) return measured >= SPLIT_EVAL_MS;
  if (!summary) return false;
  const flops = modelFlops(summary.layers.map((l) => l.info)) * summary.dataset.test.count;
  return flops / (2 * ASSUMED_FLOPS_PER_MS) >= SPLIT_EVAL_MS;
}

/** A call on the second worker that did not end: the worker died, or was closed (cancel). */
const cutShort = (e: unknown) => isWorkerDied(e) || isCancelled(e);

/**
 * From this much predicted work (ms on one worker) a list of evaluations (a sweep) is shared
 * between two compute workers where the page has a second one: mnist-cnn's, fashion-mlp's and
 * fashion-cnn's bit sweeps (18 passes at 150 ms to 1 s each: 1.7–1.9× faster on two,
 * `bench/app.ts`); not mnist-mlp's (18 passes at about 75 ms), which a second worker's start
 * (tfjs, the model, the test set) made slower: 2.39 s on two against 1.99 s on one. It was 3 s
 * until the batches stopped copying the whole test set (kernels/slice.ts): fashion-mlp's passes
 * then took 152 ms, 2.7 s predicted, and its sweep stayed on one worker (3.27 s against 2.21 s
 * shared before). Then 2.5 s, until fashion-mlp's passes came to 123–150 ms (the float kernels):
 * its sweep's predicted work then fell on either side of 2.5 s from one run to the next, and on
 * one worker took 2.54–2.81 s. mnist-mlp's passes take about 18 ms now (0.33 s predicted).
 */
export const SHARE_WORK_MS = 1500;

/**
 * Whether `count` evaluations of a model are shared between two workers: when that many passes
 * at the model's last full-evaluation time (or, before any, its FLOPs at twice
 * ASSUMED_FLOPS_PER_MS, as splitEval) come to SHARE_WORK_MS.
 */
export function shareEvaluations(
  fullEvalMs: ReadonlyMap<string, number>,
  model: string,
  summary: ModelSummary | null,
  count: number,
): boolean {
  let each = fullEvalMs.get(model);
  if (each === undefined && summary) {
    const flops = modelFlops(summary.layers.map((l) => l.info)) * summary.dataset.test.count;
    each = flops / (2 * ASSUMED_FLOPS_PER_MS);
  }
  return (each ?? 0) * count >= SHARE_WORK_MS;
}

/**
 * Evaluates `request(item)` for each of `items` (the points of a sweep) on the whole test set of
 * `config`'s model, on `channel`, on the first compute worker and, when the work is long enough
 * (shareEvaluations) and the page has a second worker (from the first point at which it has), on
 * both: each worker takes the next item as soon as it is done with one, so the items are started
 * in their order and the results come in nearly so. `onResult(index, evaluation, done)` is called as each arrives; `done` on the last.
 * The second worker takes each next item only once the settings are quiet (SecondWorker.quiet),
 * and the first once they are quiet or unchanged since the sweep started: a slider moved during
 * a sweep it does not change (the sparsity during the sparsity sweep, say) pauses the sweep.
 * An item cut short on the second worker (it died, or was closed by a cancel) is asked of the
 * first; other failures are passed on. Once `stale()` holds, nothing more is started or reported.
 * Items measured before this session (`ctx.evaluations`, evaluationMemo.ts) are reported first,
 * without a worker.
 *
 * With `estimateFirst`, where the model is slow (quickFirst, as for the current configuration's
 * accuracy) and its test set larger than QUICK_EVAL_COUNT, every item is first evaluated on the
 * first QUICK_EVAL_COUNT test images and reported as that estimate (`done` false; its `count`
 * says how many images it took), and only then each item's remaining images, joined to its
 * estimate into the whole test set's result: the same work, and a first value of every point
 * after about a tenth of it.
 */
export async function evaluateEach<T>(
  ctx: Pick<JobContext, 'client' | 'second' | 'fullEvalMs'> &
    Partial<Pick<JobContext, 'evaluations'>>,
  config: Config,
  summary: ModelSummary | null,
  channel: string,
  items: readonly T[],
  request: (item: T) => EvalRequest,
  onResult: (index: number, e: Evaluation, done: boolean) => void,
  stale: () => boolean,
  estimateFirst = false,
): Promise<void> {
  const memo = ctx.evaluations;
  const keyOf = (item: T) => (memo ? evaluationMemoKey(config, request(item)) : '');
  let reported = 0;
  // Items measured before (this session) are reported first, without a worker (and not within
  // the caller's own call: the controller is still starting this job).
  const unknown: { item: T; index: number; key: string }[] = [];
  if (memo) await Promise.resolve();
  if (stale()) return;
  items.forEach((item, index) => {
    const key = keyOf(item);
    const known = memo?.get(key);
    if (known) onResult(index, known, ++reported === items.length);
    else unknown.push({ item, index, key });
  });
  /**
   * The passes: each item whole, or (estimating) every item's estimate ('quick'), then every
   * item's remaining images ('rest').
   */
  type Task = { item: T; index: number; key: string; part: 'whole' | 'quick' | 'rest' };
  const estimating =
    estimateFirst &&
    (summary?.dataset.test.count ?? 0) > QUICK_EVAL_COUNT &&
    quickFirst(ctx.fullEvalMs, modelKey(config), summary);
  const queue: Task[] = estimating
    ? [
        ...unknown.map((u) => ({ ...u, part: 'quick' as const })),
        ...unknown.map((u) => ({ ...u, part: 'rest' as const })),
      ]
    : unknown.map((u) => ({ ...u, part: 'whole' as const }));
  /**
   * The estimates asked for, by request (evaluationMemoKey: items of one request, a sweep's points
   * that coincide, share one) or, without a memo to key them, by item. Each item's rest is joined
   * to its estimate.
   */
  const quicks = new Map<string, Promise<Evaluation>>();
  const quickKey = (t: Task) => (memo ? t.key : `#${t.index}`);
  /** Items whose rest has been asked for: an estimate of theirs left in the queue is not. */
  const resting = new Set<number>();
  const evaluateOn = (client: EngineClient, t: Task) =>
    evaluationOn(config, request(t.item), channel)(client);
  /**
   * An item's remaining images on `client`, joined to its estimate. An estimate cut short on the
   * other worker (it died, or was closed) is made again on `client` once the rest is in: one
   * request at a time per worker, since a request supersedes the ones queued on its channel.
   */
  const joinedRest = async (client: EngineClient, t: Task): Promise<Evaluation> => {
    const rest = evaluateOn(client, t)(undefined, QUICK_EVAL_COUNT);
    rest.catch(() => {}); // awaited below
    const quick = await quicks.get(quickKey(t))!.catch(async (error: unknown) => {
      if (!cutShort(error) || stopped || stale()) throw error;
      await rest;
      return evaluateOn(client, t)(QUICK_EVAL_COUNT);
    });
    return joinEvaluations(quick, await rest);
  };
  let stopped = false;
  const started = performance.now();
  /**
   * The second worker's share, once started: at the sweep's start where the page has a core to
   * spare, or at the first worker's next point where it has come to have one since (whether it has
   * is told from the compute worker's backend once that is reported: hasSpareCore).
   */
  let secondRun: Promise<void> | null = null;
  /** Rejects with the second worker's failure (its other items are then not started). */
  let secondFailed: (e: unknown) => void = () => undefined;
  const secondFailure = new Promise<never>((_, reject) => (secondFailed = reject));
  secondFailure.catch(() => {}); // raced below
  const joinSecond = () => {
    if (secondRun || stopped || queue.length === 0 || !ctx.second.available()) return;
    // The passes left, counted whole (an estimate and its rest are one).
    const passes = new Set(queue.map((t) => t.index)).size;
    if (!shareEvaluations(ctx.fullEvalMs, modelKey(config), summary, passes)) return;
    secondRun = runner(ctx.second.client(), true);
    secondRun.catch(secondFailed);
  };
  const runner = async (client: EngineClient, second: boolean): Promise<void> => {
    for (;;) {
      if (queue.length === 0) return;
      // Neither worker takes a next point while a slider that does not change this sweep is
      // moving, and the second leaves the user's changes a core while the sweep's own change is a
      // step of a drag (SecondWorker.quiet).
      await ctx.second.quiet(started, second);
      if (stopped || stale()) return;
      // An item measured meanwhile, or being measured now by another job (the configuration's
      // own accuracy), is answered by that result. The first worker waits for it in order, so as
      // not to slip a point of its own between that job's estimate and the rest of its pass; the
      // second takes the next item no other job is measuring.
      const free = second ? queue.findIndex((q) => !memo?.inFlight(q.key)) : 0;
      const next = queue.splice(Math.max(0, free), 1)[0];
      if (!next) return;
      if (!second) joinSecond();
      if (next.part === 'rest') resting.add(next.index);
      if (next.part === 'quick') {
        // No estimate of an item measured whole meanwhile, or being measured whole by another job
        // (the configuration's own accuracy, say): its rest task takes that result. Nor of one put
        // back after the second worker died on it whose rest has made it again meanwhile.
        if (memo?.get(next.key) || memo?.inFlight(next.key) || resting.has(next.index)) continue;
        const shared = quicks.get(quickKey(next));
        const quick = shared ?? evaluateOn(client, next)(QUICK_EVAL_COUNT);
        quick.catch(() => {}); // awaited below, and by the item's rest (joinedRest)
        quicks.set(quickKey(next), quick);
        let e: Evaluation;
        try {
          e = await quick;
        } catch (error) {
          // Cut short on the second worker (this one, or the one that made a shared estimate):
          // put back, to be made again.
          if ((second || shared) && cutShort(error)) {
            if (quicks.get(quickKey(next)) === quick) quicks.delete(quickKey(next));
            queue.unshift(next);
            if (second) return;
            continue;
          }
          stopped = true;
          throw error;
        }
        if (stopped || stale()) {
          stopped = true;
          return;
        }
        onResult(next.index, e, false);
        continue;
      }
      let e = memo?.get(next.key) ?? (await memo?.inFlight(next.key));
      try {
        if (!e && !stopped && !stale()) {
          // A rest without an estimate (the other job's pass it waited for came to nothing, or
          // its estimate was cut short and not made again): whole.
          const pass =
            next.part === 'rest' && quicks.has(quickKey(next))
              ? joinedRest(client, next)
              : evaluateOn(client, next)();
          memo?.track(next.key, pass);
          e = await pass;
          memo?.set(next.key, e);
        }
      } catch (error) {
        if (second && cutShort(error)) {
          queue.unshift(next);
          return;
        }
        stopped = true;
        throw error;
      }
      if (!e || stopped || stale()) {
        stopped = true;
        return;
      }
      reported++;
      onResult(next.index, e, reported === items.length);
    }
  };
  if (queue.length === 0) return;
  // Both workers' shares, failing as soon as either does.
  await Promise.race([runner(ctx.client, false).then(() => secondRun), secondFailure]);
  // What the second worker held when it died, if the first had finished its part by then.
  if (!stopped && queue.length > 0) await runner(ctx.client, false);
}

/** Evaluates `limit` test images (all by default) from image `offset` (0 by default). */
export type EvaluateRange = (limit?: number, offset?: number) => Promise<Evaluation>;

/**
 * An accuracy in one or two steps: for a slow model (quickFirst) an estimate on the first
 * QUICK_EVAL_COUNT test images is emitted first, and then the full result, for which only the
 * rest of the test set is evaluated and joined to it — the estimate is part of the answer, not
 * extra work. `evaluate(limit, offset)` evaluates that range. Returns the full result (null if
 * the job went stale between the steps), after recording its time for quickFirst.
 *
 * With `onSecond` (the same evaluation on a second compute worker) and a model slow enough
 * (splitEval), the second worker evaluates the test set's second half from the start while the
 * first does the estimate and the rest of the first half. Each example's prediction does not
 * depend on the others, so the joined result is the one-worker result exactly. If the second
 * worker dies (or is closed by a cancel), its half is asked of the first. The full result's `ms`
 * is then the time until both halves were in, and `workers` is 2; the model's recorded time is
 * their work added up, so the choice to split does not flip from one change to the next.
 */
export async function quickThenFull(
  ctx: Pick<JobContext, 'fullEvalMs'> & Partial<Pick<JobContext, 'evaluations' | 'handRests'>>,
  model: string,
  summary: ModelSummary | null,
  evaluate: EvaluateRange,
  emit: (e: Evaluation) => void,
  stale: () => boolean,
  onSecond?: EvaluateRange | null,
  /**
   * The request's evaluationMemoKey: a whole-test-set result measured before is emitted at once,
   * one being measured by another job when it is in.
   */
  memoKey?: string,
): Promise<Evaluation | null> {
  const memo = memoKey === undefined ? undefined : ctx.evaluations;
  const known = memo?.get(memoKey!);
  if (known) {
    // Not within the caller's own call (the controller is still starting this job).
    await Promise.resolve();
    if (stale()) return null;
    emit(known);
    return known;
  }
  // In the middle of a quick gesture the hand moves on before this pass would end: wait for it
  // to rest (a result measured before, above, costs nothing and is shown at once).
  if (ctx.handRests) {
    await ctx.handRests();
    if (stale()) return null;
  }
  // Measured while the hand rested, or being measured now by another job (a point of the
  // sweep): that result answers this one, instead of a second pass of the same work competing
  // with it for the cores.
  const running = memo?.inFlight(memoKey!);
  const other = memo?.get(memoKey!) ?? (running && (await running));
  if (running && stale()) return null;
  if (other) {
    emit(other);
    return other;
  }
  // This job's own pass, tracked so that another job asking for the same request waits for it.
  const pass = (async (): Promise<Evaluation | null> => {
    const remember = (e: Evaluation) => {
      if (summary && e.count === summary.dataset.test.count) memo?.set(memoKey!, e);
    };
    // The model's time is what a new configuration costs: a pass that resumed from cached
    // activations (a configuration met before, or a change to a late layer) does not say it.
    const record = (ms: number, ...parts: Evaluation[]) => {
      if (parts.every((p) => !p.resumedAt)) ctx.fullEvalMs.set(model, ms);
    };
    if (!quickFirst(ctx.fullEvalMs, model, summary)) {
      const full = await evaluate();
      record(full.ms, full);
      remember(full);
      emit(full);
      return full;
    }
    const total = summary?.dataset.test.count ?? 0;
    const half = Math.floor(total / 2);
    if (onSecond && half > QUICK_EVAL_COUNT && splitEval(ctx.fullEvalMs, model, summary)) {
      const t0 = performance.now();
      // Settled into a value: a rejection while the first worker is busy is not unhandled.
      const second = onSecond(undefined, half).then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      );
      const quick = await evaluate(QUICK_EVAL_COUNT);
      // The rest is asked for before the estimate is drawn: the worker goes on meanwhile.
      const asked = stale() ? null : evaluate(half - QUICK_EVAL_COUNT, QUICK_EVAL_COUNT);
      emit(quick);
      if (!asked) return null;
      const firstRest = await asked;
      const first = joinEvaluations(quick, firstRest);
      const settled = await second;
      if ('error' in settled && !cutShort(settled.error)) throw settled.error;
      // Asked of the first worker only now that it is free: requests on one channel supersede
      // the ones queued before them.
      const rest = 'ok' in settled ? settled.ok : await evaluate(undefined, half);
      const work = joinEvaluations(first, rest);
      record(work.ms, quick, firstRest, rest);
      const full: Evaluation = { ...work, ms: performance.now() - t0, workers: 2 };
      remember(full);
      emit(full);
      return full;
    }
    const quick = await evaluate(QUICK_EVAL_COUNT);
    const asked = stale() ? null : evaluate(undefined, QUICK_EVAL_COUNT);
    emit(quick);
    if (!asked) return null;
    const rest = await asked;
    const full = joinEvaluations(quick, rest);
    record(full.ms, quick, rest);
    remember(full);
    // A test set no larger than the estimate was whole already: nothing new to show.
    if (rest.count > 0) emit(full);
    return full;
  })();
  memo?.track(memoKey!, pass);
  return pass;
}

/** Whether the view shows the compressed model (the Quantize and Prune tabs). */
export const inCompressView = (s: Pick<State, 'config'>): boolean =>
  s.config.view === 'quantize' || s.config.view === 'prune';

/** The compressed model's evaluation request: the pipeline's weights and activations. */
export const quantRequest = (c: Config): EvalRequest => ({
  weights: compressSettings(c),
  acts: c.acts.bits > 0 ? c.acts : null,
});

/** A feature's jobs, any result each. */
export type JobList = Job<keyof Results>[];

/** What every feature's jobs share: the two workers, and the views that need their results. */
export interface JobContext {
  readonly client: EngineClient;
  readonly stats: StatsClient;
  /** A second compute worker for long evaluations (quickThenFull). */
  readonly second: SecondWorker;
  /** Last full-test-set evaluation time per model, in ms. */
  readonly fullEvalMs: Map<string, number>;
  /** The whole-test-set evaluations measured this session (evaluationMemo.ts). */
  readonly evaluations: EvaluationMemo;
  /**
   * Resolves at once, or, while the settings change in one quick gesture (a slider dragged, a
   * key held), once they have been left alone for a moment (the controller's GESTURE_MS): an
   * accuracy then waits for the hand to rest instead of taking a core from the page at every
   * step it would not outlive.
   */
  readonly handRests: () => Promise<void>;
  readonly quantRequest: (c: Config) => EvalRequest;
  readonly inQuantView: (s: State) => boolean;
  /** Views that show the compressed model. */
  readonly inCompressView: (s: State) => boolean;
  readonly inPruneView: (s: State) => boolean;
  /** The Train tab with quantization-aware training: its PTQ-vs-QAT chart draws the sweep. */
  readonly inQatView: (s: State) => boolean;
  /** The Train tab with distillation: the teacher's soft targets for a test image. */
  readonly inKdView: (s: State) => boolean;
  readonly layerOf: (s: State, summary: ModelSummary | null) => string | null;
  /** Whether a panel is drawn: a result only a hidden panel shows is not computed. */
  readonly shown: (s: State, panel: Panel) => boolean;
  /** `add` for a feature's list: keeps each job's result type while it is written. */
  collect(list: JobList): <K extends keyof Results>(job: Job<K>) => void;
}

/** A compute worker besides the first, for splitting long evaluations (see app/start.tsx). */
export interface SecondWorker {
  /** Whether the page has a core to spare for it now. */
  available(): boolean;
  /** The worker, started on first use. */
  client(): EngineClient;
  /**
   * Closes the worker if it has calls in flight (their callers get CancelledError and redo their
   * part on the first worker): a cancelled job's step there must not hold it.
   */
  cancel(): void;
  /**
   * Resolves when background work (a sweep's next point) may take a worker: once the settings
   * have been left alone for a moment, so that while a slider moves the instant views and the
   * current accuracy have the cores, and the page is not redrawn for a sweep it is not looking
   * at (see the controller's QUIET_MS). Changes made at or before `since` (the sweep's own start)
   * do not count, except for the `second` worker when the last of them was a step of a series
   * (a drag, held keys: it came before the settings had rested).
   */
  quiet(since?: number, second?: boolean): Promise<void>;
}

export const NO_SECOND_WORKER: SecondWorker = {
  available: () => false,
  client: () => {
    throw new Error('No second compute worker here.');
  },
  cancel: () => undefined,
  quiet: () => Promise.resolve(),
};

/**
 * The compute worker's evaluation of `request` (null: the trained weights) on `config`'s model,
 * as a range function of the worker it runs on: the jobs pass it for the first worker and, through
 * onSecondWorker, for the second.
 */
export const evaluationOn =
  (config: Config, request: EvalRequest | null, channel?: string) =>
  (client: EngineClient): EvaluateRange =>
  (limit, offset) =>
    client.call((api) =>
      api.evaluate(config.dataset, modelArch(config), request, limit, channel, offset),
    );

/** `range` on the second compute worker when it is available, else null (for quickThenFull). */
export function onSecondWorker(
  second: SecondWorker,
  range: (client: EngineClient) => EvaluateRange,
): EvaluateRange | null {
  return second.available() ? (limit, offset) => range(second.client())(limit, offset) : null;
}

export function jobContext(
  client: EngineClient,
  stats: StatsClient,
  second: SecondWorker = NO_SECOND_WORKER,
  evaluations: EvaluationMemo = createEvaluationMemo(),
  handRests: () => Promise<void> = () => Promise.resolve(),
): JobContext {
  return {
    client,
    stats,
    second,
    fullEvalMs: new Map(),
    evaluations,
    handRests,
    quantRequest,
    inQuantView: (s) => s.config.view === 'quantize',
    inCompressView,
    inPruneView: (s) => s.config.view === 'prune',
    inQatView: (s) => s.config.view === 'train' && s.config.train.technique === 'qat',
    inKdView: (s) => s.config.view === 'train' && s.config.train.technique === 'kd',
    layerOf: (s, summary) => effectiveLayer(s.config, summary),
    shown: (s, panel) => isShown(s.config.hide, panel),
    collect: (list) => (job) => list.push(job as unknown as Job<keyof Results>),
  };
}
