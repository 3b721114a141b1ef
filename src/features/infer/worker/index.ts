/** The infer feature's worker layer: what the engine spreads into its API. */
export { inferApi } from './api';
export type {
  InferApi,
  InferDeps,
  IntEvaluation,
  IntPrediction,
  IntSweepPoint,
  PathSpeed,
  SpeedReport,
} from './api';
