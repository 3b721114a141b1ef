/** The infer feature's UI: the Speed panel of the Quantize tab. */
export { SpeedPanel } from './SpeedPanel';
