import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startController } from '../platform/state/controller';
import { useStore } from '../platform/state/store';
import { startUrlSync } from '../platform/state/urlSync';
import { App } from './App';
import { useTrainedList } from '../features/model/state/appTrained';
import { useUploads } from '../features/upload/state';
import { useRuns } from '../features/train/state/appRuns';
import { client, statsClient } from './main';
import { createSecondWorker, hasSpareCore } from '../platform/state/secondWorker';
import { createEngineClient, liveEngineClients } from '../platform/worker/workers';
import { saveForOffline, startServiceWorker } from './serviceWorker';
import { DATASETS } from '../features/model/shared/catalog';
import { servedPath } from '../platform/shared/dataFiles';
import { createEvaluationMemo } from '../platform/state/evaluationMemo';
import { afterFirstAccuracies } from './firstAccuracy';
import './styles.css';

startUrlSync(useStore);
// The models trained in this browser, for the picker (and to check a link's trained model).
void useTrainedList.getState().refresh();
// The models uploaded in this browser, for the picker (and to check a link's uploaded model).
void useUploads.getState().refresh();

/**
 * A second compute worker, for slow models' evaluations (the test set split in two: see
 * quickThenFull) and long sweeps (evaluateEach). Only where it has a core to itself
 * (hasSpareCore). Started on first use, closed after a minute unused.
 */
const second = createSecondWorker(
  () => hasSpareCore(useStore.getState().backend, navigator.hardwareConcurrency),
  () =>
    createEngineClient(
      (message) =>
        useStore
          .getState()
          .addNotice(
            'error',
            `The second compute worker stopped (${message}); it was restarted, and any part of an evaluation it held was redone by the first.`,
          ),
      'second compute worker',
    ),
);
// The full-test-set evaluations measured in this page, answered again without a worker.
const evaluations = createEvaluationMemo();
// `?debug` exposes the worker clients and the store to benchmarks and tests (bench/) through the page.
if (new URLSearchParams(window.location.search).has('debug')) {
  (window as unknown as { __playground: unknown }).__playground = {
    client,
    stats: statsClient,
    store: useStore,
    runs: useRuns,
    second,
    evaluations,
    engines: liveEngineClients,
  };
}
// The compute worker measures the first screen's accuracies without tfjs (its first-screen
// engine); its tfjs backend is asked for once they are in (or after 2 s), so that loading tfjs
// (1.1 MB of script to compile and run, then the backend) does not compete with them for the
// worker's thread and the cores.
startController(useStore, client, statsClient, second, evaluations, (init) =>
  afterFirstAccuracies(useStore, init, 2_000),
);
// Offline after the first visit; a new version waits for the user's Reload. Registered once the
// first screen's accuracies are in (or after 10 s), so that its precache does not delay them.
afterFirstAccuracies(useStore, () => startServiceWorker(() => void offlineReady()), 10_000);

/**
 * The precache holds the MNIST test set (vite.config.ts); another dataset's, which this visit
 * loaded before the service worker took over, is saved now, so that the notice is true of the
 * dataset in use.
 */
async function offlineReady(): Promise<void> {
  const { dataset } = useStore.getState().config;
  const saved =
    dataset !== 'mnist' &&
    (await saveForOffline(
      [`data/${dataset}/test-images.u8`, `data/${dataset}/test-labels.u8`].map(servedPath),
    ));
  const other = DATASETS.find((d) => d.id === dataset)?.label ?? dataset;
  useStore
    .getState()
    .addNotice(
      'info',
      saved
        ? `Ready to work offline: the app, the models and the MNIST and ${other} test sets are saved.`
        : dataset === 'mnist'
          ? 'Ready to work offline: the app, the models and the MNIST test set are saved.'
          : `Ready to work offline with MNIST: the app, the models and the MNIST test set are saved; the ${other} test set could not be saved, and is saved when it next loads online.`,
    );
}
// Every finished measurement and training run joins the experiments history (IndexedDB). It
// loads after the first screen's code (≈ 9 KB gzip less there): it reads the state as it is when
// it starts, and a measurement is saved only after 1.5 s of stable settings, so none is missed.
void import('../features/history/state').then((h) => h.startHistoryAutosave(useRuns));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
