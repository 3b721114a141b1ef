/** The upload feature's state layer: what other features and the app may use. */
export { uploadStore, useUploads } from './appUploads';
export type { UploadStatus, UploadsState } from './appUploads';
