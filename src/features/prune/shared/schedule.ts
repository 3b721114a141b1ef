/**
 * Pruning schedules: the target sparsity as a function of the training step, with TFMOT's
 * semantics (tfmot.sparsity.keras `ConstantSparsity`, `PolynomialDecay`) and Distiller's AGP.
 *
 * A TFMOT schedule returns (should_prune, sparsity) for a step. The mask is only recomputed on
 * steps where should_prune holds:
 *
 *   should_prune(t) = begin ≤ t ∧ (t ≤ end ∨ end < 0) ∧ (t − begin) mod frequency = 0
 *
 * so between those steps the last mask stays in force (see `appliedSparsity`).
 * PolynomialDecay (Zhu & Gupta 2017, "To prune, or not to prune"):
 *
 *   p(t) = clamp((t − begin) / (end − begin), 0, 1)
 *   s(t) = s_f + (s_i − s_f) · (1 − p)^power,     power = 3 by default
 *
 * constant s_i before `begin` and s_f after `end`. Note s_f is only reached by a mask if
 * (end − begin) is a multiple of `frequency`: otherwise the last update happens before `end`.
 * TFMOT evaluates this in float32; we use float64 (differences ~1e−7).
 */

export interface PruningStep {
  /** Whether the mask is recomputed at this step. */
  readonly shouldPrune: boolean;
  /** The target sparsity at this step. */
  readonly sparsity: number;
}

export interface ConstantSparsity {
  readonly kind: 'constantSparsity';
  readonly targetSparsity: number;
  readonly beginStep: number;
  /** −1 (TFMOT's default) = prune until the end of training. */
  readonly endStep: number;
  /** TFMOT's default is 100. */
  readonly frequency: number;
}

export interface PolynomialDecay {
  readonly kind: 'polynomialDecay';
  readonly initialSparsity: number;
  readonly finalSparsity: number;
  readonly beginStep: number;
  readonly endStep: number;
  /** TFMOT's default is 3. */
  readonly power: number;
  /** TFMOT's default is 100. */
  readonly frequency: number;
}

export type PruningSchedule = ConstantSparsity | PolynomialDecay;

/** Builds a ConstantSparsity schedule with TFMOT's defaults and validation. */
export function constantSparsity(c: {
  targetSparsity: number;
  beginStep: number;
  endStep?: number;
  frequency?: number;
}): ConstantSparsity {
  const s: ConstantSparsity = {
    kind: 'constantSparsity',
    targetSparsity: c.targetSparsity,
    beginStep: c.beginStep,
    endStep: c.endStep ?? -1,
    frequency: c.frequency ?? 100,
  };
  validateSteps(s.beginStep, s.endStep, s.frequency, true);
  validateScheduleSparsity(s.targetSparsity, 'targetSparsity');
  return s;
}

/** Builds a PolynomialDecay schedule with TFMOT's defaults and validation. */
export function polynomialDecay(c: {
  initialSparsity: number;
  finalSparsity: number;
  beginStep: number;
  endStep: number;
  power?: number;
  frequency?: number;
}): PolynomialDecay {
  const s: PolynomialDecay = {
    kind: 'polynomialDecay',
    initialSparsity: c.initialSparsity,
    finalSparsity: c.finalSparsity,
    beginStep: c.beginStep,
    endStep: c.endStep,
    power: c.power ?? 3,
    frequency: c.frequency ?? 100,
  };
  validateSteps(s.beginStep, s.endStep, s.frequency, false);
  validateScheduleSparsity(s.initialSparsity, 'initialSparsity');
  validateScheduleSparsity(s.finalSparsity, 'finalSparsity');
  if (!Number.isFinite(s.power)) throw new RangeError(`power must be finite, got ${s.power}`);
  return s;
}

