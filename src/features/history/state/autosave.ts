import type { Store } from '../../../platform/state/store';
import { dueAt, measurementDraft, runDraft, runToSave, settle, SETTLE_MS } from './drafts';
import type { Draft, Pending, RunLike, TrainedLike } from './drafts';

/**
 * The autosave: watches the app store and the training runs, and hands each finished
 * measurement and run to the history as a draft (the history dedupes and stores it).
 *
 * Measurements: a config is saved once its compressed model's full-test-set accuracy and true
 * size are in and it has stayed the config for {@link SETTLE_MS} — a slider drag measures many
 * configs and saves none of those it passes through. Runs: once done or stopped with a kept
 * model (a distillation's scratch baseline keeps none and is not saved).
 */

/** The runs store, as far as the autosave reads it (features/train/state `useRuns`). */
export interface RunsSource {
  getState(): { readonly runs: Readonly<Record<string, RunLike>> };
  subscribe(
    listener: (s: { readonly runs: Readonly<Record<string, RunLike>> }) => void,
  ): () => void;
}

export interface AutosaveDeps {
  readonly store: Store;
  /** Stores a draft (dedupes, reports failures); see historyState.ts. */
  readonly save: (draft: Draft) => Promise<unknown>;
  readonly runs?: RunsSource;
  /** A kept model with its layers, or null if it is gone. */
  readonly getTrainedModel?: (id: string) => Promise<TrainedLike | null>;
  readonly settleMs?: number;
  readonly now?: () => number;
}

export function startAutosave(deps: AutosaveDeps): () => void {
  const { store, save } = deps;
  const settleMs = deps.settleMs ?? SETTLE_MS;
  const now = deps.now ?? (() => Date.now());

  /* Measurements. */
  let pending: Pending | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // The draft of the last inputs it was built from: most store changes (busy flags, other
  // results) leave them as they were.
  let memo: { inputs: readonly unknown[]; draft: Draft | null } | null = null;

  const currentDraft = (): Draft | null => {
    const s = store.getState();
    const inputs = [s.config, s.summary, s.quantEvaluation, s.report, s.evaluation];
    if (!memo || inputs.some((x, i) => x !== memo!.inputs[i]))
      memo = { inputs, draft: measurementDraft(s) };
    return memo.draft;
  };

  const fire = () => {
    timer = null;
    const draft = currentDraft();
    if (!pending || !draft || draft.key !== pending.key) return;
    pending = { ...pending, saved: true };
    void save(draft);
  };

  const check = () => {
    const next = settle(pending, currentDraft()?.key ?? null, now());
    if (next === pending) return;
    pending = next;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const due = dueAt(pending, settleMs);
    if (due !== null) timer = setTimeout(fire, Math.max(0, due - now()));
  };

  /* Runs: test-set sizes by dataset, learned from the models described (a run reports a fraction). */
  const testCounts = new Map<string, number>();
  const waiting = new Map<string, ((n: number) => void)[]>();
  const learnCount = () => {
    const summary = store.getState().summary?.data;
    if (!summary) return;
    const id = summary.dataset.id;
    const n = summary.dataset.test.count;
    if (testCounts.get(id) === n) return;
    testCounts.set(id, n);
    for (const resolve of waiting.get(id) ?? []) resolve(n);
    waiting.delete(id);
  };
  const testCount = (dataset: string): Promise<number> => {
    const n = testCounts.get(dataset);
    if (n !== undefined) return Promise.resolve(n);
    return new Promise((resolve) =>
      waiting.set(dataset, [...(waiting.get(dataset) ?? []), resolve]),
    );
  };

  const unsubscribe = store.subscribe(() => {
    learnCount();
    check();
  });
  learnCount();
  check();

  const handled = new Set<string>();
  const saveRun = async (run: RunLike) => {
    const model = await deps.getTrainedModel!(run.productId!).catch(() => null);
    // Gone already (evicted, or deleted in another tab): nothing to describe.
    if (!model) return;
    const total = await testCount(model.dataset);
    await save(runDraft(run, model, total, store.getState().config));
  };
  const checkRuns = () => {
    const runs = deps.runs?.getState().runs ?? {};
    for (const run of Object.values(runs)) {
      if (handled.has(run.id) || !runToSave(run)) continue;
      handled.add(run.id);
      void saveRun(run);
    }
  };
  const unsubscribeRuns =
    deps.runs && deps.getTrainedModel ? deps.runs.subscribe(checkRuns) : () => undefined;
  if (deps.runs && deps.getTrainedModel) checkRuns();

  return () => {
    unsubscribe();
    unsubscribeRuns();
    if (timer !== null) clearTimeout(timer);
  };
}
