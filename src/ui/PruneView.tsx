import { ExperimentsScatter } from './ExperimentsScatter';
import { MaskView } from './MaskView';
import { PruneExplainer } from './PruneExplainer';
import { PruneLayerTable } from './PruneLayerTable';
import { PruneSweepChart } from './PruneSweepChart';
import { QuantHistogram } from './QuantHistogram';
import { PipelineStrip } from './PipelineStrip';
import { QuantSummary } from './QuantSummary';
import { SizeBreakdown } from './SizeBreakdown';
import { SparsityChart } from './SparsityChart';

export function PruneView() {
  return (
    <>
      <PipelineStrip />
      <QuantSummary />
      <div className="grid-2">
        <SparsityChart />
        <PruneSweepChart />
      </div>
      <div className="grid-2">
        <MaskView />
        <QuantHistogram />
      </div>
      <div className="grid-2">
        <SizeBreakdown />
        <ExperimentsScatter />
      </div>
      <PruneLayerTable />
      <PruneExplainer />
    </>
  );
}
