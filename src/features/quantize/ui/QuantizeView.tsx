import { ActivationHistogram } from './ActivationHistogram';
import { ChannelRanges } from './ChannelRanges';
import { ClassComparison } from './ClassComparison';
import { LayerQuantTable } from './LayerQuantTable';
import { QuantExplainer } from './QuantExplainer';
import { QuantHistogram } from '../../compress/ui';
import { PipelineStrip } from '../../compress/ui';
import { QuantSummary } from '../../compress/ui';
import { SensitivityPanel } from './SensitivityPanel';
import { SizeBreakdown } from '../../compress/ui';
import { SweepChart } from './SweepChart';

export function QuantizeView() {
  return (
    <>
      <PipelineStrip />
      <QuantSummary />
      <div className="grid-2">
        <QuantHistogram />
        <SweepChart />
      </div>
      <ChannelRanges />
      <div className="grid-2">
        <SizeBreakdown />
        <ActivationHistogram />
      </div>
      <LayerQuantTable />
      <div className="grid-2">
        <ClassComparison />
        <SensitivityPanel />
      </div>
      <QuantExplainer />
    </>
  );
}
