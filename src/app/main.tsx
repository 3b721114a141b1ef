import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startController } from '../platform/state/controller';
import { useStore } from '../platform/state/store';
import { startUrlSync } from '../platform/state/urlSync';
import { App } from './App';
import { useTrainedList } from '../features/model/state/appTrained';
import { useUploads } from '../features/upload/state';
import { useRuns } from '../features/train/state/appRuns';
import { startHistoryAutosave } from '../features/history/state';
import { createEngineClient, createStatsClient } from '../platform/worker/workers';
import { startServiceWorker } from './serviceWorker';
import './styles.css';

// A worker that crashes or falls silent is replaced; the controller names it in a notice and asks
// again for what it was computing.
const client = createEngineClient();
const statsClient = createStatsClient();
startUrlSync(useStore);
// The models trained in this browser, for the picker (and to check a link's trained model).
void useTrainedList.getState().refresh();
// The models uploaded in this browser, for the picker (and to check a link's uploaded model).
void useUploads.getState().refresh();

// `?debug` exposes the worker clients and the store to benchmarks and tests (bench/) through the page.
if (new URLSearchParams(window.location.search).has('debug')) {
  (window as unknown as { __playground: unknown }).__playground = {
    client,
    stats: statsClient,
    store: useStore,
    runs: useRuns,
  };
}
startController(useStore, client, statsClient);
// Offline after the first visit; a new version waits for the user's Reload.
startServiceWorker(() =>
  useStore
    .getState()
    .addNotice(
      'info',
      'Ready to work offline: the app, the models and the MNIST test set are saved.',
    ),
);
// Every finished measurement and training run joins the experiments history (IndexedDB).
startHistoryAutosave(useRuns);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
