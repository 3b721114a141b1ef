/** The tryit feature's worker layer: what the engine spreads into its API. */
export { tryitApi } from './predict';
export type {
  TryitDeps,
  TryitPrediction,
  TryitPredictions,
  TryitQuery,
  TryitTestImage,
} from './predict';
