import { Shown } from '../../../platform/ui/Shown';
import { LayerTable } from './LayerTable';
import { ModelCard } from './ModelCard';
import { PerClassAccuracy } from './PerClassAccuracy';
import { WeightHistogram } from './WeightHistogram';

export function ModelView() {
  return (
    <>
      <ModelCard />
      <div className="grid-2">
        <WeightHistogram />
        <Shown panel="perclass">
          <PerClassAccuracy />
        </Shown>
      </div>
      <Shown panel="layers">
        <LayerTable />
      </Shown>
    </>
  );
}
