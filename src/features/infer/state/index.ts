/** The infer feature's state layer. */
export {
  LATENCY_RUNS,
  SWEEP_BITS,
  SWEEP_IMAGES,
  SWEEP_LATENCY_RUNS,
  atBits,
  measureSpeed,
  speedKey,
  speedRequest,
  useSpeed,
} from './speedState';
export type { SpeedState } from './speedState';
