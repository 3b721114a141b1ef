/** The tryit feature's pure API (its shared/ part): what other features and the platform use. */
export { INITIAL_TRYIT } from './shared/source';
export type { TryitState } from './shared/source';
