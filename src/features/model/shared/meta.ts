import { z } from 'zod';

/**
 * Schemas of the JSON files that ship beside the data and the models (written by
 * scripts/build-data.ts and scripts/train-models.ts). They are validated when loaded: a file
 * edited by hand or half-written gives a clear message, not a crash three calls later.
 */

export const DatasetMetaSchema = z.object({
  id: z.string(),
  name: z.string(),
  classes: z.array(z.string()).length(10),
  imageShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  train: z.object({ count: z.number().int().nonnegative() }),
  test: z.object({ count: z.number().int().positive() }),
  source: z.string(),
  license: z.string(),
  split: z.string(),
});
export type DatasetMeta = z.infer<typeof DatasetMetaSchema>;

export const ModelMetaSchema = z.object({
  id: z.string(),
  dataset: z.string(),
  arch: z.string(),
  name: z.string(),
  description: z.string().optional(),
  /** Fraction in [0, 1], measured by the training script on the shipped test set. */
  testAccuracy: z.number().min(0).max(1),
  testCount: z.number().int().positive(),
  params: z.number().int().positive(),
  preprocess: z.string().optional(),
  training: z.record(z.string(), z.unknown()),
  tfjsVersion: z.string().optional(),
  createdAt: z.string().optional(),
});
export type ModelMeta = z.infer<typeof ModelMetaSchema>;

/** One layer that holds weights, as the app describes it. */
export interface LayerInfo {
  readonly name: string;
  /** Keras class name, e.g. 'Dense' or 'Conv2D': layer kinds come from here, never from names. */
  readonly className: string;
  readonly kernelShape: readonly number[];
  readonly biasShape: readonly number[] | null;
  readonly params: number;
  /** Number of output channels (Dense units or Conv2D filters): the last kernel axis. */
  readonly outChannels: number;
  /** Output shape without the batch axis, e.g. [24, 24, 16] for a Conv2D. */
  readonly outputShape: readonly number[];
}
