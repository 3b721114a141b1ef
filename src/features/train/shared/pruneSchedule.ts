import type { Prune } from '../../../platform/shared/config';
import { SKIP_LAYER } from '../../../platform/shared/config';
import {
  constantSparsity,
  polynomialDecay,
  pruningScheduleAt,
  type PruningSchedule,
} from '../../prune';
import type { PruneSchedule } from './recipe';

/**
 * Fine-tuning's pruning plan, step by step: at which optimizer steps the masks are recomputed,
 * and with which pruning settings (the pruning lab's `Prune`, its sparsities set to the
 * schedule's value at that step). Uses TFMOT's schedules from src/features/prune/shared/schedule.ts.
 */

export interface PruneStep {
  /** Recompute the masks from the current weights before this step's update. */
  readonly shouldPrune: boolean;
  /** The settings to prune with (meaningful only when `shouldPrune`). */
  readonly prune: Prune;
}

/** The core schedule of one target sparsity (null for one-shot). */
export function coreSchedule(schedule: PruneSchedule, target: number): PruningSchedule | null {
  switch (schedule.kind) {
    case 'oneshot':
      return null;
    case 'constant':
      return constantSparsity({
        targetSparsity: target,
        beginStep: schedule.beginStep,
        endStep: schedule.endStep,
        frequency: schedule.frequency,
      });
    case 'polynomial':
      return polynomialDecay({
        initialSparsity: Math.min(schedule.initialSparsity, target),
        finalSparsity: target,
        beginStep: schedule.beginStep,
        endStep: schedule.endStep,
        frequency: schedule.frequency,
        power: schedule.power,
      });
  }
}

/** The sparsity the schedule ends at: `finalSparsity` for polynomial, else `prune.sparsity`. */
export function finalSparsity(prune: Prune, schedule: PruneSchedule): number {
  return schedule.kind === 'polynomial'
    ? (schedule.finalSparsity ?? prune.sparsity)
    : prune.sparsity;
}

/**
 * What happens at optimizer step `step` (0-based). One-shot prunes at step 0 only, at the
 * recipe's settings. The schedules prune where TFMOT's `should_prune` holds; each layer with its
 * own sparsity follows its own curve to its own target, skipped layers stay dense.
 */
export function pruneStepAt(prune: Prune, schedule: PruneSchedule, step: number): PruneStep {
  if (schedule.kind === 'oneshot') return { shouldPrune: step === 0, prune };
  const global = coreSchedule(schedule, finalSparsity(prune, schedule))!;
  const now = pruningScheduleAt(global, step);
  if (!now.shouldPrune) return { shouldPrune: false, prune };
  const overrides: Record<string, number> = {};
  for (const [name, target] of Object.entries(prune.overrides)) {
    overrides[name] =
      target === SKIP_LAYER
        ? SKIP_LAYER
        : pruningScheduleAt(coreSchedule(schedule, target)!, step).sparsity;
  }
  return { shouldPrune: true, prune: { ...prune, sparsity: now.sparsity, overrides } };
}
