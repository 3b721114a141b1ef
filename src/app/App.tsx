import { Suspense, useEffect } from 'react';
import type { MouseEvent } from 'react';
import { useStore } from '../platform/state/store';
import { Header } from './Header';
import { ModelPicker } from '../features/model/ui/ModelPicker';
import { ModelView } from '../features/model/ui/ModelView';
import { Notices } from './Notices';
import { UpdatePrompt } from './UpdatePrompt';
import { TAB_PANEL_ID, Tabs, tabId } from './Tabs';
import { MissingTrainedModel } from '../features/train/ui/MissingTrainedModel';
import { LessonBar } from '../features/lessons/ui/LessonBar';
import { LessonMaker } from '../features/lessons/ui/LessonMaker';
import { LessonsMenu } from '../features/lessons/ui/LessonsMenu';
import { Shown } from '../platform/ui/Shown';
import { Shortcuts } from './Shortcuts';
import {
  HistoryView,
  PruneControls,
  PruneView,
  QuantControls,
  QuantizeView,
  TrainControls,
  TrainView,
  TryItView,
} from './lazyViews';

/** The skip link's target: the results (the view tabs and the selected view). */
const RESULTS_ID = 'results';

/**
 * The skip link moves the focus itself: following `#results` would replace the URL hash, which
 * holds the experiment's settings.
 */
function skipToResults(e: MouseEvent<HTMLAnchorElement>) {
  e.preventDefault();
  document.getElementById(RESULTS_ID)?.focus();
}

export function App() {
  const view = useStore((s) => s.config.view);
  const projector = useStore((s) => s.config.projector);
  useEffect(() => {
    document.documentElement.classList.toggle('projector', projector);
  }, [projector]);
  return (
    <div className="app">
      <a className="skip-link" href={`#${RESULTS_ID}`} onClick={skipToResults}>
        Skip to results
      </a>
      <Header />
      <Notices />
      <UpdatePrompt />
      <div className="layout">
        <aside className="sidebar" aria-label="Settings">
          <Shown panel="picker">
            <ModelPicker />
          </Shown>
          <MissingTrainedModel />
          <Suspense fallback={<p className="muted">Loading the settings…</p>}>
            {view === 'quantize' && <QuantControls />}
            {view === 'prune' && <PruneControls />}
            {view === 'train' && <TrainControls />}
          </Suspense>
        </aside>
        <main className="content" id={RESULTS_ID} tabIndex={-1}>
          <LessonBar />
          <Tabs />
          <div
            className="tab-panel"
            role="tabpanel"
            id={TAB_PANEL_ID}
            aria-labelledby={tabId(view)}
          >
            <Suspense fallback={<p className="muted">Loading the view…</p>}>
              {view === 'model' && <ModelView />}
              {view === 'quantize' && <QuantizeView />}
              {view === 'prune' && <PruneView />}
              {view === 'train' && <TrainView />}
              {view === 'tryit' && <TryItView />}
              {view === 'history' && <HistoryView />}
            </Suspense>
          </div>
        </main>
      </div>
      <LessonsMenu />
      <LessonMaker />
      <Shortcuts />
    </div>
  );
}
