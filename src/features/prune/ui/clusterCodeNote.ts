/**
 * The code width of clustered layers in words, as the size table counts it: k shared values take
 * ⌈log2 k⌉ bits, one more symbol (0) where pruned weights are stored as codes (dense storage,
 * relative-index fillers), and fewer where k-means left clusters empty.
 */
export function clusterCodeNote(
  k: number,
  layers: readonly { readonly name: string; readonly codeBits: number }[] | null,
): string {
  const plain = Math.ceil(Math.log2(k));
  if (!layers || layers.length === 0) return `${plain}-bit codes for ${k} values`;
  const bits = layers.map((l) => l.codeBits);
  const lo = Math.min(...bits);
  const hi = Math.max(...bits);
  const width = lo === hi ? `${lo}-bit` : `${lo}–${hi}-bit`;
  const why =
    hi > plain
      ? ` (${k} values + a code for the pruned 0s stored${lo < hi ? ' in some layers' : ''})`
      : lo < plain
        ? ' (k-means left some clusters empty)'
        : '';
  return `Stored as ${width} codes${why}, as in the size table.`;
}
