/** The upload feature's pure API (its shared/ part): what other features may use. */
export { LOAD_TIME_LIMIT_MS, MAX_MODEL_JSON_BYTES, MAX_WEIGHTS_BYTES } from './shared/limits';
export { memoryInput, readUpload } from './shared/readModel';
export { isWeightTensor, layerTensorNames } from './shared/layers';
export type { FidelityInputs, InputProblem } from './shared/userInputs';
export type {
  EvaluationKind,
  ModelKind,
  NormalizedModel,
  UploadInput,
  UploadProblem,
  UploadResult,
  UploadedLayer,
  UploadedTensor,
} from './shared/readModel';
