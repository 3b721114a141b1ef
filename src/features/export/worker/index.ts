/** The export feature's worker layer: what the engine spreads into its API. */
export { exportApi, exportLoadedModel, topologyOf } from './exportModel';
export type { ExportDeps, ModelJsonSource } from './exportModel';
