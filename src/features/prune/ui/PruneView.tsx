import { Shown } from '../../../platform/ui/Shown';
import { ExportPanel } from '../../export/ui';
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
      <Shown panel="pipeline">
        <PipelineStrip />
      </Shown>
      <QuantSummary />
      <div className="grid-2">
        <SparsityChart />
        <Shown panel="prunesweep">
          <PruneSweepChart />
        </Shown>
      </div>
      <div className="grid-2">
        <Shown panel="mask">
          <MaskView />
        </Shown>
        <QuantHistogram />
      </div>
      <div className="grid-2">
        <SizeBreakdown />
        <Shown panel="scatter">
          <ExperimentsScatter />
        </Shown>
      </div>
      <Shown panel="layers">
        <PruneLayerTable />
      </Shown>
      <Shown panel="export">
        <ExportPanel />
      </Shown>
      <Shown panel="explain">
        <PruneExplainer />
      </Shown>
    </>
  );
}
