import { create } from 'zustand';
import type { ArchId, DatasetId } from '../core/catalog';
import { DEFAULT_CONFIG } from '../core/config';
import type { Config } from '../core/config';
import type { BackendInfo } from '../worker/backend';
import type { Evaluation, LayerHistogram, ModelSummary } from '../worker/engine';

/**
 * Results carry the key of the config they were computed from: a result whose key differs from
 * the current config's is stale and is never shown as current (see selectors.ts).
 */
export interface Keyed<T> {
  readonly key: string;
  readonly data: T;
}

export type JobStatus = 'idle' | 'running' | 'done' | 'error';

export interface Notice {
  readonly id: number;
  readonly kind: 'warning' | 'error';
  readonly text: string;
}

export interface State {
  config: Config;
  backend: BackendInfo | null;
  summary: Keyed<ModelSummary> | null;
  histogram: Keyed<LayerHistogram> | null;
  /** Quick estimate on a subset, then replaced by the full test set. */
  evaluation: Keyed<Evaluation> | null;
  evalStatus: JobStatus;
  loadStatus: JobStatus;
  notices: Notice[];
}

export interface Actions {
  setDataset: (dataset: DatasetId) => void;
  setArch: (arch: ArchId) => void;
  selectLayer: (layer: string) => void;
  setBins: (bins: number) => void;
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
  evalStatus: 'idle',
  loadStatus: 'idle',
  notices: [],
};

let nextNoticeId = 1;

export const useStore = create<State & Actions>()((set) => ({
  ...initialState,
  // A new model has other layers: the layer selection goes back to the first layer.
  setDataset: (dataset) => set((s) => ({ config: { ...s.config, dataset, layer: null } })),
  setArch: (arch) => set((s) => ({ config: { ...s.config, arch, layer: null } })),
  selectLayer: (layer) => set((s) => ({ config: { ...s.config, layer } })),
  setBins: (bins) => set((s) => ({ config: { ...s.config, bins } })),
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
