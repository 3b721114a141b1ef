import { z } from '../../../platform/shared/zod';
import { openTrainedStore } from '../store/trainedStore';
import type { TrainedModel, TrainedStore } from '../store/trainedStore';
import type { TrainedModelId } from '../shared/modelId';

/**
 * Kept models as the workers read them (the compute worker builds a tfjs model, the stats worker
 * only reads the weights): straight from IndexedDB, which workers can open too. The recipe is
 * not validated here: the page did that when it kept the model.
 */
let store: Promise<TrainedStore<unknown>> | null = null;

export async function getTrainedRecord(id: TrainedModelId): Promise<TrainedModel<unknown>> {
  store ??= openTrainedStore({ recipeSchema: z.unknown() });
  store.catch(() => (store = null));
  const record = await (await store).get(id);
  if (!record)
    throw new Error(
      `The trained model ${id} is not kept in this browser (trained in another one, or deleted).`,
    );
  return record;
}
