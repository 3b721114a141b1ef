import { z } from 'zod';
import { PANELS } from './panels';
import { ARCH_IDS, DATASET_IDS } from '../../features/model/shared/catalog';
import { MAX_SPARSITY } from './limits';

export { MAX_SPARSITY };
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

export const LAYER_NAME = /^[A-Za-z0-9_]{1,64}$/;

export const VIEWS = ['model', 'quantize', 'prune', 'train', 'tryit', 'history'] as const;
export type View = (typeof VIEWS)[number];

/**
 * How the (possibly pruned) weights are stored: `float32` leaves them alone; `int` is uniform
 * integer quantization at `bits` (1 bit = binary α·sign(w); 2 bits may be ternary, TWN);
 * `cluster` is k-means weight sharing (Deep Compression, TFMOT `cluster_weights`); the 16-bit
 * floats are reference points.
 */
export const WEIGHT_FORMATS = ['float32', 'int', 'cluster', 'float16', 'bfloat16'] as const;
export const SCHEMES = ['symmetric', 'affine'] as const;
/**
 * Signed range of symmetric quantization: `restricted` −(2^(b−1)−1)…2^(b−1)−1 with scale
 * max|w|/(2^(b−1)−1) (TFLite int8 weights, −127…127), or `full` −2^(b−1)…2^(b−1)−1 with scale
 * max|w|/(2^(b−1)−½) (torch's default qint8 observer, −128…127). See core/quant/qparams.ts.
 */
export const SYM_RANGES = ['restricted', 'full'] as const;
export const GRANULARITIES = ['tensor', 'channel'] as const;
export const ROUNDINGS = ['nearest', 'stochastic'] as const;
/** Activation range estimators, named after torch.ao observers. */
export const OBSERVERS = ['minmax', 'movingAverageMinMax', 'percentile', 'mse'] as const;

export const MIN_BITS = 1;
export const MAX_BITS = 8;

export const WeightQuantSchema = z.object({
  format: z.enum(WEIGHT_FORMATS).default('int'),
  bits: z.number().int().min(MIN_BITS).max(MAX_BITS).default(8),
  scheme: z.enum(SCHEMES).default('symmetric'),
  /** Only for the symmetric scheme; `restricted` is what links without the field meant. */
  symRange: z.enum(SYM_RANGES).default('restricted'),
  granularity: z.enum(GRANULARITIES).default('tensor'),
  rounding: z.enum(ROUNDINGS).default('nearest'),
  /** At 2 bits: ternary weights {−α, 0, +α} with threshold 0.7·mean|w| (TWN) instead of uniform. */
  ternary: z.boolean().default(false),
});
export type WeightQuant = z.infer<typeof WeightQuantSchema>;

export const ActQuantSchema = z.object({
  /** 0 = activations stay float32. */
  bits: z.number().int().min(0).max(MAX_BITS).default(0),
  scheme: z.enum(SCHEMES).default('affine'),
  /** Only for the symmetric scheme, as for weights. */
  symRange: z.enum(SYM_RANGES).default('restricted'),
  observer: z.enum(OBSERVERS).default('minmax'),
  /** For the percentile observer, in percent. */
  percentile: z.number().min(90).max(100).default(99.99),
  /** Training images the calibration pass runs over. */
  calibration: z.number().int().min(32).max(4096).default(512),
});
export type ActQuant = z.infer<typeof ActQuantSchema>;

/** A per-layer override: its own bit-width (1..8), or 0 = keep this layer in float32. */
export const OverridesSchema = z
  .record(z.string().regex(LAYER_NAME), z.number().int().min(0).max(MAX_BITS))
  .default({});
export type Overrides = z.infer<typeof OverridesSchema>;

export const PRUNE_METHODS = ['none', 'magnitude', 'global', 'structured', 'nm', 'random'] as const;
export type PruneMethodId = (typeof PRUNE_METHODS)[number];
export const NM_PATTERNS = ['2:4', '1:4', '4:8'] as const;
export const NORMS = ['l1', 'l2'] as const;
/**
 * Structured pruning, the bias of a removed unit: `remove` it with the unit (the unit outputs 0,
 * so the next layer's inputs from it go too: the network really shrinks), or `keep` it as torch's
 * ln_structured does (only the weights are zeroed; the unit still outputs the constant act(b)).
 */
