/** The upload feature's worker layer: what other features and the platform's workers use. */
export { fidelityApi } from './fidelity';
export type { Fidelity } from './fidelity';
export { loadUploadedModel } from './uploadedModel';
export { getUploadedRecord } from './uploadedSource';
