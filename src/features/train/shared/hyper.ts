import { z } from '../../../platform/shared/zod';
import { MAX_SPARSITY } from '../../../platform/shared/limits';

/**
 * The hyperparameter schemas shared by recipes (recipe.ts) and the Train tab's settings
 * (settings.ts, part of the config). This file imports no config schema, so that the config can
 * import the settings without an import cycle.
 */

export const OPTIMIZERS = ['adam', 'sgd'] as const;
export type OptimizerId = (typeof OPTIMIZERS)[number];

/** Upper bounds that keep a run (and a URL) within reason. */
export const MAX_EPOCHS = 100;
export const MAX_BATCH_SIZE = 1024;
export const MAX_STEP = 1_000_000;
export const MAX_HIDDEN_LAYERS = 4;
export const MAX_HIDDEN_UNITS = 1024;

const step = z.int().check(z.gte(0), z.lte(MAX_STEP));
const frequency = z._default(z.int().check(z.gte(1), z.lte(MAX_STEP)), 100);
const scheduleSparsity = z.number().check(z.gte(0), z.lte(MAX_SPARSITY));

/**
 * When the pruning masks are computed (steps count optimizer updates from 0, as TFMOT's
 * `UpdatePruningStep`; see src/features/prune/shared/schedule.ts for the semantics):
 * - `oneshot`: once, from the base model's weights, before the first update;
 * - `constant`: TFMOT `ConstantSparsity`: the masks are recomputed from the current weights'
 *   magnitudes at `prune.sparsity` every `frequency` steps from `beginStep` to `endStep`
 *   (−1 = to the end);
 * - `polynomial`: TFMOT `PolynomialDecay` (Zhu & Gupta 2017): the sparsity rises from
 *   `initialSparsity` to `finalSparsity` (default: `prune.sparsity`) along
 *   s_f + (s_i − s_f)·(1 − p)^power between `beginStep` and `endStep`, the masks recomputed every
 *   `frequency` steps. A layer with its own sparsity in `prune.overrides` follows the same curve
 *   to its own target (from min(initialSparsity, target)).
 * Between updates the last masks stay in force; they are applied after every optimizer update.
 */
export const PruneScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('oneshot') }),
  z.object({
    kind: z.literal('constant'),
    beginStep: z._default(step, 0),
    endStep: z._default(z.int().check(z.gte(-1), z.lte(MAX_STEP)), -1),
    frequency,
  }),
  z.object({
    kind: z.literal('polynomial'),
    initialSparsity: z._default(scheduleSparsity, 0),
    /** Omitted = `prune.sparsity`. */
    finalSparsity: z.optional(scheduleSparsity),
    beginStep: z._default(step, 0),
    endStep: z._default(step, 250),
    frequency,
    power: z._default(z.number().check(z.gte(0.1), z.lte(10)), 3),
  }),
]);
export type PruneSchedule = z.infer<typeof PruneScheduleSchema>;
