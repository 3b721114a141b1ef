/** The infer feature's pure API (its shared/ part): integer plans of compressed models. */
export { fixedPointMultipliers, inputLut, packWeights, planInteger } from './shared/plan';
export type { ActGrid, IntPlan, IntStep, IntWeights, NetOp, NetShape } from './shared/plan';
