import { Header } from './Header';
import { LayerTable } from './LayerTable';
import { ModelCard } from './ModelCard';
import { ModelPicker } from './ModelPicker';
import { Notices } from './Notices';
import { PerClassAccuracy } from './PerClassAccuracy';
import { WeightHistogram } from './WeightHistogram';

export function App() {
  return (
    <div className="app">
      <Header />
      <Notices />
      <main className="layout">
        <aside className="sidebar">
          <ModelPicker />
        </aside>
        <div className="content">
          <ModelCard />
          <div className="grid-2">
            <WeightHistogram />
            <PerClassAccuracy />
          </div>
          <LayerTable />
        </div>
      </main>
    </div>
  );
}
