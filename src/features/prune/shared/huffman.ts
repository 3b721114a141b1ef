/**
 * Huffman coding (Huffman 1952), the last stage of Deep Compression: the k-means codes and the
 * relative sparse indices are far from uniform, so a variable-length prefix code saves another
 * 20–30 % (Han et al. 2016 §4).
 *
 * Only the code LENGTHS matter for size accounting: a canonical Huffman code is fully described
 * by them. Lengths come from the optimal tree: repeatedly merge the two lightest nodes. With
 * n_s occurrences of symbol s (N in all) and H the entropy of n_s/N, Shannon gives
 *
 *   N·H ≤ Σ_s n_s·len_s < N·(H + 1),
 *
 * and for ≥ 2 used symbols the code is complete: Kraft's sum Σ_s 2^(−len_s) equals 1.
 * No length limit is imposed (Deep Compression used none); the table itself is not counted.
 */

/**
 * The Huffman code length of every symbol. Symbols of frequency 0 get length 0; a single used
 * symbol gets length 1 (one bit per occurrence, the usual convention).
 *
 * Deterministic tie-breaking (two-queue construction): leaves are ordered by (frequency, symbol
 * index); when a leaf and a merged node weigh the same, the leaf is taken first, which also
 * gives the tree of least depth variance among the optimal ones.
 */
export function huffmanCodeLengths(freqs: ArrayLike<number>): Uint32Array {
  const lengths = new Uint32Array(freqs.length);
  const leaves: number[] = [];
  for (let s = 0; s < freqs.length; s++) {
    const f = freqs[s]!;
    if (!(f >= 0 && Number.isFinite(f))) throw new RangeError(`bad frequency ${f} for symbol ${s}`);
    if (f > 0) leaves.push(s);
  }
  const u = leaves.length;
  if (u === 0) return lengths;
  if (u === 1) {
    lengths[leaves[0]!] = 1;
    return lengths;
  }
  leaves.sort((a, b) => freqs[a]! - freqs[b]! || a - b);
  // Nodes 0..u−1 are the leaves in sorted order, u..2u−2 the merged nodes in creation order.
  const weight = new Float64Array(2 * u - 1);
  const parent = new Int32Array(2 * u - 1);
  for (let i = 0; i < u; i++) weight[i] = freqs[leaves[i]!]!;
  let nextLeaf = 0;
  let nextNode = u;
  const pop = (created: number): number => {
    const takeLeaf =
      nextLeaf < u && (nextNode >= created || weight[nextLeaf]! <= weight[nextNode]!);
    return takeLeaf ? nextLeaf++ : nextNode++;
  };
  for (let created = u; created < 2 * u - 1; created++) {
    const a = pop(created);
    const b = pop(created);
    weight[created] = weight[a]! + weight[b]!;
    parent[a] = created;
    parent[b] = created;
  }
  // Parents are created after their children: walk down from the root (depth 0).
  const depth = new Uint32Array(2 * u - 1);
  for (let node = 2 * u - 3; node >= 0; node--) depth[node] = depth[parent[node]!]! + 1;
  for (let i = 0; i < u; i++) lengths[leaves[i]!] = depth[i]!;
  return lengths;
}

/** Σ_s freq_s · len_s: the size in bits of the Huffman-coded stream (table not included). */
export function huffmanCodedBits(freqs: ArrayLike<number>): number {
  const lengths = huffmanCodeLengths(freqs);
  let bits = 0;
  for (let s = 0; s < freqs.length; s++) bits += freqs[s]! * lengths[s]!;
  return bits;
}

/** N·H = Σ_s n_s·log2(N/n_s): the Shannon lower bound, in bits, for a symbol-by-symbol code. */
export function entropyBits(freqs: ArrayLike<number>): number {
  let total = 0;
  for (let s = 0; s < freqs.length; s++) total += freqs[s]!;
  let bits = 0;
  for (let s = 0; s < freqs.length; s++) {
    const f = freqs[s]!;
    if (f > 0) bits += f * Math.log2(total / f);
  }
  return bits;
}

/** Histogram of integer symbols in [0, size): the frequencies to feed the functions above. */
export function symbolHistogram(symbols: ArrayLike<number>, size: number): Float64Array {
  const h = new Float64Array(size);
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i]!;
    if (!(Number.isInteger(s) && s >= 0 && s < size))
      throw new RangeError(`symbol ${s} out of [0, ${size})`);
    h[s]!++;
  }
  return h;
}
