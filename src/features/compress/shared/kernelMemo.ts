import { memoWeakAnd } from '../../../platform/shared/memo';
import { minMaxPerChannel } from '../../quantize';

/**
 * `f(kernel, channels)`, computed once per trained kernel and channel count: the trained weights
 * never change.
 */
export function memoPerKernel<T>(
  f: (kernel: Float32Array, channels: number) => T,
): (kernel: Float32Array, channels: number) => T {
  return memoWeakAnd(f);
}

/** Per-channel ranges of a trained kernel. */
export const channelRangesOf = memoPerKernel(minMaxPerChannel);
