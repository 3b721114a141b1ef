import { guarded, z } from '../../../platform/shared/zod';
import { isTrainedModelId } from '../../model';
import { ARCH_IDS, DATASET_IDS } from '../../model';
import {
  ActQuantSchema,
  ConfigSchema,
  PruneSchema,
  WeightQuantSchema,
} from '../../../platform/shared/config';
import {
  MAX_BATCH_SIZE,
  MAX_EPOCHS,
  MAX_HIDDEN_LAYERS,
  MAX_HIDDEN_UNITS,
  OPTIMIZERS,
  PruneScheduleSchema,
} from './hyper';

/** The hyperparameter schemas live in hyper.ts (the config imports them without a cycle). */
export {
  MAX_BATCH_SIZE,
  MAX_EPOCHS,
  MAX_HIDDEN_LAYERS,
  MAX_HIDDEN_UNITS,
  MAX_STEP,
  OPTIMIZERS,
  PruneScheduleSchema,
  type OptimizerId,
  type PruneSchedule,
} from './hyper';

/**
 * Training recipes: the settings of a run (fine-tuning after pruning, quantization-aware
 * training, knowledge distillation). Plain data, validated by zod like the config
 * (src/platform/shared/config.ts), every number bounded, so a recipe can travel in a URL and be re-run:
 * the same recipe, base model and data give the same loss curve on the same backend.
 */

/** Fields every recipe has. */
const common = {
  /** The dataset trained on and tested with. */
  dataset: z._default(z.enum(DATASET_IDS), 'mnist'),
  /** The base model: the one trained from, or the teacher for distillation. */
  arch: z._default(z.enum(ARCH_IDS), 'mlp'),
  /**
   * When the base model is one trained in this browser (e.g. distil → prune → fine-tune): its id;
   * `arch` is then the shipped architecture it came from. null = the shipped `arch` itself.
   */
  base: z._default(z.nullable(guarded(isTrainedModelId, 'not a trained-model id')), null),
  epochs: z._default(z.int().check(z.gte(1), z.lte(MAX_EPOCHS)), 3),
  batchSize: z._default(z.int().check(z.gte(1), z.lte(MAX_BATCH_SIZE)), 64),
  /** Adam (β1 0.9, β2 0.999, ε 1e−7, tfjs's defaults) or SGD with optional momentum. */
  optimizer: z._default(z.enum(OPTIMIZERS), 'adam'),
  learningRate: z._default(z.number().check(z.gte(1e-6), z.lte(1)), 1e-3),
  /** SGD only: heavy-ball momentum (0 = plain SGD, torch's default). */
  momentum: z._default(z.number().check(z.gte(0), z.lte(0.99)), 0),
  /** Seeds the shuffling of the training set and the student's initialization. */
  seed: ConfigSchema.shape.seed,
};

export const FineTuneRecipeSchema = z
  .object({
    kind: z.literal('finetune'),
    ...common,
    /** The pruning lab's settings: method, sparsity, structured/N:M options, per-layer overrides. */
    prune: z._default(PruneSchema, {
      ...PruneSchema.parse({}),
      method: 'magnitude',
      sparsity: 0.9,
    }),
    schedule: z._default(PruneScheduleSchema, { kind: 'oneshot' }),
  })
  .check(
    z.superRefine((r, ctx) => {
      const s = r.schedule;
      if (s.kind !== 'oneshot' && s.endStep !== -1 && s.endStep < s.beginStep) {
        ctx.addIssue({
          code: 'custom',
          path: ['schedule', 'endStep'],
          message: 'endStep must be ≥ beginStep',
        });
      }
      if (s.kind === 'polynomial' && r.prune.method === 'nm') {
        ctx.addIssue({
          code: 'custom',
          path: ['schedule', 'kind'],
          message: 'N:M pruning has a fixed sparsity: use a one-shot or constant schedule',
        });
      }
    }),
  );
export type FineTuneRecipe = z.infer<typeof FineTuneRecipeSchema>;

export const QatRecipeSchema = z.object({
  kind: z.literal('qat'),
  ...common,
  /**
   * The weight quantizer of the quantization lab (bits 1 = binary α·sign(w); 2 + `ternary` =
   * TWN; scheme, symmetric range, granularity, rounding), fake-applied in every forward pass.
   * `int` is the point of QAT; float16/bfloat16/float32 are accepted (float32 = weights left
   * float, e.g. to train activations only); k-means clustering is not a QAT format.
   */
  weights: z._default(
    WeightQuantSchema.check(
      z.refine((w) => w.format !== 'cluster', {
        message: 'k-means clustering cannot be trained with fake quantization',
      }),
    ),
    { ...WeightQuantSchema.parse({}), bits: 4 },
  ),
  /** Activations (bits 0 = float): ranges from calibration, then a moving average in training. */
  acts: z._default(ActQuantSchema, ActQuantSchema.parse({})),
  /**
   * Weights that are exactly 0 in the base model (a pruned model) stay 0: their mask is applied
   * after every update and to the quantized values (binary would map 0 to +α).
   */
  keepSparsity: z._default(z.boolean(), true),
});
export type QatRecipe = z.infer<typeof QatRecipeSchema>;

/** The student of distillation: an MLP of the shape the user chose (784-32-10 by default). */
export const StudentSchema = z.object({
  arch: z.literal('mlp'),
  hidden: z._default(
    z
      .array(z.int().check(z.gte(1), z.lte(MAX_HIDDEN_UNITS)))
      .check(z.minLength(1), z.maxLength(MAX_HIDDEN_LAYERS)),
    [32],
  ),
});
export type Student = z.infer<typeof StudentSchema>;

export const KdRecipeSchema = z.object({
  kind: z.literal('kd'),
  ...common,
  student: z._default(StudentSchema, { arch: 'mlp', hidden: [32] }),
  /** Softmax temperature T of the soft targets (Hinton et al. 2015). */
  temperature: z._default(z.number().check(z.gte(1), z.lte(50)), 4),
  /** Weight α of the distillation term; 1 − α goes to cross-entropy on the labels. */
  alpha: z._default(z.number().check(z.gte(0), z.lte(1)), 0.9),
  /**
   * Also train the same student from scratch on hard labels (same seed and budget) to measure
   * the gain. The caller runs it, as {@link scratchRecipe}: the trainer ignores this field.
   */
  scratch: z._default(z.boolean(), true),
});
export type KdRecipe = z.infer<typeof KdRecipeSchema>;

export const RecipeSchema = z.discriminatedUnion('kind', [
  FineTuneRecipeSchema,
  QatRecipeSchema,
  KdRecipeSchema,
]);
export type Recipe = z.infer<typeof RecipeSchema>;
export type RecipeKind = Recipe['kind'];

/**
 * The baseline of a distillation run: the same student, seed and budget on hard labels only
 * (α = 0, where the loss is exactly the cross-entropy; T = 1 is then irrelevant).
 */
export function scratchRecipe(r: KdRecipe): KdRecipe {
  return { ...r, alpha: 0, temperature: 1, scratch: false };
}

/** Optimizer updates per epoch: the last batch may be smaller. */
export function stepsPerEpoch(trainCount: number, batchSize: number): number {
  return Math.ceil(trainCount / batchSize);
}
