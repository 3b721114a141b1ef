import { Shown } from '../../../platform/ui/Shown';
import { ExportPanel } from '../../export/ui';
import { WorkedExample } from '../../lessons/ui';
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
import { SpeedPanel } from '../../infer/ui';
import { SweepChart } from './SweepChart';

export function QuantizeView() {
  return (
    <>
      <Shown panel="pipeline">
        <PipelineStrip />
      </Shown>
      <QuantSummary />
      <div className="grid-2">
        <QuantHistogram />
        <Shown panel="sweep">
          <SweepChart />
        </Shown>
      </div>
      <Shown panel="worked">
        <WorkedExample />
      </Shown>
      <Shown panel="layers">
        <ChannelRanges />
      </Shown>
      <div className="grid-2">
        <SizeBreakdown />
        <Shown panel="acts">
          <ActivationHistogram />
        </Shown>
      </div>
      <SpeedPanel />
      <Shown panel="layers">
        <LayerQuantTable />
      </Shown>
      <div className="grid-2">
        <Shown panel="perclass">
          <ClassComparison />
        </Shown>
        <Shown panel="sensitivity">
          <SensitivityPanel />
        </Shown>
      </div>
      <Shown panel="export">
        <ExportPanel />
      </Shown>
      <Shown panel="explain">
        <QuantExplainer />
      </Shown>
    </>
  );
}
