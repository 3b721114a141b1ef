/**
 * Ascending argsort of float32 values by LSD radix sort: two counting passes over the low and
 * high 16 bits of an order-preserving integer image of each float, O(n). (V8's built-in
 * `Float32Array.prototype.sort` is 2–3× slower on 235k weights, and gives no permutation.)
 *
 * The image, as a signed int32: a non-negative float's bits unchanged, a negative float's bits
 * with the 31 magnitude bits flipped. Signed order of the images is the numeric order of the
 * floats, with −0 just below +0 and NaNs at the ends. Everything stays in int32 range (no
 * values ≥ 2^31, which V8 would box as doubles). Stable: equal values keep their index order.
 */

/** One stable counting pass on the digit ((k >> shift) & mask) + offset, in [0, 65536). */
function countingPass(
  keys: Int32Array,
  order: Uint32Array,
  keysOut: Int32Array,
  orderOut: Uint32Array,
  start: Int32Array,
  shift: number,
  mask: number,
  offset: number,
): void {
  const n = keys.length;
  start.fill(0);
  for (let i = 0; i < n; i++) start[((keys[i]! >> shift) & mask) + offset]!++;
  let sum = 0;
  for (let d = 0; d < start.length; d++) {
    const c = start[d]!;
    start[d] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const d = ((k >> shift) & mask) + offset;
    const p = start[d]!;
    start[d] = p + 1;
    keysOut[p] = k;
    orderOut[p] = order[i]!;
  }
}

export function argsortFloat32(values: Float32Array): Uint32Array {
  const n = values.length;
  const bits = new Int32Array(values.buffer, values.byteOffset, n);
  const keys = new Int32Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const u = bits[i]!;
    keys[i] = u ^ ((u >> 31) & 0x7fffffff);
    order[i] = i;
  }
  const keysTmp = new Int32Array(n);
  const orderTmp = new Uint32Array(n);
  const start = new Int32Array(65536);
  countingPass(keys, order, keysTmp, orderTmp, start, 0, 0xffff, 0);
  // High half: k >> 16 is signed in [−32768, 32767]; offset it to [0, 65536).
  countingPass(keysTmp, orderTmp, keys, order, start, 16, -1, 32768);
  return order;
}
