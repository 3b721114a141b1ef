import { create } from 'zustand';
import { RecipeSchema } from '../../train';
import type { Recipe } from '../../train';
import { useStore } from '../../../platform/state/store';
import { openTrainedStore } from '../store/trainedStore';
import type { TrainedModelInfo } from '../store/trainedStore';

/**
 * The app's trained-model store (IndexedDB) and the list the model picker shows, refreshed at
 * start and whenever a run keeps a model. A link that names a model this browser does not have
 * (trained elsewhere, or deleted) falls back to the shipped model, with a notice.
 */
export const trainedStore = openTrainedStore({ recipeSchema: RecipeSchema });

export interface TrainedListState {
  readonly models: readonly TrainedModelInfo<Recipe>[];
  readonly loaded: boolean;
  /** A link named a trained model this browser does not have; its recipe, to re-run. */
  readonly missing: Recipe | null;
  refresh: () => Promise<void>;
  dismissMissing: () => void;
}

export const useTrainedList = create<TrainedListState>()((set) => ({
  models: [],
  loaded: false,
  missing: null,
  dismissMissing: () => set({ missing: null }),
  refresh: async () => {
    let models: readonly TrainedModelInfo<Recipe>[] = [];
    try {
      const list = await (await trainedStore).list();
      models = list.models;
      for (const p of list.problems)
        useStore.getState().addNotice('warning', `A kept model could not be read: ${p.problem}`);
    } catch (e) {
      useStore
        .getState()
        .addNotice(
          'warning',
          `Trained models cannot be kept in this browser (IndexedDB): ${e instanceof Error ? e.message : String(e)}`,
        );
    }
    set({ models, loaded: true });
    reconcile(models);
  },
}));

/** A recipe from a link, validated; null if there is none or it is not one. */
export function parseRecipe(json: string | null): Recipe | null {
  if (json === null) return null;
  try {
    const r = RecipeSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The config names a trained model: make sure it is here, and use its dataset and base arch. */
function reconcile(models: readonly TrainedModelInfo<Recipe>[]): void {
  const { config, pickTrainedModel, addNotice } = useStore.getState();
  if (config.trained === null) return;
  const m = models.find((x) => x.id === config.trained);
  if (!m) {
    const recipe = parseRecipe(config.trainedRecipe);
    if (recipe) useTrainedList.setState({ missing: recipe });
    else
      addNotice(
        'warning',
        'The link names a model trained in another browser (or deleted here), without its recipe: showing the shipped model.',
      );
    pickTrainedModel(null, config.dataset, config.arch);
  } else if (m.dataset !== config.dataset || m.arch.kind !== config.arch) {
    pickTrainedModel(m.id, m.dataset, m.arch.kind, JSON.stringify(m.recipe));
  }
}
