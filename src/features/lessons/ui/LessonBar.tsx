import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import { useStore } from '../../../platform/state/store';
import { useUiPrefs } from '../../../platform/state/uiPrefs';
import { LESSONS, lessonConfig, lessonIndex } from '../shared/lessons';
import './lessons.css';

/** Opens lesson `index` of the sequence (its config, hidden panels; the room's projector kept). */
export function openLesson(index: number): void {
  const lesson = LESSONS[index];
  if (!lesson) return;
  const { config, replaceConfig } = useStore.getState();
  replaceConfig(lessonConfig(lesson, DEFAULT_CONFIG, config));
}

/** Steps through the sequence: −1 back, +1 on (nothing before the first or after the last). */
export function stepLesson(delta: number): void {
  const at = lessonIndex(useStore.getState().config.lesson);
  if (at < 0) return;
  const next = at + delta;
  if (next >= 0 && next < LESSONS.length) openLesson(next);
}

/**
 * The lesson being followed, above the views: where it is in the sequence, the idea, the task,
 * and the way on. Absent when no lesson is open.
 */
export function LessonBar() {
  const id = useStore((s) => s.config.lesson);
  const hidden = useStore((s) => s.config.hide.length);
  const setClassroom = useStore((s) => s.setClassroom);
  const setOverlay = useUiPrefs((s) => s.setOverlay);
  const at = lessonIndex(id);
  const lesson = LESSONS[at];
  if (!lesson) return null;
  return (
    <section className="lesson-bar" aria-labelledby="lesson-title">
      <div className="lesson-head">
        <p className="lesson-count">
          Lesson {at + 1} of {LESSONS.length}
        </p>
        <h2 id="lesson-title">{lesson.title}</h2>
      </div>
      <p className="lesson-text">{lesson.text}</p>
      <p className="lesson-task">
        <strong>Your task: </strong>
        {lesson.task}
      </p>
      <div className="lesson-nav">
        <button
          type="button"
          onClick={() => stepLesson(-1)}
          disabled={at === 0}
          aria-keyshortcuts="ArrowLeft"
        >
          ‹ Previous
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => stepLesson(1)}
          disabled={at === LESSONS.length - 1}
          aria-keyshortcuts="ArrowRight"
        >
          Next lesson ›
        </button>
        <button type="button" onClick={() => setOverlay('lessons')}>
          All lessons
        </button>
        <button
          type="button"
          onClick={() => setClassroom({ lesson: null, hide: [] })}
          title="Leave the lesson and show every panel again"
        >
          Leave lesson
        </button>
        {hidden > 0 && (
          <span className="muted small">
            {hidden} panel{hidden === 1 ? '' : 's'} hidden for this lesson (not computed).
          </span>
        )}
      </div>
    </section>
  );
}
