/**
 * An order of a test set's images for the integer kernels' blocks of rows.
 *
 * The dense layers' GEMM computes four images at a time (two on the SIMD128 build, by sixteen
 * channels), and it leaves out an input pair that is 0 in all of them (the zero lists of
 * `wasm/intkernels.c`). Images in the order they came share few such pairs: in Fashion-MNIST's
 * test set, 84% of the pixel pairs of four consecutive images have a nonzero pixel somewhere,
 * although each image alone has one in 56%. Four images of a similar
 * silhouette leave out more. This order places them together: the images are sorted by their
 * first two principal components of where they are nonzero (in eight bands of the first,
 * alternately up and down the second), then each block of four is taken greedily, the seed's
 * three companions from the next {@link WINDOW} images whose nonzero pairs add the fewest to the
 * block's. Fashion-MNIST's blocks then cover 63% of the pairs, MNIST's 32% (42% in order); the
 * two halves of each block, 60% and 27% (72% and 33% in order). Pairing the four for blocks of two
 * instead (the best of the three pairings) moved MNIST's 27.2% to 26.9%: not done.
 *
 * The order changes no result: each image's sums are exact integers, and a pair left out is 0 in
 * every row of its block. The integer runner (worker/run.ts) gathers each chunk's images in this
 * order and writes their logits back to the images' own rows.
 */

/** Candidates a block's seed considers for its three companions. */
export const WINDOW = 48;
/** Bands of the first component (the second is sorted within each). */
const BANDS = 8;
/** Power iterations per component. */
const ITERATIONS = 6;
/** Images the components are estimated from, at most. */
const SAMPLE = 250;

/** Where each image is nonzero: one bit per pair of bytes (the SIMD128 kernels' k-pairs). */
export function pairMasks(pixels: Uint8Array, count: number, bytes: number) {
  const pairs = Math.ceil(bytes / 2);
  const words = Math.ceil(pairs / 32);
  const bits = new Uint32Array(count * words);
  for (let i = 0; i < count; i++) {
    const at = i * bytes;
    for (let p = 0; p < pairs; p++) {
      const b = at + 2 * p;
      if (pixels[b] !== 0 || (2 * p + 1 < bytes && pixels[b + 1] !== 0))
        bits[i * words + (p >>> 5)]! |= 1 << (p & 31);
    }
  }
  return { bits, words, pairs };
}

function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** The fraction of pairs that are nonzero somewhere in each block of four of `order`. */
export function blockCover(
  masks: ReturnType<typeof pairMasks>,
  order: ArrayLike<number>,
  rows = 4,
): number {
  const { bits, words, pairs } = masks;
  let covered = 0;
  let blocks = 0;
  for (let b = 0; b + rows <= order.length; b += rows, blocks++)
    for (let w = 0; w < words; w++) {
      let u = 0;
      for (let r = 0; r < rows; r++) u |= bits[order[b + r]! * words + w]!;
      covered += popcount(u);
    }
  return blocks ? covered / (blocks * pairs) : 0;
}

