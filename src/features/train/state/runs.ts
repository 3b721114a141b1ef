import { create } from 'zustand';
import { isCancelled } from '../../../platform/worker/client';
import type { RunCallbacks, RunHandle } from '../../../platform/worker/runClient';
import { newTrainedModelId } from '../../model';
import type { TrainedModelId } from '../../model';
import { toStoredBuffer } from '../../model/store';
import type { TrainedModel, TrainedStore } from '../../model/store';
import type { TrainProgress } from '../shared/progress';
import { scratchRecipe } from '../shared/recipe';
import type { Recipe } from '../shared/recipe';
import type { TrainProduct } from '../worker/trainer';
import { runModelName } from './runName';

/**
 * Training runs: started by the user, streamed, stoppable and cancellable, one at a time (the
 * rest queued). A run is not a result: it is not keyed by the config and nothing in the config
 * can drop it; it keeps its own copy of the recipe it was started with, and its product (the
 * trained model) goes to the trained-model store under an id of its own, where it outlives any
 * later setting change and a reload.
 */

export type RunStatus = 'queued' | 'running' | 'done' | 'stopped' | 'cancelled' | 'failed';

export interface Run {
  readonly id: string;
  /** Counts runs in this browser, across reloads: "run 3". */
  readonly number: number;
  /** The name its model is kept under, e.g. "MNIST MLP · QAT 2-bit · run 3". */
  readonly name: string;
  readonly recipe: Recipe;
  readonly status: RunStatus;
  /** Every progress record received so far, step 0 first (appended in batches). */
  readonly progress: readonly TrainProgress[];
  /** Why it failed; null otherwise. */
  readonly error: string | null;
  /** The kept model, once done or stopped; null before, and for a scratch baseline. */
  readonly productId: TrainedModelId | null;
  /** The product's accuracy on the full test set. */
  readonly testAccuracy: number | null;
  /** A distillation's scratch baseline: the id of the run it is measured against. */
  readonly baselineOf: string | null;
  readonly stopRequested: boolean;
  /** Milliseconds since the epoch. */
  readonly queuedAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
}

export interface RunsState {
  readonly runs: Readonly<Record<string, Run>>;
  /** Run ids, oldest first. */
  readonly order: readonly string[];
}

export interface RunsActions {
  /**
   * Queues a run of `recipe`; returns its id. A distillation with `scratch` also queues its
   * baseline: the same student, seed and budget on hard labels only.
   */
  startRun: (recipe: Recipe) => string;
  /** Ends the run at its next step, keeping the model as it is. */
  stopRun: (id: string) => void;
  /** Ends the run (and its baseline) at once, discarding it; resolves once the worker is free. */
  cancelRun: (id: string) => Promise<void>;
}

export const initialRunsState: RunsState = { runs: {}, order: [] };

/** What the runs need: a way to start them in the worker, and a place to keep their models. */
export interface RunsDeps {
  readonly client: {
    start(recipe: Recipe, callbacks: RunCallbacks<TrainProgress>): RunHandle<TrainProduct>;
  };
  readonly trained:
    | Pick<TrainedStore<Recipe>, 'put' | 'nextRunNumber'>
    | Promise<Pick<TrainedStore<Recipe>, 'put' | 'nextRunNumber'>>;
  /** Progress reaches the store at most this often (ms; default 200). */
  readonly flushMs?: number;
  readonly now?: () => number;
  /** A model was kept (and older ones deleted to stay in bound): the picker's cue to refresh. */
  readonly onModelKept?: (id: TrainedModelId, evicted: readonly TrainedModelId[]) => void;
}

export type RunsStore = ReturnType<typeof createRunsStore>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isLive = (r: Run) => r.status === 'queued' || r.status === 'running';

function toTrainedModel(run: Run, product: TrainProduct, createdAt: number): TrainedModel<Recipe> {
  return {
    id: newTrainedModelId(),
    name: run.name,
    runNumber: run.number,
    recipe: run.recipe,
    createdAt,
    dataset: run.recipe.dataset,
    arch: product.arch,
    testAccuracy: product.testAccuracy,
    initialTestAccuracy: product.initialTestAccuracy,
    stopped: product.stopped,
    sparsity: product.sparsity,
    quantizedWith: product.quantizedWith,
    actQuant: product.actQuant,
    layers: product.layers.map((l) => ({
      name: l.name,
      className: l.className,
      kernelShape: l.kernelShape,
      kernel: toStoredBuffer(l.kernel),
      bias: l.bias ? toStoredBuffer(l.bias) : null,
    })),
  };
}

