import { create } from 'zustand';
import type { ArchId, DatasetId } from '../core/catalog';
import { DEFAULT_CONFIG } from '../core/config';
import type { ActQuant, Config, View, WeightQuant } from '../core/config';
import type { BackendInfo } from '../worker/backend';
import type { Evaluation, LayerHistogram, ModelSummary } from '../worker/engine';
import type { ActInspection, WeightInspection } from '../worker/quant';

/**
 * Results carry the key of the config they were computed from: a result whose key differs from
 * the current config's is stale and is never shown as current (see selectors.ts).
 */
export interface Keyed<T> {
  readonly key: string;
  readonly data: T;
}

export interface Notice {
  readonly id: number;
  readonly kind: 'warning' | 'error';
  readonly text: string;
}

/** One point of the accuracy-vs-bit-width sweep. */
export interface SweepPoint {
  readonly bits: number;
  /** Weight-only PTQ accuracy at `bits`. */
  readonly weightOnly: number | null;
  /** Weights at `bits` and activations at the sweep's activation bits. */
  readonly weightAct: number | null;
}

export interface Sweep {
  readonly actBits: number;
  readonly points: readonly SweepPoint[];
  readonly done: boolean;
}

/** Accuracy when one layer alone is quantized, per candidate bit-width. */
export interface SensitivityRow {
  readonly layer: string;
  /** bits → accuracy (fraction) on the full test set. */
  readonly accuracy: Readonly<Record<number, number>>;
}

export interface Sensitivity {
  readonly candidates: readonly number[];
  readonly rows: readonly SensitivityRow[];
  readonly done: boolean;
}

export interface Results {
  summary: Keyed<ModelSummary> | null;
  histogram: Keyed<LayerHistogram> | null;
  /** The trained model's accuracy: a quick estimate on a subset, then the full test set. */
  evaluation: Keyed<Evaluation> | null;
  /** The compressed model's accuracy, streamed the same way. */
  quantEvaluation: Keyed<Evaluation> | null;
  weightInspection: Keyed<WeightInspection> | null;
  actInspection: Keyed<ActInspection> | null;
  sweep: Keyed<Sweep> | null;
  sensitivity: Keyed<Sensitivity> | null;
}

export interface State extends Results {
  config: Config;
  backend: BackendInfo | null;
  /** Key of the sensitivity analysis the user asked for ('' = none). */
  sensitivityRequest: string;
  /** Names of results being computed right now. */
  busy: ReadonlySet<keyof Results>;
  notices: Notice[];
}

export interface Actions {
  setDataset: (dataset: DatasetId) => void;
  setArch: (arch: ArchId) => void;
  setView: (view: View) => void;
  selectLayer: (layer: string) => void;
  setBins: (bins: number) => void;
  setWeightQuant: (patch: Partial<WeightQuant>) => void;
  setActQuant: (patch: Partial<ActQuant>) => void;
  /** bits = null removes the override; 0 keeps the layer float32. */
  setLayerOverride: (layer: string, bits: number | null) => void;
  replaceOverrides: (overrides: Config['overrides']) => void;
  requestSensitivity: (key: string) => void;
  /** Replaces the whole config (from a link). */
  replaceConfig: (config: Config) => void;
  addNotice: (kind: Notice['kind'], text: string) => void;
  dismissNotice: (id: number) => void;
}

export const initialState: State = {
  config: DEFAULT_CONFIG,
  backend: null,
  summary: null,
  histogram: null,
  evaluation: null,
  quantEvaluation: null,
  weightInspection: null,
  actInspection: null,
  sweep: null,
  sensitivity: null,
  sensitivityRequest: '',
  busy: new Set(),
  notices: [],
};

let nextNoticeId = 1;

export const useStore = create<State & Actions>()((set) => ({
  ...initialState,
  // A new model has other layers: the layer selection and per-layer overrides are reset.
  setDataset: (dataset) => set((s) => ({ config: { ...s.config, dataset, layer: null, overrides: {} } })),
  setArch: (arch) => set((s) => ({ config: { ...s.config, arch, layer: null, overrides: {} } })),
  setView: (view) => set((s) => ({ config: { ...s.config, view } })),
  selectLayer: (layer) => set((s) => ({ config: { ...s.config, layer } })),
  setBins: (bins) => set((s) => ({ config: { ...s.config, bins } })),
  setWeightQuant: (patch) => set((s) => ({ config: { ...s.config, weights: { ...s.config.weights, ...patch } } })),
  setActQuant: (patch) => set((s) => ({ config: { ...s.config, acts: { ...s.config.acts, ...patch } } })),
  setLayerOverride: (layer, bits) =>
    set((s) => {
      const overrides = { ...s.config.overrides };
      if (bits === null) delete overrides[layer];
      else overrides[layer] = bits;
      return { config: { ...s.config, overrides } };
    }),
  replaceOverrides: (overrides) => set((s) => ({ config: { ...s.config, overrides } })),
  requestSensitivity: (key) => set({ sensitivityRequest: key }),
  replaceConfig: (config) => set({ config }),
  addNotice: (kind, text) =>
    set((s) =>
      s.notices.some((n) => n.text === text)
        ? s
        : { notices: [...s.notices, { id: nextNoticeId++, kind, text }].slice(-6) },
    ),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));

export type Store = typeof useStore;
