/**
 * Per-channel layout. Keras/tfjs kernels keep the output channel on the LAST axis:
 * Dense [in, out] → axis 1, Conv2D [kh, kw, in, out] → axis 3. In row-major order the element
 * at flat index i then belongs to channel i mod out. (torch keeps it on axis 0 instead; the
 * maths is the same.) DepthwiseConv2D [kh, kw, in, multiplier] would need per (in, multiplier)
 * channels, i.e. the product of the last two axes: not handled here.
 */

/** Number of elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Number of quantization channels: the size of the last axis when `perChannel`, else 1.
 * @throws RangeError if the shape does not describe `length` elements.
 */
export function channelCount(
  length: number,
  shape: readonly number[],
  perChannel: boolean,
): number {
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || elementCount(shape) !== length) {
    throw new RangeError(`shape [${shape.join(', ')}] does not hold ${length} elements`);
  }
  if (!perChannel) return 1;
  const last = shape[shape.length - 1];
  if (last === undefined || last === 0) {
    throw new RangeError(
      `per-channel quantization needs a non-empty last axis, got [${shape.join(', ')}]`,
    );
  }
  return last;
}

/** The per-channel axis for a shape: the last one, or null for per-tensor. */
export function channelAxis(shape: readonly number[], perChannel: boolean): number | null {
  return perChannel ? shape.length - 1 : null;
}

/**
 * Minimum and maximum of each channel (channel of index i = i mod channels). A channel with no
 * elements gets min = +∞, max = −∞ (torch's "not observed" sentinel). NaN is skipped.
 */
export function minMaxPerChannel(
  x: Float32Array,
  channels: number,
): { min: Float32Array; max: Float32Array } {
  const min = new Float32Array(channels).fill(Infinity);
  const max = new Float32Array(channels).fill(-Infinity);
  if (channels === 1) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[0] = lo;
    max[0] = hi;
    return { min, max };
  }
  // Row by row (every channel once per row): no channel counter per value.
  for (let row = 0; row < x.length; row += channels) {
    minMaxRow(x, row, Math.min(channels, x.length - row), min, max);
  }
  return { min, max };
}

function minMaxRow(
  x: Float32Array,
  row: number,
  len: number,
  min: Float32Array,
  max: Float32Array,
) {
  for (let c = 0; c < len; c++) {
    const v = x[row + c]!;
    if (v < min[c]!) min[c] = v;
    if (v > max[c]!) max[c] = v;
  }
}
