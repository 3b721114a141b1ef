import type { Config } from '../../../platform/shared/config';
import { weightQuantKey } from './quantPlan';

/**
 * What decides the compressed weights: pruning, then quantization or clustering (see the worker's
 * compress.ts). Keys are stable strings of exactly these settings: equal keys, equal weights.
 */
export type CompressSettings = Pick<Config, 'weights' | 'overrides' | 'seed' | 'prune' | 'cluster'>;

export function compressSettings(c: Config): CompressSettings {
  return {
    weights: c.weights,
    overrides: c.overrides,
    seed: c.seed,
    prune: c.prune,
    cluster: c.cluster,
  };
}

export function pruneKey(settings: Pick<Config, 'prune' | 'seed'>): string {
  const p = settings.prune;
  if (p.method === 'none') return 'P-';
  const ov = Object.keys(p.overrides)
    .sort()
    .map((k) => `${k}:${p.overrides[k]}`)
    .join(',');
  // The bias rule changes the weights, biases and counts of structured pruning only.
  const bias = p.method === 'structured' ? `|b${p.structuredBias}` : '';
  return `P${p.method}|${p.sparsity}|${p.norm}|${p.pattern}|${ov}|${p.method === 'random' ? settings.seed : ''}${bias}`;
}

export function compressKey(s: CompressSettings): string {
  const cluster = s.weights.format === 'cluster' ? `|C${s.cluster.k}|${s.cluster.init}` : '';
  return `${pruneKey(s)}|${weightQuantKey(s)}${cluster}`;
}

const METHOD_LABEL: Record<Config['prune']['method'], string> = {
  none: 'no pruning',
  magnitude: 'magnitude',
  global: 'global magnitude',
  structured: 'structured',
  nm: 'N:M',
  random: 'random',
};

const STORAGE_LABEL: Record<Config['storage']['format'], string> = {
  auto: 'smallest format',
  dense: 'dense',
  bitmask: 'bitmask',
  csr: 'relative indices',
};

/**
 * A short human label of the whole pipeline, e.g. "magnitude 90% → int4 sym-full/ch, A8"
 * (sym-restricted: codes −(2^(b−1)−1)…2^(b−1)−1; sym-full: −2^(b−1)…2^(b−1)−1).
 */
export function describePipeline(
  c: Pick<Config, 'prune' | 'weights' | 'cluster' | 'acts' | 'overrides'> &
    Partial<Pick<Config, 'storage'>>,
): string {
  const p = c.prune;
  const prune =
    p.method === 'none'
      ? ''
      : p.method === 'nm'
        ? `${p.pattern} → `
        : `${METHOD_LABEL[p.method]}${p.method === 'structured' ? ` ${p.norm.toUpperCase()}` : ''} ${Math.round(p.sparsity * 1000) / 10}% → `;
  const w = c.weights;
  const weights =
    w.format === 'int'
      ? w.bits === 1
        ? 'binary'
        : w.bits === 2 && w.ternary
          ? 'ternary'
          : `int${w.bits} ${w.scheme === 'affine' ? 'aff' : w.symRange === 'full' ? 'sym-full' : 'sym-restricted'}${w.granularity === 'channel' ? '/ch' : ''}`
      : w.format === 'cluster'
        ? `${c.cluster.k} clusters`
        : w.format;
  const mixed = Object.keys(c.overrides).length > 0 ? ' (mixed)' : '';
  const acts = c.acts.bits > 0 ? `, A${c.acts.bits}` : '';
  const st = c.storage;
  const sparse =
    st && p.method !== 'none' && st.format !== 'auto' ? `, ${STORAGE_LABEL[st.format]}` : '';
  const huffman = st?.huffman ? ', Huffman' : '';
  return `${prune}${weights}${mixed}${acts}${sparse}${huffman}`;
}
