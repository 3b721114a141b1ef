/** The infer feature's state layer. */
export {
  LATENCY_RUNS,
  SPLIT_RUNS,
  SWEEP_BATCH_MS,
  SWEEP_BITS,
  SWEEP_IMAGES,
  SWEEP_LATENCY_RUNS,
  atBits,
  measureSpeed,
  speedKey,
  speedRequest,
  useSpeed,
} from './speedState';
export type { SpeedState, SplitSpeed } from './speedState';
