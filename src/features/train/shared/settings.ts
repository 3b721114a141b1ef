import { z } from 'zod';
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
  technique: z.enum(TECHNIQUES).default('qat'),
  epochs: z.number().int().min(1).max(MAX_EPOCHS).default(3),
  batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(64),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().min(1e-6).max(1).default(1e-3),
  /** Fine-tuning: when the masks are computed (one-shot, or TFMOT's schedules). */
  schedule: PruneScheduleSchema.default({ kind: 'oneshot' }),
  /** Distillation: the student's hidden layer sizes, the temperature and α. */
  hidden: z
    .array(z.number().int().min(1).max(MAX_HIDDEN_UNITS))
    .min(1)
    .max(MAX_HIDDEN_LAYERS)
    .default([32]),
  temperature: z.number().min(1).max(50).default(4),
  alpha: z.number().min(0).max(1).default(0.9),
  /**
   * Distillation: the test image whose soft targets the Train tab shows (clamped to the test
   * set's size where it is shown: MNIST has 2,000 test images, Fashion-MNIST 10,000).
   */
  kdImage: z.number().int().min(0).max(9999).default(0),
});
export type TrainSettings = z.infer<typeof TrainSettingsSchema>;
