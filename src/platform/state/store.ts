import { createStore, useStore as useZustandStore } from 'zustand';
import type { StoreApi, UseBoundStore } from 'zustand';
import { perFrame } from './perFrame';
import type { ArchId, DatasetId } from '../../features/model/shared/catalog';
import { DEFAULT_CONFIG } from '../shared/config';
import type {
  ActQuant,
  Cluster,
  Config,
  Prune,
  Storage,
  View,
  WeightQuant,
} from '../shared/config';
import { resetPipeline, resetStage } from '../../features/compress/shared/stages';
import type { TrainSettings } from '../../features/train/shared/settings';
import type { TrainedModelId, UploadedModelId } from '../../features/model/shared/modelId';
import type { StageId } from '../../features/compress/shared/stages';
import type { BackendInfo } from '../worker/backend';
import type {
  Evaluation,
  LayerHistogram,
  Misclassified,
  ModelSummary,
  SoftTargets,
} from '../worker/engine';
import type { ActInspection } from '../../features/quantize/worker/calibration';
import type {
  CompressionReport,
  LayerErrors,
  MaskImage,
  WeightInspection,
} from '../../features/compress/shared/inspect';
import { INITIAL_TRYIT } from '../../features/tryit';
import type { TryitState } from '../../features/tryit';
import type { TryitPrediction, TryitPredictions } from '../../features/tryit/worker';
import type { FidelityInputs } from '../../features/upload';
import type { Fidelity } from '../../features/upload/worker';

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
  /** 'info' says what happened and needs nothing from the user. */
  readonly kind: 'info' | 'warning' | 'error';
  readonly text: string;
}

/** One point of the accuracy-vs-bit-width sweep. */
export interface SweepPoint {
  readonly bits: number;
  /** Weight-only PTQ accuracy at `bits`. */
  readonly weightOnly: number | null;
  /** Weights at `bits` and activations at the sweep's activation bits. */
  readonly weightAct: number | null;
  /**
   * While `weightOnly` is null on a slow model: its estimate on the first `Sweep.estimatedOn`
   * test images, until the rest of the test set is measured (evaluateEach's estimates first).
   */
  readonly weightOnlyEstimate?: number;
  /** The same for `weightAct`. */
  readonly weightActEstimate?: number;
}

export interface Sweep {
  readonly actBits: number;
  /** How many test images each estimate took (QUICK_EVAL_COUNT), where the sweep makes them. */
  readonly estimatedOn?: number;
  readonly points: readonly SweepPoint[];
  /** Weight-only accuracy with float16 and bfloat16 weights: the 16-bit reference points. */
  readonly references: Readonly<Partial<Record<'float16' | 'bfloat16', number>>>;
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
  /** Accuracy with every layer float32 on the same pipeline (pruning included): drops are from it. */
  readonly reference: number;
  readonly rows: readonly SensitivityRow[];
  readonly done: boolean;
}

/** One point of the accuracy-vs-sparsity sweep: accuracy per method at this sparsity. */
export interface PruneSweepPoint {
  readonly sparsity: number;
  /** Per method, the whole test set's accuracy. */
  readonly accuracy: Readonly<Record<string, number>>;
  /**
   * Per method without a whole-test-set accuracy yet, on a slow model: its estimate on the first
   * `PruneSweep.estimatedOn` test images (evaluateEach's estimates first).
   */
  readonly estimate?: Readonly<Record<string, number>>;
}

export interface PruneSweep {
  readonly methods: readonly string[];
  /** How many test images each estimate took (QUICK_EVAL_COUNT), where the sweep makes them. */
  readonly estimatedOn?: number;
  readonly points: readonly PruneSweepPoint[];
  /** N:M patterns have a fixed sparsity: one point each. */
  readonly nm: readonly { pattern: string; sparsity: number; accuracy: number }[];
  readonly done: boolean;
}

/** A configuration the user measured this session: accuracy against true size. */
export interface Experiment {
  readonly key: string;
  readonly model: string;
  readonly label: string;
  readonly accuracy: number;
  readonly sizeBits: number;
  readonly float32Bits: number;
}

export interface Results {
  summary: Keyed<ModelSummary> | null;
  histogram: Keyed<LayerHistogram> | null;
  /** The trained model's accuracy: a quick estimate on a subset, then the full test set. */
  evaluation: Keyed<Evaluation> | null;
  /** The compressed model's accuracy, streamed the same way. */
  quantEvaluation: Keyed<Evaluation> | null;
  weightInspection: Keyed<WeightInspection> | null;
  /** SQNR, MSE and levels of every layer of the compressed model. */
  layerErrors: Keyed<LayerErrors> | null;
  actInspection: Keyed<ActInspection> | null;
  sweep: Keyed<Sweep> | null;
  sensitivity: Keyed<Sensitivity> | null;
  report: Keyed<CompressionReport> | null;
  maskImage: Keyed<MaskImage> | null;
  pruneSweep: Keyed<PruneSweep> | null;
  /** Distillation: one test image and the teacher's logits for it (the Train tab). */
  softTargets: Keyed<SoftTargets> | null;
  /** Distillation: the test images the teacher misclassifies. */
  misclassified: Keyed<Misclassified> | null;
  /**
   * Fine-tuning's reference: the model pruned one-shot by the pipeline's pruning stage, float32,
   * no retraining (the Train tab draws it beside the fine-tuning curve).
   */
  oneShot: Keyed<Evaluation> | null;
  /** Try it: the original and the compressed model's logits for the drawing or test image. */
  tryitPrediction: Keyed<TryitPrediction> | null;
  /** Try it: both models' top-1 class of every test image (misclassified only by the compressed). */
  tryitPredictions: Keyed<TryitPredictions> | null;
  /** An uploaded model of another shape: the compressed model's agreement and KL to the original. */
  fidelity: Keyed<Fidelity> | null;
}

