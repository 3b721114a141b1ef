import { modelKey } from '../shared/config';
import { describePipeline } from '../../features/compress/shared/pipeline';
import type { EngineClient, StatsClient } from '../worker/workers';
import { isCancelled, isWorkerDied } from '../worker/workers';
import type { RestartEvent } from '../worker/client';
import type { ModelSummary } from '../worker/engine';
import { createJobs } from './jobs';
import type { Data, Job } from './jobs';
import type { SecondWorker } from './job';
import { NO_SECOND_WORKER } from './job';
import type { EvaluationMemo } from './evaluationMemo';
import { quantEvaluationKey, reportKey } from './keys';
import type { Actions, Results, State, Store } from './store';

/** The longest an evaluation waits for the instant views of the same change to be drawn. */
export const INSTANT_WAIT_MS = 60;

/**
 * How long the settings must be left alone before a sweep's next point is started on the second
 * compute worker: while a slider moves, the instant views then share the two cores with one
 * evaluation, not two (mnist-cnn, views during a sweep: p50 50 ms on two workers, 35 ms on one).
 * The first worker waits for it too once the settings changed after the sweep started (a
 * slider the sweep does not depend on): the sweep resumes when the hand rests. A sweep started by
 * a change made after such a rest (a click, a tab opened: not a step of a drag or of held keys)
 * takes the second worker at once, as long as nothing changes: mnist-cnn's sweep 2.66–2.94 s with
 * a probe build whose second worker never waited, against 3.03–3.43 s when it waited
 * (bench/app.ts --only sweep, alternating).
 */
export const QUIET_MS = 500;

/**
 * A change made within this many ms of the one before, while that one's accuracy was still being
 * measured, is part of one gesture (a slider dragged, a key held): the accuracy it asks for waits
 * until the settings have been left alone this long (JobContext.handRests). On a two-core laptop
 * the evaluations a drag started at every step, each outlived by the next step, took a core from
 * the page: in e2e/responsive.spec.ts's sparsity drag (mnist-mlp, 40 steps about 60 ms apart),
 * 7 of 52 drags had a main-thread task over 50 ms before, 0 of 26 with this. A step taken after
 * its answer came, a click after a rest, and every instant view are not delayed.
 */
export const GESTURE_MS = 150;

/** The results whose evaluations wait for the hand to rest (they call JobContext.handRests). */
const FOLLOW_THE_HAND: readonly (keyof Results)[] = ['quantEvaluation', 'evaluation'];

/**
 * How long a job the user cancelled may take to end by itself (its current step finishing)
 * before the compute worker is restarted to free it at once.
 */
export const CANCEL_GRACE_MS = 300;

/** A call cut short by a restart: the restart itself is reported, once, not each call. */
const cutShort = (e: unknown) => isCancelled(e) || isWorkerDied(e);

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Resolves once what the store holds now has been drawn: the next frame, then the end of that
 * frame's task. Where there are no frames (Node, tests) it resolves at once.
 */
function afterPaint(): Promise<void> {
  if (typeof requestAnimationFrame !== 'function') return Promise.resolve();
  return new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
}

/**
 * The run controller: watches the config, asks the worker for whatever the current config's
 * results lack, and stores each result under the key it was computed for. A result whose key no
 * longer matches the config is dropped on arrival, and multi-step jobs (sweeps, the sensitivity
 * analysis) stop between steps once stale. Returns an unsubscribe function.
 *
 * When a worker is replaced (it crashed, fell silent, or was restarted to cancel a job), every
 * call pending on it has been rejected: the controller tells the user which worker it was (not
 * for a cancel), and asks again for everything the current state still lacks, so each panel
 * fills again without a click. The workers keep no state the calls do not carry (each call
 * names its dataset, model and settings; models load on first use), so the new worker needs
 * nothing restored but the backend.
 *
 * A job the user cancels (`store.cancelJob`) stops between steps, and is not asked for again
 * while its key stays the same; if its current step has not ended within CANCEL_GRACE_MS, the
 * compute worker is restarted so that the next result need not wait for it (and the second one,
 * if busy, closed).
 */
