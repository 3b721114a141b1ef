/** The lessons feature's pure API: the built-in lessons and the worked example. */
export { LESSONS, LESSON_IDS, lessonById, lessonConfig, lessonIndex } from './shared/lessons';
export type { Lesson, LessonConfig } from './shared/lessons';
export { WORKED_WEIGHTS, formatWorked, workedExample } from './shared/workedExample';
export type { WorkedExample } from './shared/workedExample';
