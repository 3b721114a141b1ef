/** The compress feature's ui layer: what other features may use. */
export { PipelineStrip } from './PipelineStrip';
export { QuantHistogram } from './QuantHistogram';
export { QuantSummary } from './QuantSummary';
export { SizeBreakdown } from './SizeBreakdown';
export {
  bitSweepCaption,
  pruneSweepCaption,
  prunedModel,
  referencesCaption,
  sensitivityCaption,
} from './sweepNotes';
