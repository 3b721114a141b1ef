/** The upload feature's worker layer: what other features and the platform's workers use. */
export { loadUploadedModel } from './uploadedModel';
export { getUploadedRecord } from './uploadedSource';
