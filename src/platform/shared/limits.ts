/** Bounds shared by the config schema and the training recipes (no schema imports here). */

/** The largest sparsity any pruning setting accepts: 99.9% of the weights removed. */
export const MAX_SPARSITY = 0.999;
