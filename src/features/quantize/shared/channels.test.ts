import { describe, expect, it } from 'vitest';
import { channelAxis, channelCount, elementCount, minMaxPerChannel } from './channels';

describe('channels (output channel = last axis)', () => {
  it('counts elements and channels', () => {
    expect(elementCount([3, 3, 2, 8])).toBe(144);
    expect(elementCount([])).toBe(1);
    expect(channelCount(144, [3, 3, 2, 8], true)).toBe(8);
    expect(channelCount(144, [3, 3, 2, 8], false)).toBe(1);
    expect(channelAxis([784, 300], true)).toBe(1);
    expect(channelAxis([5, 5, 1, 6], true)).toBe(3);
    expect(channelAxis([784, 300], false)).toBeNull();
  });

  it('rejects inconsistent shapes', () => {
    expect(() => channelCount(10, [3, 3], false)).toThrow(RangeError);
    expect(() => channelCount(0, [0], true)).toThrow(RangeError);
    expect(() => channelCount(2, [2.5], false)).toThrow(RangeError);
  });

  it('finds each channel’s extremes, channel of index i = i mod channels', () => {
    // Dense [3, 2]: channel 0 = {1, −4, 2}, channel 1 = {5, 0, −1}.
    const { min, max } = minMaxPerChannel(Float32Array.from([1, 5, -4, 0, 2, -1]), 2);
    expect(Array.from(min)).toEqual([-4, -1]);
    expect(Array.from(max)).toEqual([2, 5]);
  });
});
