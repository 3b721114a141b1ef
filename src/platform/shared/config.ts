import { guarded, z } from './zod';
import { PANELS } from './panels';
import { ARCH_IDS, DATASET_IDS } from '../../features/model/shared/catalog';
import { MAX_SPARSITY } from './limits';

export { MAX_SPARSITY };
// The compression settings' schemas, which the config composes (the workers import them from
// compressionSchemas.ts directly, without this module's schema).
export * from './compressionSchemas';
import {
  LAYER_NAME,
  MAX_BITS,
  WeightQuantSchema,
  ActQuantSchema,
  PruneSchema,
  ClusterSchema,
  StorageSchema,
} from './compressionSchemas';
// The config is composed from the features' pure schemas (ARCHITECTURE.md: platform/shared).
import { TrainSettingsSchema } from '../../features/train/shared/settings';
import { isTrainedModelId, isUploadedModelId } from '../../features/model/shared/modelId';
import type { TrainedModelId, UploadedModelId } from '../../features/model/shared/modelId';
import type { ArchId } from '../../features/model/shared/catalog';

/**
 * The experiment, in one typed object: the single source of truth. Controls change it, the URL
 * serializes it (see url.ts), the worker computes results from it. Results are a pure function
 * of (config, shipped model, shipped data).
 */
/**
 * The link format's version. v1: the quantization and pruning labs. v2: + the Train tab's
 * settings and trained models (`tt`, `te`, …, `tm`, `trc`); see the migrations in url.ts.
 */
export const CONFIG_VERSION = 3;

/** A lesson id as a link carries it (`les=bits`): lower-case words and hyphens. */
export const LESSON_ID = /^[a-z0-9-]{1,32}$/;

/** Longest recipe a link may carry (a full recipe is ~500 characters of JSON). */
export const MAX_RECIPE_JSON = 1500;

export const VIEWS = ['model', 'quantize', 'prune', 'train', 'tryit', 'history'] as const;
export type View = (typeof VIEWS)[number];

/** A per-layer override: its own bit-width (1..8), or 0 = keep this layer in float32. */
export const OverridesSchema = z._default(
  z.record(z.string().check(z.regex(LAYER_NAME)), z.int().check(z.gte(0), z.lte(MAX_BITS))),
  {},
);
export type Overrides = z.infer<typeof OverridesSchema>;

export const ConfigSchema = z.object({
  dataset: z._default(z.enum(DATASET_IDS), 'mnist'),
  arch: z._default(z.enum(ARCH_IDS), 'mlp'),
  /**
   * A model trained in this browser (kept in IndexedDB), which the labs then work on instead of
   * the shipped `arch`; null = the shipped model. Its weights never travel in the URL.
   */
  trained: z._default(z.nullable(guarded(isTrainedModelId, 'not a trained-model id')), null),
  /**
   * The recipe that made `trained` (JSON, validated where it is used), so that a link to a
   * trained model can be re-run in a browser that does not have it.
   */
  trainedRecipe: z._default(z.nullable(z.string().check(z.maxLength(MAX_RECIPE_JSON))), null),
  /**
   * A model uploaded in this browser (kept in IndexedDB), named by its id (the SHA-256 of its
   * files), which the labs then work on instead of `trained` or `arch`; null = none. Its files
   * never travel in the URL: a receiver needs them.
   */
  uploaded: z._default(z.nullable(guarded(isUploadedModelId, 'not an uploaded-model id')), null),
  view: z._default(z.enum(VIEWS), 'model'),
  /** The layer whose weights are shown in detail; null = the model's first weighted layer. */
  layer: z._default(z.nullable(z.string().check(z.regex(LAYER_NAME))), null),
  /** Histogram resolution. */
  bins: z._default(z.int().check(z.gte(8), z.lte(256)), 64),
  /** Seed for everything random (stochastic rounding, pruning baselines, training). */
  seed: z._default(z.int().check(z.gte(0), z.lte(2 ** 31 - 1)), 1),
  weights: z._default(WeightQuantSchema, WeightQuantSchema.parse({})),
  acts: z._default(ActQuantSchema, ActQuantSchema.parse({})),
  overrides: OverridesSchema,
  prune: z._default(PruneSchema, PruneSchema.parse({})),
  cluster: z._default(ClusterSchema, ClusterSchema.parse({})),
  storage: z._default(StorageSchema, StorageSchema.parse({})),
  /** The Train tab: technique and hyperparameters (the recipe also takes the pipeline's stages). */
  train: z._default(TrainSettingsSchema, TrainSettingsSchema.parse({})),
  /** The lesson being followed (its id), or null. Its text and task are shown above the views. */
  lesson: z._default(z.nullable(z.string().check(z.regex(LESSON_ID))), null),
  /** Panels not drawn (and whose results are not computed): a lesson's focus, or a teacher's. */
  hide: z._default(z.array(z.enum(PANELS)).check(z.maxLength(PANELS.length)), []),
  /** Projector mode: large type and thick lines for a room. */
  projector: z._default(z.boolean(), false),
});

export type Config = z.infer<typeof ConfigSchema>;

export const DEFAULT_CONFIG: Config = Object.freeze(ConfigSchema.parse({}));

/**
 * The part of the config that decides which model is loaded; results computed for one key are
 * never shown for another.
 */
export function modelKey(
  c: Pick<Config, 'dataset' | 'arch'> & { trained?: string | null; uploaded?: string | null },
): string {
  // An uploaded model is evaluated on the dataset picked (if it is shaped for it).
  if (c.uploaded) return `${c.uploaded}@${c.dataset}`;
  return c.trained ?? `${c.dataset}-${c.arch}`;
}

/** A shipped architecture, or a model trained in this browser (its id): what the workers load. */
export type ModelArch = ArchId | TrainedModelId | UploadedModelId;

/** The model the labs work on: the trained one if one is picked, else the shipped `arch`. */
export function modelArch(
  c: Pick<Config, 'arch' | 'trained'> & { uploaded?: UploadedModelId | null },
): ModelArch {
  return c.uploaded ?? c.trained ?? c.arch;
}
