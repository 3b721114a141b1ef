/**
 * Kernel layout shared by every pruner: the OUTPUT channel/unit is the last axis.
 *
 * - Dense kernel `[in, out]`, element (i, o) at `i·out + o`;
 * - Conv2D kernel `[kh, kw, in, out]`, element (y, x, c, o) at `((y·kw + x)·in + c)·out + o`.
 *
 * Both are therefore a row-major matrix `[R, out]` whose rows run over the reduction dimension
 * (R = in for Dense, R = kh·kw·in for Conv2D, flattened in storage order with `in` fastest):
 * element (r, o) at `r·out + o`.
 */

export interface KernelLayout {
  /** Output channels/units: the last axis. */
  readonly outputs: number;
  /** Length of the reduction dimension: every axis but the last, flattened. */
  readonly reduction: number;
}

/** Checks that `shape` describes `length` elements (rank ≥ 1) and returns its `[R, out]` view. */
export function kernelLayout(length: number, shape: readonly number[]): KernelLayout {
  if (shape.length === 0) throw new RangeError('a kernel needs a rank of at least 1');
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new RangeError(`bad kernel shape [${shape.join(', ')}]`);
    size *= d;
  }
  if (size !== length) {
    throw new RangeError(`kernel shape [${shape.join(', ')}] has ${size} elements, got ${length}`);
  }
  const outputs = shape[shape.length - 1]!;
  return { outputs, reduction: outputs === 0 ? 0 : length / outputs };
}