export function createRunsStore(deps: RunsDeps) {
  const flushMs = deps.flushMs ?? 200;
  const now = deps.now ?? (() => Date.now());
  const handles = new Map<string, RunHandle<TrainProduct>>();
  /** Progress received but not yet in the store: one `set` per `flushMs`, not one per delta. */
  const buffered = new Map<string, TrainProgress[]>();
  let flushTimer: ReturnType<typeof setTimeout> | null = null;

  // Run numbers go on from the models kept by earlier visits.
  let nextNumber = 1;
  void Promise.resolve(deps.trained)
    .then((t) => t.nextRunNumber())
    .then((n) => (nextNumber = Math.max(nextNumber, n)))
    .catch(() => undefined);

  return create<RunsState & RunsActions>()((set, get) => {
    const patch = (id: string, p: Partial<Run>) =>
      set((s) => {
        const run = s.runs[id];
        return run ? { runs: { ...s.runs, [id]: { ...run, ...p } } } : {};
      });

    function flush(): void {
      if (flushTimer !== null) clearTimeout(flushTimer);
      flushTimer = null;
      if (buffered.size === 0) return;
      const batch = [...buffered];
      buffered.clear();
      set((s) => {
        const runs = { ...s.runs };
        for (const [id, points] of batch) {
          const run = runs[id];
          if (run) runs[id] = { ...run, progress: [...run.progress, ...points] };
        }
        return { runs };
      });
    }

    function receive(id: string, delta: readonly TrainProgress[]): void {
      const points = buffered.get(id);
      if (points) points.push(...delta);
      else buffered.set(id, [...delta]);
      flushTimer ??= setTimeout(flush, flushMs);
    }

    async function finish(id: string, product: TrainProduct): Promise<void> {
      flush();
      const run = get().runs[id];
      if (!run) return;
      const ended = {
        status: product.stopped ? ('stopped' as const) : ('done' as const),
        testAccuracy: product.testAccuracy,
        endedAt: now(),
      };
      // A baseline is a measurement: its curve is what counts, its model is not kept.
      if (run.baselineOf !== null) return patch(id, ended);
      try {
        const model = toTrainedModel(run, product, ended.endedAt);
        const { evicted } = await (await deps.trained).put(model);
        patch(id, { ...ended, productId: model.id });
        deps.onModelKept?.(model.id, evicted);
      } catch (e) {
        patch(id, {
          ...ended,
          status: 'failed',
          error: `The model was trained but could not be kept: ${message(e)}`,
        });
      }
    }

    function fail(id: string, e: unknown): void {
      flush();
      patch(
        id,
        isCancelled(e)
          ? { status: 'cancelled', endedAt: now() }
          : { status: 'failed', error: message(e), endedAt: now() },
      );
    }

    function enqueue(recipe: Recipe, baselineOf: string | null): string {
      const number = nextNumber++;
      let id = '';
      const handle = deps.client.start(recipe, {
        onStart: () => patch(id, { status: 'running', startedAt: now() }),
        onProgress: (delta) => receive(id, delta),
      });
      id = handle.id;
      handles.set(id, handle);
      const run: Run = {
        id,
        number,
        name: runModelName(recipe, number),
        recipe,
        status: 'queued',
        progress: [],
        error: null,
        productId: null,
        testAccuracy: null,
        baselineOf,
        stopRequested: false,
        queuedAt: now(),
        startedAt: null,
        endedAt: null,
      };
      set((s) => ({ runs: { ...s.runs, [id]: run }, order: [...s.order, id] }));
      handle.result
        .then(
          (product) => finish(id, product),
          (e: unknown) => fail(id, e),
        )
        .finally(() => handles.delete(id));
      return id;
    }

    return {
      ...initialRunsState,

      startRun: (recipe) => {
        const id = enqueue(recipe, null);
        if (recipe.kind === 'kd' && recipe.scratch && recipe.alpha > 0)
          enqueue(scratchRecipe(recipe), id);
        return id;
      },

      stopRun: (id) => {
        const run = get().runs[id];
        if (!run || !isLive(run)) return;
        patch(id, { stopRequested: true });
        handles.get(id)?.stop();
      },

      cancelRun: async (id) => {
        const ids = Object.values(get().runs)
          .filter((r) => isLive(r) && (r.id === id || r.baselineOf === id))
          .map((r) => r.id);
        await Promise.all(ids.map((i) => handles.get(i)?.cancel()));
      },
    };
  });
}