export interface State extends Results {
  config: Config;
  backend: BackendInfo | null;
  /** Key of the sensitivity analysis the user asked for ('' = none). */
  sensitivityRequest: string;
  /**
   * Jobs the user cancelled, with the key they were cancelled at: not computed again while
   * their key stays the same (a sweep of other settings runs).
   */
  cancelled: Partial<Record<keyof Results, string>>;
  /** The Try it tab's input (a drawing or a test image): not part of the config or the link. */
  tryit: TryitState;
  /** An uploaded model's fidelity measured on the user's own inputs (memory only), or null. */
  fidelityInputs: FidelityInputs | null;
  /** Names of results being computed right now. */
  busy: ReadonlySet<keyof Results>;
  /**
   * Whether an accuracy waits for the settings to rest before it is measured (a quick gesture:
   * a slider dragged, a key held; see the controller's GESTURE_MS). The readout says so.
   */
  heldForRest: boolean;
  notices: Notice[];
  /** Every compressed configuration measured this session, newest last (capped). */
  experiments: Experiment[];
}

export interface Actions {
  setDataset: (dataset: DatasetId) => void;
  setArch: (arch: ArchId) => void;
  /**
   * Works on a model trained in this browser (null: back to the shipped `arch`); `dataset` and
   * `arch` are the ones it was trained from.
   */
  pickTrainedModel: (
    id: TrainedModelId | null,
    dataset: DatasetId,
    arch: ArchId,
    recipe?: string | null,
  ) => void;
  /** Works on a model uploaded in this browser (null: back to the trained or shipped one). */
  pickUploadedModel: (id: UploadedModelId | null) => void;
  setView: (view: View) => void;
  selectLayer: (layer: string) => void;
  setBins: (bins: number) => void;
  setWeightQuant: (patch: Partial<WeightQuant>) => void;
  setActQuant: (patch: Partial<ActQuant>) => void;
  setPrune: (patch: Partial<Prune>) => void;
  /** null removes the override; SKIP_LAYER leaves the layer dense. */
  setPruneOverride: (layer: string, sparsity: number | null) => void;
  setCluster: (patch: Partial<Cluster>) => void;
  setStorage: (patch: Partial<Storage>) => void;
  setTrain: (patch: Partial<TrainSettings>) => void;
  recordExperiment: (e: Experiment) => void;
  /** bits = null removes the override; 0 keeps the layer float32. */
  setLayerOverride: (layer: string, bits: number | null) => void;
  replaceOverrides: (overrides: Config['overrides']) => void;
  requestSensitivity: (key: string) => void;
  /** Stops a running job (a sweep, the sensitivity analysis) for the settings of `key`. */
  cancelJob: (name: keyof Results, key: string) => void;
  /** Computes a cancelled job again. */
  resumeJob: (name: keyof Results) => void;
  setTryit: (patch: Partial<TryitState>) => void;
  setFidelityInputs: (inputs: FidelityInputs | null) => void;
  /** Turns one pipeline stage off (see core/plan/stages.ts). */
  resetStage: (id: StageId) => void;
  /** Back to the trained model: every stage off. */
  resetPipeline: () => void;
  /** Replaces the whole config (from a link). */
  replaceConfig: (config: Config) => void;
  /** The classroom's settings: the lesson followed, hidden panels, projector mode. */
  setClassroom: (patch: Partial<Pick<Config, 'lesson' | 'hide' | 'projector'>>) => void;
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
  report: null,
  maskImage: null,
  layerErrors: null,
  pruneSweep: null,
  softTargets: null,
  misclassified: null,
  oneShot: null,
  tryitPrediction: null,
  tryitPredictions: null,
  fidelity: null,
  sensitivityRequest: '',
  cancelled: {},
  tryit: INITIAL_TRYIT,
  fidelityInputs: null,
  experiments: [],
  busy: new Set(),
  heldForRest: false,
  notices: [],
};

let nextNoticeId = 1;

/** Another model has other layers: per-layer choices do not carry over. */
function withoutLayerSettings(c: Config): Config {
  return { ...c, layer: null, overrides: {}, prune: { ...c.prune, overrides: {} } };
}

