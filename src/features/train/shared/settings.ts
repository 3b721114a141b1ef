import { z } from '../../../platform/shared/zod';
import {
  MAX_BATCH_SIZE,
  MAX_EPOCHS,
  MAX_HIDDEN_LAYERS,
  MAX_HIDDEN_UNITS,
  OPTIMIZERS,
  PruneScheduleSchema,
} from './hyper';

/**
 * The Train tab's settings, part of the config (and so of the URL). A run's recipe is built from
 * them plus the stage of the shared pipeline that the technique trains: fine-tuning takes the
 * pruning stage, QAT the weight and activation quantizers; distillation its own student. So the
 * pipeline strip names what a run will use, and a link carries the recipe, not the weights.
 */

export const TECHNIQUES = ['finetune', 'qat', 'kd'] as const;
export type Technique = (typeof TECHNIQUES)[number];

export const TrainSettingsSchema = z.object({
  technique: z._default(z.enum(TECHNIQUES), 'qat'),
  epochs: z._default(z.int().check(z.gte(1), z.lte(MAX_EPOCHS)), 3),
  batchSize: z._default(z.int().check(z.gte(1), z.lte(MAX_BATCH_SIZE)), 64),
  optimizer: z._default(z.enum(OPTIMIZERS), 'adam'),
  learningRate: z._default(z.number().check(z.gte(1e-6), z.lte(1)), 1e-3),
  /** Fine-tuning: when the masks are computed (one-shot, or TFMOT's schedules). */
  schedule: z._default(PruneScheduleSchema, { kind: 'oneshot' }),
  /** Distillation: the student's hidden layer sizes, the temperature and α. */
  hidden: z._default(
    z
      .array(z.int().check(z.gte(1), z.lte(MAX_HIDDEN_UNITS)))
      .check(z.minLength(1), z.maxLength(MAX_HIDDEN_LAYERS)),
    [32],
  ),
  temperature: z._default(z.number().check(z.gte(1), z.lte(50)), 4),
  alpha: z._default(z.number().check(z.gte(0), z.lte(1)), 0.9),
  /**
   * Distillation: the test image whose soft targets the Train tab shows (clamped to the test
   * set's size where it is shown: MNIST has 2,000 test images, Fashion-MNIST 10,000).
   */
  kdImage: z._default(z.int().check(z.gte(0), z.lte(9999)), 0),
});
export type TrainSettings = z.infer<typeof TrainSettingsSchema>;
