/** The model feature's state layer: what other features may use. */
export { trainedStore, useTrainedList } from './appTrained';
