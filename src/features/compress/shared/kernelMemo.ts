import { minMaxPerChannel } from '../../quantize';

/**
 * `f(kernel, channels)`, computed once per trained kernel and channel count: the trained weights
 * never change.
 */
export function memoPerKernel<T>(
  f: (kernel: Float32Array, channels: number) => T,
): (kernel: Float32Array, channels: number) => T {
  const memo = new WeakMap<Float32Array, Map<number, T>>();
  return (kernel, channels) => {
    let byCount = memo.get(kernel);
    if (!byCount) {
      byCount = new Map();
      memo.set(kernel, byCount);
    }
    let r = byCount.get(channels);
    if (r === undefined) {
      r = f(kernel, channels);
      byCount.set(channels, r);
    }
    return r;
  };
}

/** Per-channel ranges of a trained kernel. */
export const channelRangesOf = memoPerKernel(minMaxPerChannel);
