import {
  ActQuantSchema,
  ClusterSchema,
  PruneSchema,
  SKIP_LAYER,
  StorageSchema,
  WeightQuantSchema,
} from '../../../platform/shared/compressionSchemas';
import type { Config, View } from '../../../platform/shared/config';
import { layerSpec, specLabel } from './quantPlan';
import { OBSERVER_LABEL, percent, plural } from './words';

/**
 * The compression pipeline as the UI shows it on every lab: one shared config, four stages in
 * the order they act on the weights. Each stage says what it does now, where its controls are,
 * and how to turn it off, so that no tab applies a setting it does not show.
 *
 *   prune → weights (quantize, cluster or keep float) → activations → storage (sparse format,
 *   entropy coding)
 */

export const STAGE_IDS = ['prune', 'weights', 'acts', 'storage'] as const;
export type StageId = (typeof STAGE_IDS)[number];

export interface Stage {
  readonly id: StageId;
  readonly title: string;
  /** What the stage does with the current config, in a few words. */
  readonly state: string;
  /** False when the stage leaves the model as trained (its reset would change nothing). */
  readonly active: boolean;
  /** The tab whose sidebar has this stage's controls, given the tab shown now. */
  readonly controlsView: View;
  /** The id of the first control of the stage in that sidebar. */
  readonly controlId: string;
}

/** Ids of the controls the strip jumps to (the sidebars set them). */
export const CONTROL_IDS = {
  prune: 'control-prune-method',
  weights: 'control-weight-format',
  acts: 'control-act-bits',
  storage: 'control-storage-format',
} as const satisfies Record<StageId, string>;

const PRUNE_METHOD: Record<Config['prune']['method'], string> = {
  none: 'off',
  magnitude: 'magnitude, layer-wise',
  global: 'magnitude, global',
  structured: 'structured (whole units)',
  nm: 'N:M',
  random: 'random',
};

const STORAGE_FORMAT: Record<Config['storage']['format'], string> = {
  auto: 'smallest sparse format per layer',
  dense: 'dense (zeros stored)',
  bitmask: 'bitmask',
  csr: 'relative indices',
};

export function pruneState(c: Pick<Config, 'prune'>): string {
  const p = c.prune;
  if (p.method === 'none') return 'off: all weights kept';
  const amount = p.method === 'nm' ? p.pattern : percent(p.sparsity);
  const norm = p.method === 'structured' ? `, ${p.norm.toUpperCase()} norm` : '';
  const ov = Object.values(p.overrides);
  const skipped = ov.filter((v) => v === SKIP_LAYER).length;
  const own = ov.length - skipped;
  const extras = [
    own > 0 ? `${plural(own, 'layer')} with its own sparsity` : '',
    skipped > 0 ? `${plural(skipped, 'layer')} left dense` : '',
  ].filter(Boolean);
  return `${PRUNE_METHOD[p.method]} ${amount}${norm}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

export function weightsState(
  c: Pick<Config, 'weights' | 'overrides' | 'cluster' | 'seed'>,
): string {
  const w = c.weights;
  const global =
    w.format === 'cluster'
      ? `k-means weight sharing, ${c.cluster.k} values per layer`
      : w.format === 'float32'
        ? 'float32: not quantized'
        : // A layer name no model has: the global setting.
          specLabel(layerSpec({ ...c, overrides: {} }, ''));
  const ov = Object.entries(c.overrides);
  if (ov.length === 0) return global;
  const parts = ov
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, bits]) => `${name} ${bits === 0 ? 'float32' : `${bits}-bit`}`);
  return `${global}; per layer: ${parts.join(', ')}`;
}

export function actsState(c: Pick<Config, 'acts'>): string {
  const a = c.acts;
  if (a.bits === 0) return 'float32: not quantized';
  const observer =
    a.observer === 'percentile' ? `${a.percentile}th percentile` : OBSERVER_LABEL[a.observer];
  return `int${a.bits} ${a.scheme}, ${observer} on ${a.calibration} training images`;
}

export function storageState(c: Pick<Config, 'storage' | 'prune'>): string {
  const s = c.storage;
  const sparse =
    c.prune.method === 'none'
      ? 'bit-packed codes'
      : `${STORAGE_FORMAT[s.format]}${s.format === 'csr' || s.format === 'auto' ? (s.indexBits > 0 ? `, ${s.indexBits}-bit indices` : '') : ''}`;
  return `${sparse}, ${s.huffman ? 'Huffman-coded' : 'no entropy coding'}`;
}

/** The stages of `c`'s pipeline; `view` is the tab shown now (its own controls are preferred). */
export function pipelineStages(c: Config, view: View): Stage[] {
  // The labs with weight controls: the Model and Train tabs send you to Quantize.
  const lab: View = view === 'prune' ? 'prune' : 'quantize';
  return [
    {
      id: 'prune',
      title: 'Prune',
      state: pruneState(c),
      active: c.prune.method !== 'none',
      controlsView: 'prune',
      controlId: CONTROL_IDS.prune,
    },
    {
      id: 'weights',
      title: c.weights.format === 'cluster' ? 'Cluster weights' : 'Quantize weights',
      state: weightsState(c),
      active: c.weights.format !== 'float32' || Object.keys(c.overrides).length > 0,
      // k-means settings live on Prune & cluster only.
      controlsView: c.weights.format === 'cluster' ? 'prune' : lab,
      controlId: CONTROL_IDS.weights,
    },
    {
      id: 'acts',
      title: 'Quantize activations',
      state: actsState(c),
      active: c.acts.bits > 0,
      controlsView: 'quantize',
      controlId: CONTROL_IDS.acts,
    },
    {
      id: 'storage',
      title: 'Store',
      state: storageState(c),
      active: c.storage.huffman || c.storage.format !== 'auto' || c.storage.indexBits !== 0,
      controlsView: 'prune',
      controlId: CONTROL_IDS.storage,
    },
  ];
}

/**
 * `c` with one stage back to "as trained": no pruning, float32 weights (no per-layer bits),
 * float32 activations, default storage. Other stages and the view, model, layer and seed stay.
 */
export function resetStage(c: Config, id: StageId): Config {
  switch (id) {
    case 'prune':
      return { ...c, prune: PruneSchema.parse({}) };
    case 'weights':
      return {
        ...c,
        weights: WeightQuantSchema.parse({ format: 'float32' }),
        overrides: {},
        cluster: ClusterSchema.parse({}),
      };
    case 'acts':
      return { ...c, acts: ActQuantSchema.parse({}) };
    case 'storage':
      return { ...c, storage: StorageSchema.parse({}) };
  }
}

/** Every stage reset: the trained model, as shipped. */
export function resetPipeline(c: Config): Config {
  return STAGE_IDS.reduce(resetStage, c);
}
