import { useStore } from '../state/store';
import { Header } from './Header';
import { ModelPicker } from './ModelPicker';
import { ModelView } from './ModelView';
import { Notices } from './Notices';
import { QuantControls } from './QuantControls';
import { PruneControls } from './PruneControls';
import { PruneView } from './PruneView';
import { QuantizeView } from './QuantizeView';
import { Tabs } from './Tabs';

export function App() {
  const view = useStore((s) => s.config.view);
  return (
    <div className="app">
      <Header />
      <Notices />
      <main className="layout">
        <aside className="sidebar">
          <ModelPicker />
          {view === 'quantize' && <QuantControls />}
          {view === 'prune' && <PruneControls />}
        </aside>
        <div className="content">
          <Tabs />
          {view === 'model' && <ModelView />}
          {view === 'quantize' && <QuantizeView />}
          {view === 'prune' && <PruneView />}
        </div>
      </main>
    </div>
  );
}
