import type { ActQuant, Prune, WeightQuant } from '../../../platform/shared/config';
import type { ArchId, DatasetId } from '../../model';
import { RecipeSchema } from './recipe';
import type { Recipe } from './recipe';
import type { TrainSettings } from './settings';
import type { TrainedModelId } from '../../model';

export interface RecipeSource {
  readonly dataset: DatasetId;
  readonly arch: ArchId;
  /** A model trained in this browser that the labs work on (the run starts from it). */
  readonly trained: TrainedModelId | null;
  /** A model uploaded in this browser that the labs work on: not trainable (see below). */
  readonly uploaded?: string | null;
  readonly seed: number;
  readonly prune: Prune;
  readonly weights: WeightQuant;
  readonly acts: ActQuant;
  readonly train: TrainSettings;
}

export type RecipeResult = { ok: true; recipe: Recipe } | { ok: false; problem: string };

/** Why an uploaded model is not trained (shown in place of the recipe). */
export const UPLOADED_NOT_TRAINED =
  'Training runs on the shipped models and models trained here, not on an upload: a run saves its model as the shipped MLP or CNN it started from, which an upload’s layers need not be. Pick a shipped model to train; the Quantize and Prune & cluster tabs work on the upload.';

/**
 * The recipe a Start would run now, or why none can: fine-tuning needs a pruning method, QAT an
 * integer or 16-bit weight format (k-means is not trained with fake quantization); an uploaded
 * model is not trained at all (the trainer and the trained-model store rebuild the shipped
 * architectures only).
 */
export function recipeFromConfig(c: RecipeSource): RecipeResult {
  if (c.uploaded) return { ok: false, problem: UPLOADED_NOT_TRAINED };
  const t = c.train;
  const common = {
    dataset: c.dataset,
    arch: c.arch,
    base: c.trained,
    epochs: t.epochs,
    batchSize: t.batchSize,
    optimizer: t.optimizer,
    learningRate: t.learningRate,
    seed: c.seed,
  };
  let candidate: unknown;
  switch (t.technique) {
    case 'finetune':
      if (c.prune.method === 'none')
        return {
          ok: false,
          problem: 'Choose a pruning method (pipeline stage 1) to fine-tune the pruned model.',
        };
      candidate = { kind: 'finetune', ...common, prune: c.prune, schedule: t.schedule };
      break;
    case 'qat':
      if (c.weights.format === 'cluster')
        return {
          ok: false,
          problem:
            'k-means clustering is not trained with fake quantization: choose an integer weight format.',
        };
      candidate = { kind: 'qat', ...common, weights: c.weights, acts: c.acts };
      break;
    case 'kd':
      candidate = {
        kind: 'kd',
        ...common,
        student: { arch: 'mlp', hidden: t.hidden },
        temperature: t.temperature,
        alpha: t.alpha,
        scratch: true,
      };
      break;
  }
  const parsed = RecipeSchema.safeParse(candidate);
  return parsed.success
    ? { ok: true, recipe: parsed.data }
    : { ok: false, problem: parsed.error.issues.map((i) => i.message).join('; ') };
}