/** TFMOT `_validate_step`. */
function validateSteps(
  begin: number,
  end: number,
  frequency: number,
  allowEndMinus1: boolean,
): void {
  if (!Number.isInteger(begin) || begin < 0)
    throw new RangeError('beginStep must be an integer ≥ 0');
  if (!Number.isInteger(end)) throw new RangeError('endStep must be an integer');
  if (end === -1) {
    if (!allowEndMinus1) throw new RangeError('endStep cannot be −1 for this schedule');
  } else {
    if (end < 0) throw new RangeError('endStep must be −1 or ≥ 0');
    if (end < begin) throw new RangeError('beginStep must be ≤ endStep');
  }
  if (!Number.isInteger(frequency) || frequency <= 0) throw new RangeError('frequency must be > 0');
}

/** TFMOT `_validate_sparsity`: a schedule's sparsity is in [0, 1). */
function validateScheduleSparsity(s: number, what: string): void {
  if (!(s >= 0 && s < 1)) throw new RangeError(`${what} must be in [0, 1), got ${s}`);
}

/** TFMOT `_should_prune_in_step`. */
export function shouldPruneInStep(
  step: number,
  begin: number,
  end: number,
  frequency: number,
): boolean {
  const inRange = step >= begin && (step <= end || end < 0);
  const d = step - begin;
  return inRange && ((d % frequency) + frequency) % frequency === 0;
}

/** The polynomial's value at a step, without the should_prune flag. */
function decayedSparsity(s: PolynomialDecay, step: number): number {
  const span = s.endStep - s.beginStep;
  // With begin = end TFMOT divides by zero; we take the limit: s_i before, s_f from begin on.
  const raw = span === 0 ? (step < s.beginStep ? 0 : 1) : (step - s.beginStep) / span;
  const p = Math.min(1, Math.max(0, raw));
  return s.finalSparsity + (s.initialSparsity - s.finalSparsity) * Math.pow(1 - p, s.power);
}

/** (should_prune, sparsity) at a step, as the TFMOT schedule's `__call__` returns them. */
export function pruningScheduleAt(s: PruningSchedule, step: number): PruningStep {
  const shouldPrune = shouldPruneInStep(step, s.beginStep, s.endStep, s.frequency);
  const sparsity = s.kind === 'constantSparsity' ? s.targetSparsity : decayedSparsity(s, step);
  return { shouldPrune, sparsity };
}

/**
 * The sparsity of the mask in force after the (possible) update at `step`: the schedule's
 * value at the last step t' ≤ step with should_prune(t'), or 0 before the first update.
 */
export function appliedSparsity(s: PruningSchedule, step: number): number {
  if (step < s.beginStep) return 0;
  const last = s.endStep < 0 ? step : Math.min(step, s.endStep);
  const t = s.beginStep + Math.floor((last - s.beginStep) / s.frequency) * s.frequency;
  return pruningScheduleAt(s, t).sparsity;
}

/**
 * Distiller's Automated Gradual Pruner (`AutomatedGradualPrunerBase.compute_target_sparsity`):
 * the same cubic, counted in epochs, with the span ending at the last epoch on which the
 * pruner runs (it runs on starting, starting + f, … < ending):
 *
 *   span = ⌊(ending − starting − 1) / f⌋ · f
 *   s(e) = s_f + (s_i − s_f) · (1 − (e − starting)/span)^3
 *
 * Distiller asserts span > 0; outside [starting, starting + span] we clamp (Distiller never
 * evaluates there).
 */
export function agpSparsity(
  c: {
    initialSparsity: number;
    finalSparsity: number;
    startingEpoch: number;
    endingEpoch: number;
    frequency: number;
  },
  epoch: number,
): number {
  const span = Math.floor((c.endingEpoch - c.startingEpoch - 1) / c.frequency) * c.frequency;
  if (!(span > 0)) throw new RangeError('AGP needs (ending − starting − 1) ≥ frequency');
  const p = Math.min(1, Math.max(0, (epoch - c.startingEpoch) / span));
  return c.finalSparsity + (c.initialSparsity - c.finalSparsity) * Math.pow(1 - p, 3);
}
