/** The quantize feature's worker layer: what other features may use. */
export { actQuantizers, calibrate, calibrationKey, inspectActivations } from './calibration';
