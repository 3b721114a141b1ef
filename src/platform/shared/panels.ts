/**
 * Panels a lesson (or a teacher's link) may hide, as TensorFlow Playground's `_hide` flags do:
 * what is not the lesson's point is not drawn, and results that only a hidden panel shows are not
 * computed. The link carries them as `hide=sweep,sensitivity`.
 */
export const PANELS = [
  'picker',
  'pipeline',
  'explain',
  'advanced',
  'acts',
  'layers',
  'perclass',
  'sweep',
  'sensitivity',
  'cluster',
  'mask',
  'prunesweep',
  'scatter',
  'worked',
  'export',
  'tab-model',
  'tab-quantize',
  'tab-prune',
  'tab-train',
  'tab-tryit',
  'tab-history',
] as const;
export type Panel = (typeof PANELS)[number];

/** What each panel is, as a teacher choosing what to hide reads it. */
export const PANEL_LABELS: Readonly<Record<Panel, string>> = {
  picker: 'Model picker',
  pipeline: 'Pipeline strip',
  explain: 'Explanations',
  advanced: 'Advanced quantization settings (scheme, granularity, rounding, per-layer bits)',
  acts: 'Activation quantization',
  layers: 'Per-layer tables',
  perclass: 'Per-class accuracy',
  sweep: 'Accuracy vs bit-width sweep',
  sensitivity: 'Per-layer sensitivity',
  cluster: 'Clustering and storage settings',
  mask: 'Pruning mask image',
  prunesweep: 'Accuracy vs sparsity sweep',
  scatter: 'Experiments scatter',
  worked: 'Worked example',
  export: 'Export',
  'tab-model': 'Model tab',
  'tab-quantize': 'Quantize tab',
  'tab-prune': 'Prune & cluster tab',
  'tab-train': 'Train tab',
  'tab-tryit': 'Try it tab',
  'tab-history': 'History tab',
};

/** Whether a panel is drawn under the given hide list. */
export function isShown(hide: readonly Panel[], panel: Panel): boolean {
  return !hide.includes(panel);
}
