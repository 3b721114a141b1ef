import { z } from 'zod';
import { ARCH_IDS, DATASET_IDS } from './catalog';

/**
 * The experiment, in one typed object: the single source of truth. Controls change it, the URL
 * serializes it (see url.ts), the worker computes results from it. Results are a pure function
 * of (config, shipped model, shipped data).
 */
export const CONFIG_VERSION = 1;

export const LAYER_NAME = /^[A-Za-z0-9_]{1,64}$/;

export const ConfigSchema = z.object({
  dataset: z.enum(DATASET_IDS).default('mnist'),
  arch: z.enum(ARCH_IDS).default('mlp'),
  /** The layer whose weights are shown in detail; null = the model's first weighted layer. */
  layer: z.string().regex(LAYER_NAME).nullable().default(null),
  /** Histogram resolution. */
  bins: z.number().int().min(8).max(256).default(64),
  /** Seed for everything random (stochastic rounding, pruning baselines, training). */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});

export type Config = z.infer<typeof ConfigSchema>;

export const DEFAULT_CONFIG: Config = Object.freeze(ConfigSchema.parse({}));

/**
 * The part of the config that decides which model is loaded; results computed for one key are
 * never shown for another.
 */
export function modelKey(c: Pick<Config, 'dataset' | 'arch'>): string {
  return `${c.dataset}-${c.arch}`;
}
