/** The export feature's worker layer: what the engine spreads into its API. */
export { exportApi, exportLoadedModel, exportUploadedModel, topologyOf } from './exportModel';
export { MANIFEST_FILE, MODEL_FILE, WEIGHTS_FILE } from '../shared/modelExport';
export type { ModelExport } from '../shared/modelExport';
export { SIDECAR_FILE } from '../shared/sidecar';
export type { ExportDeps, ModelJsonSource } from './exportModel';
