/** The compress feature's worker layer: what other features may use. */
export { applySettings } from './apply';
