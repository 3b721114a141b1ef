/** The infer feature's state layer. */
export { LATENCY_RUNS, measureSpeed, speedKey, speedRequest, useSpeed } from './speedState';
export type { SpeedState } from './speedState';
