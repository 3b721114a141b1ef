import { useEffect } from 'react';
import { MAX_BITS, MAX_SPARSITY, MIN_BITS, VIEWS } from '../platform/shared/config';
import { isShown } from '../platform/shared/panels';
import type { Panel } from '../platform/shared/panels';
import { useStore } from '../platform/state/store';
import { useUiPrefs } from '../platform/state/uiPrefs';
import { Dialog } from '../features/lessons/ui/Dialog';
import { stepLesson } from '../features/lessons/ui/LessonBar';
import { SHORTCUTS, shortcutFor } from './shortcuts';
import type { ShortcutAction } from './shortcuts';

/** Full screen on / off (the page, so the lesson bar and the views fill the projector). */
export function toggleFullscreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  else void document.documentElement.requestFullscreen?.().catch(() => undefined);
}

/** A sparsity step of the keyboard: 5 points. */
const SPARSITY_STEP = 0.05;

function run(action: ShortcutAction): void {
  const s = useStore.getState();
  const ui = useUiPrefs.getState();
  const c = s.config;
  if (typeof action === 'object') {
    const view = VIEWS[action.view];
    if (view && isShown(c.hide, `tab-${view}` as Panel)) s.setView(view);
    return;
  }
  switch (action) {
    case 'help':
      return ui.setOverlay(ui.overlay === 'help' ? 'none' : 'help');
    case 'lessons':
      return ui.setOverlay('lessons');
    case 'fullscreen':
      return toggleFullscreen();
    case 'lessonPrev':
      return stepLesson(-1);
    case 'lessonNext':
      return stepLesson(1);
    case 'pause':
      return ui.setPaused(!ui.paused);
    case 'projector':
      return s.setClassroom({ projector: !c.projector });
    case 'bitsDown':
    case 'bitsUp': {
      const bits = c.weights.bits + (action === 'bitsUp' ? 1 : -1);
      if (c.weights.format === 'int' && bits >= MIN_BITS && bits <= MAX_BITS) {
        s.setWeightQuant({ bits });
      }
      return;
    }
    case 'sparsityDown':
    case 'sparsityUp': {
      const d = action === 'sparsityUp' ? SPARSITY_STEP : -SPARSITY_STEP;
      const sparsity =
        Math.round(Math.min(MAX_SPARSITY, Math.max(0, c.prune.sparsity + d)) * 1e3) / 1e3;
      if (c.prune.method !== 'none' && c.prune.method !== 'nm') s.setPrune({ sparsity });
      return;
    }
  }
}

/** Listens for the shortcuts on the whole page and draws their list ("?"). */
export function Shortcuts() {
  const enabled = useUiPrefs((s) => s.shortcuts);
  const open = useUiPrefs((s) => s.overlay === 'help');
  const setOverlay = useUiPrefs((s) => s.setOverlay);
  const setShortcuts = useUiPrefs((s) => s.setShortcuts);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || useUiPrefs.getState().overlay !== 'none') return;
      const t = e.target instanceof HTMLElement ? e.target : null;
      const action = shortcutFor(
        {
          key: e.key,
          ctrlKey: e.ctrlKey,
          metaKey: e.metaKey,
          altKey: e.altKey,
          targetTag: t ? t.tagName.toLowerCase() : 'body',
          targetRole: t?.getAttribute('role') ?? null,
          targetEditable: t?.isContentEditable ?? false,
        },
        useUiPrefs.getState().shortcuts,
      );
      if (action === null) return;
      if (
        (action === 'lessonPrev' || action === 'lessonNext') &&
        !useStore.getState().config.lesson
      )
        return;
      e.preventDefault();
      run(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <Dialog title="Keyboard shortcuts" open={open} onClose={() => setOverlay('none')}>
      <dl className="shortcut-list">
        {SHORTCUTS.map((s) => (
          <div key={s.keys} style={{ display: 'contents' }}>
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.does}</dd>
          </div>
        ))}
      </dl>
      <label className="check">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => setShortcuts(e.currentTarget.checked)}
        />{' '}
        Single-key shortcuts on (turn off if they get in the way of a screen reader or voice
        control)
      </label>
    </Dialog>
  );
}
