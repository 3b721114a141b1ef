/** The upload feature's store layer: what other features may use. */
export { openUploadStore } from './uploadStore';
export type { StoredFile, UploadStore, UploadedList, UploadedModelInfo } from './uploadStore';
