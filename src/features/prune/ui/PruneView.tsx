import { ExperimentsScatter } from './ExperimentsScatter';
import { MaskView } from './MaskView';
import { PruneExplainer } from './PruneExplainer';
import { PruneLayerTable } from './PruneLayerTable';
import { PruneSweepChart } from './PruneSweepChart';
import { QuantHistogram } from '../../compress/ui';
import { PipelineStrip } from '../../compress/ui';
import { QuantSummary } from '../../compress/ui';
import { SizeBreakdown } from '../../compress/ui';
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
