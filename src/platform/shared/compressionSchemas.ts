import { z } from './zod';
import { MAX_SPARSITY } from './limits';

/**
 * The compression settings' schemas (quantization of weights and activations, pruning,
 * clustering, storage), apart from config.ts, which composes them: the workers use these, and a
 * worker that imported config.ts
 * would build every schema of the config and parse its defaults while its module evaluated
 * (a sampling profile of a cold visit: 86–102 ms of each worker's start in zod). config.ts
 * re-exports all of them.
 */

export const LAYER_NAME = /^[A-Za-z0-9_]{1,64}$/;

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
  format: z._default(z.enum(WEIGHT_FORMATS), 'int'),
  bits: z._default(z.int().check(z.gte(MIN_BITS), z.lte(MAX_BITS)), 8),
  scheme: z._default(z.enum(SCHEMES), 'symmetric'),
  /** Only for the symmetric scheme; `restricted` is what links without the field meant. */
  symRange: z._default(z.enum(SYM_RANGES), 'restricted'),
  granularity: z._default(z.enum(GRANULARITIES), 'tensor'),
  rounding: z._default(z.enum(ROUNDINGS), 'nearest'),
  /** At 2 bits: ternary weights {−α, 0, +α} with threshold 0.7·mean|w| (TWN) instead of uniform. */
  ternary: z._default(z.boolean(), false),
});
export type WeightQuant = z.infer<typeof WeightQuantSchema>;

export const ActQuantSchema = z.object({
  /** 0 = activations stay float32. */
  bits: z._default(z.int().check(z.gte(0), z.lte(MAX_BITS)), 0),
  scheme: z._default(z.enum(SCHEMES), 'affine'),
  /** Only for the symmetric scheme, as for weights. */
  symRange: z._default(z.enum(SYM_RANGES), 'restricted'),
  observer: z._default(z.enum(OBSERVERS), 'minmax'),
  /** For the percentile observer, in percent. */
  percentile: z._default(z.number().check(z.gte(90), z.lte(100)), 99.99),
  /** Training images the calibration pass runs over. */
  calibration: z._default(z.int().check(z.gte(32), z.lte(4096)), 512),
});
export type ActQuant = z.infer<typeof ActQuantSchema>;

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
  method: z._default(z.enum(PRUNE_METHODS), 'none'),
  /** Fraction of weights removed, in [0, 0.999] (ignored by N:M, whose pattern fixes it). */
  sparsity: z._default(z.number().check(z.gte(0), z.lte(MAX_SPARSITY)), 0.5),
  /** Ranking norm of structured pruning (torch `ln_structured` n = 1 or 2). */
  norm: z._default(z.enum(NORMS), 'l2'),
  /** Structured only: the bias of removed units. `remove` is what links without the field meant. */
  structuredBias: z._default(z.enum(STRUCTURED_BIAS), 'remove'),
  pattern: z._default(z.enum(NM_PATTERNS), '2:4'),
  overrides: z._default(
    z.record(
      z.string().check(z.regex(LAYER_NAME)),
      z.number().check(z.gte(SKIP_LAYER), z.lte(MAX_SPARSITY)),
    ),
    {},
  ),
});
export type Prune = z.infer<typeof PruneSchema>;

export const CLUSTER_INITS = ['kmeans++', 'linear'] as const;
export const ClusterSchema = z.object({
  /** Number of shared values per layer. */
  k: z._default(z.int().check(z.gte(2), z.lte(256)), 32),
  init: z._default(z.enum(CLUSTER_INITS), 'kmeans++'),
});
export type Cluster = z.infer<typeof ClusterSchema>;

/**
 * Storage of sparse layers: `dense` stores every code, `bitmask` one bit per weight plus the
 * kept codes, `csr` relative indices as in Deep Compression; `auto` takes the smallest per layer.
 */
export const SPARSE_FORMATS = ['auto', 'dense', 'bitmask', 'csr'] as const;
export const StorageSchema = z.object({
  format: z._default(z.enum(SPARSE_FORMATS), 'auto'),
  /** Relative-index width; 0 = Deep Compression's choice (5 bits for Dense, 8 for Conv2D). */
  indexBits: z._default(z.int().check(z.gte(0), z.lte(16)), 0),
  /** Huffman-code the weight codes and the relative indices (real code lengths). */
  huffman: z._default(z.boolean(), false),
});
export type Storage = z.infer<typeof StorageSchema>;