export const STRUCTURED_BIAS = ['remove', 'keep'] as const;

/** Pruning override of one layer: −1 = leave it dense, else its own sparsity in [0, 0.999]. */
export const SKIP_LAYER = -1;

export const PruneSchema = z.object({
  method: z.enum(PRUNE_METHODS).default('none'),
  /** Fraction of weights removed, in [0, 0.999] (ignored by N:M, whose pattern fixes it). */
  sparsity: z.number().min(0).max(MAX_SPARSITY).default(0.5),
  /** Ranking norm of structured pruning (torch `ln_structured` n = 1 or 2). */
  norm: z.enum(NORMS).default('l2'),
  /** Structured only: the bias of removed units. `remove` is what links without the field meant. */
  structuredBias: z.enum(STRUCTURED_BIAS).default('remove'),
  pattern: z.enum(NM_PATTERNS).default('2:4'),
  overrides: z
    .record(z.string().regex(LAYER_NAME), z.number().min(SKIP_LAYER).max(MAX_SPARSITY))
    .default({}),
});
export type Prune = z.infer<typeof PruneSchema>;

export const CLUSTER_INITS = ['kmeans++', 'linear'] as const;
export const ClusterSchema = z.object({
  /** Number of shared values per layer. */
  k: z.number().int().min(2).max(256).default(32),
  init: z.enum(CLUSTER_INITS).default('kmeans++'),
});
export type Cluster = z.infer<typeof ClusterSchema>;

/**
 * Storage of sparse layers: `dense` stores every code, `bitmask` one bit per weight plus the
 * kept codes, `csr` relative indices as in Deep Compression; `auto` takes the smallest per layer.
 */
export const SPARSE_FORMATS = ['auto', 'dense', 'bitmask', 'csr'] as const;
export const StorageSchema = z.object({
  format: z.enum(SPARSE_FORMATS).default('auto'),
  /** Relative-index width; 0 = Deep Compression's choice (5 bits for Dense, 8 for Conv2D). */
  indexBits: z.number().int().min(0).max(16).default(0),
  /** Huffman-code the weight codes and the relative indices (real code lengths). */
  huffman: z.boolean().default(false),
});
export type Storage = z.infer<typeof StorageSchema>;

export const ConfigSchema = z.object({
  dataset: z.enum(DATASET_IDS).default('mnist'),
  arch: z.enum(ARCH_IDS).default('mlp'),
  /**
   * A model trained in this browser (kept in IndexedDB), which the labs then work on instead of
   * the shipped `arch`; null = the shipped model. Its weights never travel in the URL.
   */
  trained: z.string().refine(isTrainedModelId, 'not a trained-model id').nullable().default(null),
  /**
   * The recipe that made `trained` (JSON, validated where it is used), so that a link to a
   * trained model can be re-run in a browser that does not have it.
   */
  trainedRecipe: z.string().max(MAX_RECIPE_JSON).nullable().default(null),
  /**
   * A model uploaded in this browser (kept in IndexedDB), named by its id (the SHA-256 of its
   * files), which the labs then work on instead of `trained` or `arch`; null = none. Its files
   * never travel in the URL: a receiver needs them.
   */
  uploaded: z
    .string()
    .refine(isUploadedModelId, 'not an uploaded-model id')
    .nullable()
    .default(null),
  view: z.enum(VIEWS).default('model'),
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
  weights: WeightQuantSchema.default(WeightQuantSchema.parse({})),
  acts: ActQuantSchema.default(ActQuantSchema.parse({})),
  overrides: OverridesSchema,
  prune: PruneSchema.default(PruneSchema.parse({})),
  cluster: ClusterSchema.default(ClusterSchema.parse({})),
  storage: StorageSchema.default(StorageSchema.parse({})),
  /** The Train tab: technique and hyperparameters (the recipe also takes the pipeline's stages). */
  train: TrainSettingsSchema.default(TrainSettingsSchema.parse({})),
  /** The lesson being followed (its id), or null. Its text and task are shown above the views. */
  lesson: z.string().regex(LESSON_ID).nullable().default(null),
  /** Panels not drawn (and whose results are not computed): a lesson's focus, or a teacher's. */
  hide: z.array(z.enum(PANELS)).max(PANELS.length).default([]),
  /** Projector mode: large type and thick lines for a room. */
  projector: z.boolean().default(false),
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
