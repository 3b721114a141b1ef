/** The export feature's ui layer: what other features may use. */
export { ExportPanel } from './ExportPanel';
