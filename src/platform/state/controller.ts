import { modelKey } from '../shared/config';
import { describePipeline } from '../../features/compress/shared/pipeline';
import type { EngineClient, StatsClient } from '../worker/workers';
import { isCancelled } from '../worker/workers';
import type { ModelSummary } from '../worker/engine';
import { createJobs } from './jobs';
import type { Data, Job } from './jobs';
import { quantEvaluationKey, reportKey } from './keys';
import type { Actions, Results, State, Store } from './store';

/** The longest an evaluation waits for the instant views of the same change to be drawn. */
export const INSTANT_WAIT_MS = 60;

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
 */
export function startController(
  store: Store,
  client: EngineClient,
  stats: StatsClient,
): () => void {
  const jobs = createJobs(client, stats);

  /** Keys already asked for, so one config change sends each request once. */
  const requested = new Map<keyof Results, string>();
  /** Instant-lane jobs in flight: the compute worker's jobs wait for them (up to a limit). */
  const instant = new Set<Promise<void>>();
  const instantSettled = () =>
    Promise.race([
      Promise.allSettled([...instant]).then(afterPaint),
      new Promise<void>((r) => setTimeout(r, INSTANT_WAIT_MS)),
    ]);

  const setBusy = (name: keyof Results, on: boolean) =>
    store.setState((s) => {
      const busy = new Set(s.busy);
      if (on) busy.add(name);
      else busy.delete(name);
      return { busy };
    });

  function currentSummary(s: State): ModelSummary | null {
    return s.summary?.key === modelKey(s.config) ? s.summary.data : null;
  }

  function start(job: Job<keyof Results>, key: string): void {
    const s = store.getState();
    const summary = currentSummary(s);
    requested.set(job.name, key);
    const stale = () => job.key(store.getState(), currentSummary(store.getState())) !== key;
    const emit = (data: Data<keyof Results>) => {
      if (!stale()) store.setState({ [job.name]: { key, data } } as Partial<State>);
    };
    setBusy(job.name, true);
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
    run
      .catch((e: unknown) => {
        if (!isCancelled(e) && !stale()) store.getState().addNotice('error', message(e));
      })
      .finally(() => {
        // Forget the request once it ends, so a config that comes back is computed again if its
        // result was cut short.
        if (requested.get(job.name) === key) {
          requested.delete(job.name);
          setBusy(job.name, false);
        }
      });
  }

  function sync(): void {
    const s = store.getState();
    const summary = currentSummary(s);
    const ordered = [...jobs.filter((j) => j.first?.(s)), ...jobs.filter((j) => !j.first?.(s))];
    for (const job of ordered) {
      if (job.name !== 'summary' && !summary) continue; // everything else needs the model
      const key = job.key(s, summary);
      if (key === null) continue;
      const have = s[job.name];
      if (have?.key === key && (!job.complete || job.complete(have.data as never, summary)))
        continue;
      if (requested.get(job.name) === key) continue;
      start(job, key);
    }
  }

  client
    .call((api) => api.init())
    .then((backend) => {
      store.setState({ backend });
      if (backend.note) store.getState().addNotice('warning', backend.note);
    })
    .catch((e: unknown) => store.getState().addNotice('error', message(e)));

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
    if (
      s.config !== prev.config ||
      s.summary !== prev.summary ||
      s.sensitivityRequest !== prev.sensitivityRequest ||
      s.tryit !== prev.tryit
    )
      sync();
    if (s.quantEvaluation !== prev.quantEvaluation || s.report !== prev.report) recordExperiment(s);
  });
  sync();
  return unsubscribe;
}
