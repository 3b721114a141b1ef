import { z } from '../../../platform/shared/zod';

/**
 * Schemas of the JSON files that ship beside the data and the models (written by
 * scripts/build-data.ts and scripts/train-models.ts). They are validated when loaded: a file
 * edited by hand or half-written gives a clear message, not a crash three calls later.
 */

export const DatasetMetaSchema = z.object({
  id: z.string(),
  name: z.string(),
  classes: z.array(z.string()).check(z.length(10)),
  imageShape: z.tuple([z.int(), z.int(), z.int()]),
  train: z.object({ count: z.int().check(z.nonnegative()) }),
  test: z.object({ count: z.int().check(z.positive()) }),
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
  description: z.optional(z.string()),
  /** Fraction in [0, 1], measured by the training script on the shipped test set. */
  testAccuracy: z.number().check(z.gte(0), z.lte(1)),
  testCount: z.int().check(z.positive()),
  params: z.int().check(z.positive()),
  preprocess: z.optional(z.string()),
  training: z.record(z.string(), z.unknown()),
  tfjsVersion: z.optional(z.string()),
  createdAt: z.optional(z.string()),
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
