import { useRef } from 'react';
import { useUiPrefs } from '../state/uiPrefs';

/**
 * A live chart's data, frozen while the user has paused live charts (WCAG 2.2.2 Pause, Stop,
 * Hide): the value last drawn before the pause is kept until they resume.
 */
export function usePausable<T>(value: T): T {
  const paused = useUiPrefs((s) => s.paused);
  const kept = useRef(value);
  if (!paused) kept.current = value;
  return kept.current;
}