function withoutEntry<K extends string, V>(
  record: Partial<Record<K, V>>,
  key: K,
): Partial<Record<K, V>> {
  if (!(key in record)) return record;
  const rest = { ...record };
  delete rest[key];
  return rest;
}

/**
 * A new store (the app has one, `useStore`; tests make their own). Its hook re-renders views at
 * most once per frame (perFrame.ts says why); its getState, setState and subscribe are the
 * store's own, synchronous.
 */
export const createAppStore = (): UseBoundStore<StoreApi<State & Actions>> => {
  const api = createAppStoreApi();
  const views = perFrame(api);
  const useBound = <U>(selector: (s: State & Actions) => U = (s) => s as U): U =>
    useZustandStore(views, selector);
  return Object.assign(useBound, api) as UseBoundStore<StoreApi<State & Actions>>;
};

const createAppStoreApi = () =>
  createStore<State & Actions>()((set) => ({
    ...initialState,
    // A new model has other layers: the layer selection and per-layer overrides are reset.
    setDataset: (dataset) =>
      set((s) => ({
        config: withoutLayerSettings({ ...s.config, dataset, trained: null, trainedRecipe: null }),
      })),
    setArch: (arch) =>
      set((s) => ({
        config: withoutLayerSettings({
          ...s.config,
          arch,
          trained: null,
          trainedRecipe: null,
          uploaded: null,
        }),
      })),
    pickTrainedModel: (id, dataset, arch, recipe = null) =>
      set((s) => ({
        config: withoutLayerSettings({
          ...s.config,
          trained: id,
          trainedRecipe: id === null ? null : recipe,
          uploaded: null,
          dataset,
          arch,
        }),
      })),
    pickUploadedModel: (id) =>
      set((s) =>
        s.config.uploaded === id
          ? s
          : { config: withoutLayerSettings({ ...s.config, uploaded: id }) },
      ),
    setView: (view) => set((s) => ({ config: { ...s.config, view } })),
    selectLayer: (layer) => set((s) => ({ config: { ...s.config, layer } })),
    setBins: (bins) => set((s) => ({ config: { ...s.config, bins } })),
    setWeightQuant: (patch) =>
      set((s) => ({ config: { ...s.config, weights: { ...s.config.weights, ...patch } } })),
    setActQuant: (patch) =>
      set((s) => ({ config: { ...s.config, acts: { ...s.config.acts, ...patch } } })),
    setLayerOverride: (layer, bits) =>
      set((s) => {
        const overrides = { ...s.config.overrides };
        if (bits === null) delete overrides[layer];
        else overrides[layer] = bits;
        return { config: { ...s.config, overrides } };
      }),
    setPrune: (patch) =>
      set((s) => ({ config: { ...s.config, prune: { ...s.config.prune, ...patch } } })),
    setPruneOverride: (layer, sparsity) =>
      set((s) => {
        const overrides = { ...s.config.prune.overrides };
        if (sparsity === null) delete overrides[layer];
        else overrides[layer] = sparsity;
        return { config: { ...s.config, prune: { ...s.config.prune, overrides } } };
      }),
    setCluster: (patch) =>
      set((s) => ({ config: { ...s.config, cluster: { ...s.config.cluster, ...patch } } })),
    setStorage: (patch) =>
      set((s) => ({ config: { ...s.config, storage: { ...s.config.storage, ...patch } } })),
    setTrain: (patch) =>
      set((s) => ({ config: { ...s.config, train: { ...s.config.train, ...patch } } })),
    recordExperiment: (e) =>
      set((s) =>
        s.experiments.some((x) => x.key === e.key)
          ? s
          : { experiments: [...s.experiments, e].slice(-200) },
      ),
    replaceOverrides: (overrides) => set((s) => ({ config: { ...s.config, overrides } })),
    requestSensitivity: (key) =>
      set((s) => ({
        sensitivityRequest: key,
        cancelled: withoutEntry(s.cancelled, 'sensitivity'),
      })),
    cancelJob: (name, key) => set((s) => ({ cancelled: { ...s.cancelled, [name]: key } })),
    resumeJob: (name) => set((s) => ({ cancelled: withoutEntry(s.cancelled, name) })),
    setTryit: (patch) => set((s) => ({ tryit: { ...s.tryit, ...patch } })),
    setFidelityInputs: (fidelityInputs) => set({ fidelityInputs }),
    resetStage: (id) => set((s) => ({ config: resetStage(s.config, id) })),
    resetPipeline: () => set((s) => ({ config: resetPipeline(s.config) })),
    replaceConfig: (config) => set({ config }),
    setClassroom: (patch) => set((s) => ({ config: { ...s.config, ...patch } })),
    addNotice: (kind, text) =>
      set((s) =>
        s.notices.some((n) => n.text === text)
          ? s
          : { notices: [...s.notices, { id: nextNoticeId++, kind, text }].slice(-6) },
      ),
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  }));

export const useStore = createAppStore();

export type Store = typeof useStore;