/** The first two principal components' scores of each image's pair mask (power iteration). */
function scores(masks: ReturnType<typeof pairMasks>, count: number): [Float64Array, Float64Array] {
  const { bits, words, pairs } = masks;
  const step = Math.max(1, Math.floor(count / SAMPLE));
  const rows = Math.ceil(count / step);
  // The sampled masks, centred: rows × pairs.
  const x = new Float64Array(rows * pairs);
  for (let r = 0; r < rows; r++)
    for (let p = 0; p < pairs; p++)
      x[r * pairs + p] = (bits[r * step * words + (p >>> 5)]! >>> (p & 31)) & 1;
  for (let p = 0; p < pairs; p++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m += x[r * pairs + p]!;
    m /= rows;
    for (let r = 0; r < rows; r++) x[r * pairs + p]! -= m;
  }
  const components: Float64Array[] = [];
  const t = new Float64Array(rows);
  for (let c = 0; c < 2; c++) {
    // A fixed start (not orthogonal to the components of real images): a slow ramp.
    const v = new Float64Array(pairs).map((_, p) => 1 + (p % 7) / 7);
    for (let it = 0; it < ITERATIONS; it++) {
      for (const u of components) {
        let d = 0;
        for (let p = 0; p < pairs; p++) d += v[p]! * u[p]!;
        for (let p = 0; p < pairs; p++) v[p]! -= d * u[p]!;
      }
      // v ← Xᵀ X v, normalized.
      for (let r = 0; r < rows; r++) {
        let d = 0;
        for (let p = 0, o = r * pairs; p < pairs; p++) d += x[o + p]! * v[p]!;
        t[r] = d;
      }
      v.fill(0);
      for (let r = 0; r < rows; r++) {
        const d = t[r]!;
        for (let p = 0, o = r * pairs; p < pairs; p++) v[p]! += d * x[o + p]!;
      }
      let norm = 0;
      for (let p = 0; p < pairs; p++) norm += v[p]! * v[p]!;
      norm = Math.sqrt(norm);
      if (norm === 0) break; // every sampled image alike
      for (let p = 0; p < pairs; p++) v[p]! /= norm;
    }
    components.push(v);
  }
  const [u1, u2] = components as [Float64Array, Float64Array];
  const s1 = new Float64Array(count);
  const s2 = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let a = 0;
    let b = 0;
    for (let w = 0; w < words; w++) {
      let m = bits[i * words + w]!;
      while (m !== 0) {
        const p = w * 32 + 31 - Math.clz32(m & -m);
        a += u1[p]!;
        b += u2[p]!;
        m &= m - 1;
      }
    }
    s1[i] = a;
    s2[i] = b;
  }
  return [s1, s2];
}

/**
 * The block order of `count` images of `bytes` bytes each: a permutation of 0..count − 1, the
 * same for the same pixels.
 */
export function blockOrder(pixels: Uint8Array, count: number, bytes: number): Uint32Array {
  if (pixels.length < count * bytes) throw new RangeError('Fewer pixels than images × bytes.');
  const masks = pairMasks(pixels, count, bytes);
  const [s1, s2] = scores(masks, count);
  const byFirst = Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => s1[a]! - s1[b]! || a - b,
  );
  const band = new Uint8Array(count);
  byFirst.forEach((i, r) => (band[i] = Math.floor((r * BANDS) / count)));
  const sorted = byFirst.sort(
    (a, b) => band[a]! - band[b]! || (band[a]! % 2 ? s2[b]! - s2[a]! : s2[a]! - s2[b]!) || a - b,
  );
  // Greedy blocks of four along the sorted order.
  const { bits, words } = masks;
  const used = new Uint8Array(count);
  const order = new Uint32Array(count);
  const union = new Uint32Array(words);
  let n = 0;
  let next = 0; // the first position of `sorted` that may be unused
  while (n < count) {
    while (used[sorted[next]!]) next++;
    const seed = sorted[next]!;
    used[seed] = 1;
    order[n++] = seed;
    union.set(bits.subarray(seed * words, seed * words + words));
    for (let r = 1; r < 4 && n < count; r++) {
      let best = -1;
      let bestGrow = Infinity;
      for (let j = next + 1, seen = 0; j < count && seen < WINDOW; j++) {
        const c = sorted[j]!;
        if (used[c]) continue;
        seen++;
        let grow = 0;
        for (let w = 0; w < words; w++) grow += popcount(bits[c * words + w]! & ~union[w]!);
        if (grow < bestGrow) {
          bestGrow = grow;
          best = c;
        }
      }
      if (best < 0) break;
      used[best] = 1;
      order[n++] = best;
      for (let w = 0; w < words; w++) union[w]! |= bits[best * words + w]!;
    }
  }
  return order;
}
