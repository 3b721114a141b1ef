import { useStore } from '../../../platform/state/store';
import { useUiPrefs } from '../../../platform/state/uiPrefs';
import { LESSONS } from '../shared/lessons';
import { Dialog } from './Dialog';
import { openLesson } from './LessonBar';

/** The sequence of lessons: pick one to open it. */
export function LessonsMenu() {
  const open = useUiPrefs((s) => s.overlay === 'lessons');
  const setOverlay = useUiPrefs((s) => s.setOverlay);
  const current = useStore((s) => s.config.lesson);
  const close = () => setOverlay('none');
  return (
    <Dialog title="Lessons" open={open} onClose={close}>
      <p className="muted">
        Each lesson opens a prepared experiment with a short explanation and a task; panels that are
        not its point are hidden. Arrow keys ← → step through them.
      </p>
      <ol className="lesson-list">
        {LESSONS.map((l, i) => (
          <li key={l.id}>
            <button
              type="button"
              aria-current={l.id === current ? 'true' : undefined}
              onClick={() => {
                openLesson(i);
                close();
              }}
            >
              <span className="lesson-list-title">{l.title}</span>
            </button>
          </li>
        ))}
      </ol>
    </Dialog>
  );
}
