/**
 * What a training run reports as it goes: one record per optimizer update (plus one at step 0,
 * before any update, which measures the starting point: the one-shot pruned model, the
 * post-training-quantized model, or the untrained student).
 */
export interface TrainProgress {
  /** Optimizer updates done (0 = none yet). */
  step: number;
  totalSteps: number;
  /** 1-based epoch the step belongs to. */
  epoch: number;
  /** Training loss of this step's batch (at step 0: of the first batch, before any update). */
  loss: number;
  /** Top-1 accuracy on the training batches of this epoch so far (running). */
  trainAccuracy: number | null;
  /** Top-1 accuracy on the whole test set, measured at this step; null where not measured. */
  testAccuracy: number | null;
  /** Fraction of pruned weights in force (fine-tuning); null for the other recipes. */
  sparsity: number | null;
  /** Since the run started (teacher logits and calibration included). */
  elapsedMs: number;
}

/**
 * Time left, from the pace so far (elapsed / steps done); null before the first update.
 * Includes the run's fixed start-up cost in the pace, so it errs on the long side early on.
 */
export function remainingMs(
  p: Pick<TrainProgress, 'step' | 'totalSteps' | 'elapsedMs'>,
): number | null {
  if (p.step <= 0) return null;
  return (p.elapsedMs / p.step) * Math.max(0, p.totalSteps - p.step);
}
