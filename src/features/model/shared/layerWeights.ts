import type { LayerInfo } from './meta';

/** One layer's weights as plain arrays: what the labs compress, in any thread. */
export interface LayerWeights {
  readonly info: LayerInfo;
  /** A private copy of the kernel: safe to keep, modify or transfer. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array | null;
}