export function startController(
  store: Store,
  client: EngineClient,
  stats: StatsClient,
  /** A second compute worker for long evaluations (see JobContext.second). */
  second?: Omit<SecondWorker, 'quiet'>,
  /** The evaluations measured this session (a new one if not given). */
  evaluations?: EvaluationMemo,
  /**
   * When to ask the compute worker for its tfjs backend (`init`, which loads its full engine): at
   * once by default. The app asks once the first screen's accuracies are in, which the worker's
   * first-screen engine measures without tfjs (platform/worker/earlyEngine.ts); any call that
   * needs tfjs before that loads it anyway.
   */
  startBackend: (init: () => void) => void = (init) => init(),
): () => void {
  /** When the config last changed: background work on the second worker waits for QUIET_MS. */
  let lastChange = -Infinity;
  /** Whether the last change came after the settings had been left alone for QUIET_MS. */
  let afterRest = true;
  /**
   * Whether the last change is part of a gesture: made within GESTURE_MS of the one before, while
   * an accuracy was still being measured.
   */
  let gesture = false;
  /** Evaluations waiting in handRests now: while there are any, the store says so. */
  let holding = 0;
  const setHeld = (held: boolean) =>
    store.setState((s) => (s.heldForRest === held ? s : { heldForRest: held }));
  /**
   * Resolves once the settings have been left alone for `ms` (at once if they have not changed
   * since `since`).
   */
  const leftAlone = (ms: number, since = -Infinity): Promise<void> =>
    new Promise((resolve) => {
      const check = () => {
        if (lastChange <= since) return resolve();
        const left = lastChange + ms - performance.now();
        if (left <= 0) resolve();
        else setTimeout(check, left);
      };
      check();
    });
  const handRests = async (): Promise<void> => {
    if (!gesture) return;
    if (holding++ === 0) setHeld(true);
    await leftAlone(GESTURE_MS);
    if (--holding === 0) setHeld(false);
  };
  const quiet = (since?: number, second = false): Promise<void> =>
    leftAlone(QUIET_MS, second && !afterRest ? -Infinity : since);
  const jobs = createJobs(
    client,
    stats,
    // Without a second worker, sweeps still pause while a slider moves (SecondWorker.quiet).
    second
      ? {
          available: () => second.available(),
          client: () => second.client(),
          cancel: () => second.cancel(),
          quiet,
        }
      : { ...NO_SECOND_WORKER, quiet },
    evaluations,
    handRests,
  );

  /**
   * Requests in flight, so one config change sends each request once: the key and the run's
   * end (each request a distinct object, so a late end never forgets a newer request).
   */
  const requested = new Map<keyof Results, { key: string; ended: Promise<void> }>();
  let stopped = false;
  /** Instant-lane jobs in flight: the compute worker's jobs wait for them (up to a limit). */
  const instant = new Set<Promise<void>>();
  const instantSettled = () =>
    Promise.race([
      Promise.allSettled([...instant]).then(afterPaint),
      new Promise<void>((r) => setTimeout(r, INSTANT_WAIT_MS)),
    ]);

  /** One store update for all the names (each update re-runs every view's selectors). */
  const setBusy = (names: readonly (keyof Results)[], on: boolean) =>
    store.setState((s) => {
      // No change, no update: each one re-runs every view's selectors.
      if (names.every((name) => s.busy.has(name) === on)) return s;
      const busy = new Set(s.busy);
      for (const name of names) {
        if (on) busy.add(name);
        else busy.delete(name);
      }
      return { busy };
    });

  function currentSummary(s: State): ModelSummary | null {
    return s.summary?.key === modelKey(s.config) ? s.summary.data : null;
  }

  const isCancelledJob = (s: State, name: keyof Results, key: string) => s.cancelled[name] === key;

  /** Starts a job; the caller has marked it busy (see sync). */
  function start(job: Job<keyof Results>, key: string): void {
    const s = store.getState();
    const summary = currentSummary(s);
    const stale = () => {
      const now = store.getState();
      return job.key(now, currentSummary(now)) !== key || isCancelledJob(now, job.name, key);
    };
    const emit = (data: Data<keyof Results>) => {
      if (!stale()) store.setState({ [job.name]: { key, data } } as Partial<State>);
    };
    const ctx = { config: s.config, state: s, summary, emit, stale };
    const run =
      job.lane === 'instant' || instant.size === 0
        ? job.run(ctx)
        : instantSettled().then(() => (stale() ? undefined : job.run(ctx)));
    if (job.lane === 'instant') {
      const done = run.then(
        () => undefined,
        () => undefined,
      );
      instant.add(done);
      void done.then(() => instant.delete(done));
    }
    const request = {
      key,
      ended: run
        .catch((e: unknown) => {
          if (!cutShort(e) && !stale()) store.getState().addNotice('error', message(e));
        })
        .finally(() => {
          // Forget the request once it ends, so a config that comes back is computed again if
          // its result was cut short.
          if (requested.get(job.name) === request) {
            requested.delete(job.name);
            setBusy([job.name], false);
          }
        }),
    };
    requested.set(job.name, request);
  }

  function sync(): void {
    const s = store.getState();
    const summary = currentSummary(s);
    const ordered = [...jobs.filter((j) => j.first?.(s)), ...jobs.filter((j) => !j.first?.(s))];
    const starting: [Job<keyof Results>, string][] = [];
    for (const job of ordered) {
      if (job.name !== 'summary' && !summary) continue; // everything else needs the model
      const key = job.key(s, summary);
      if (key === null || isCancelledJob(s, job.name, key)) continue;
      const have = s[job.name];
      if (have?.key === key && (!job.complete || job.complete(have.data as never, summary)))
        continue;
      if (requested.get(job.name)?.key === key) continue;
      starting.push([job, key]);
    }
    if (starting.length === 0) return;
    setBusy(
      starting.map(([job]) => job.name),
      true,
    );
    for (const [job, key] of starting) start(job, key);
  }

  const initBackend = () =>
    client
      .call((api) => api.init())
      .then((backend) => {
        store.setState({ backend });
        if (backend.note) store.getState().addNotice('warning', backend.note);
      })
      .catch((e: unknown) => {
        if (!cutShort(e)) store.getState().addNotice('error', message(e));
      });
  startBackend(() => {
    if (!stopped) void initBackend();
  });

  /** A worker was replaced: its pending calls have been rejected; ask again for what is missing. */
  const onRestart = (isEngine: boolean) => (e: RestartEvent) => {
    if (stopped) return;
    if (e.cause !== 'cancel') {
      const said = /[.!?]$/.test(e.message) ? e.message : `${e.message}.`;
      store
        .getState()
        .addNotice('error', `${said} It was restarted; its results are being computed again.`);
    }
    if (isEngine) void initBackend();
    // The rejected calls' jobs end in the microtasks that follow: by the next task every request
    // they held is forgotten, and sync asks for it again.
    setTimeout(() => {
      if (!stopped) sync();
    }, 0);
  };
  // (Test doubles of the clients may have no restarts to report.)
  type Restarts = Partial<Pick<EngineClient, 'onRestart'>>;
  const unlisten = [
    (client as Restarts).onRestart?.(onRestart(true)),
    stats === (client as unknown) ? undefined : (stats as Restarts).onRestart?.(onRestart(false)),
  ];

  /** The user cancelled a job: free the compute worker if its current step does not end soon. */
  function cancelRunning(s: State, prev: State): void {
    for (const [name, key] of Object.entries(s.cancelled) as [keyof Results, string][]) {
      if (prev.cancelled[name] === key) continue;
      const request = requested.get(name);
      if (request?.key !== key) continue;
      let timer: ReturnType<typeof setTimeout> | undefined;
      void Promise.race([
        request.ended.then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), CANCEL_GRACE_MS))),
      ]).then((ended) => {
        clearTimeout(timer);
        if (!ended && !stopped && requested.get(name) === request) {
          client.restart(`Cancelled: the ${name} did not stop within ${CANCEL_GRACE_MS} ms.`);
          // A sweep's step may be on the second worker too: closed, if it is busy (a split
          // evaluation it held is redone by the first worker).
          second?.cancel();
        }
      });
    }
  }

  /** Each compressed configuration measured on the full test set joins the session's history. */
  function recordExperiment(s: State & Actions): void {
    const summary = currentSummary(s);
    const q = s.quantEvaluation;
    const r = s.report;
    if (
      !summary ||
      !q ||
      !r ||
      q.key !== quantEvaluationKey(s.config) ||
      r.key !== reportKey(s.config)
    )
      return;
    if (q.data.count !== summary.dataset.test.count) return;
    s.recordExperiment({
      key: `${q.key}|${r.key}`,
      model: summary.id,
      label: describePipeline(s.config),
      accuracy: q.data.accuracy,
      sizeBits: r.data.size.totalBits,
      float32Bits: r.data.size.float32Bits,
    });
  }

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.config !== prev.config) {
      const now = performance.now();
      gesture =
        now - lastChange < GESTURE_MS && FOLLOW_THE_HAND.some((name) => requested.has(name));
      afterRest = now - lastChange >= QUIET_MS;
      lastChange = now;
    }
    if (
      s.config !== prev.config ||
      s.summary !== prev.summary ||
      s.sensitivityRequest !== prev.sensitivityRequest ||
      s.tryit !== prev.tryit ||
      s.fidelityInputs !== prev.fidelityInputs ||
      s.cancelled !== prev.cancelled
    )
      sync();
    if (s.cancelled !== prev.cancelled) cancelRunning(s, prev);
    if (s.quantEvaluation !== prev.quantEvaluation || s.report !== prev.report) recordExperiment(s);
  });
  sync();
  return () => {
    stopped = true;
    unsubscribe();
    for (const u of unlisten) u?.();
  };
}
