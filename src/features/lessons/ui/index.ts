/** The lessons feature's UI layer: what other features may use. */
export { WorkedExample } from './WorkedExample';
