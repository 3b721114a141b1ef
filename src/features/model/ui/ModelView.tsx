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
        <PerClassAccuracy />
      </div>
      <LayerTable />
    </>
  );
}
