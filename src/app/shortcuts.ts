/**
 * Keyboard shortcuts, following presentation tools: F fullscreen, ← → through the lessons, ? for
 * the list. Pure: which action a key press asks for, given where the focus is. Single-key
 * shortcuts can be turned off (WCAG 2.1.4) and never fire while typing or while the focus is on a
 * control that uses the key itself (a slider's arrows, a tab list's arrows).
 */

export type ShortcutAction =
  | 'help'
  | 'fullscreen'
  | 'lessonPrev'
  | 'lessonNext'
  | 'lessons'
  | 'pause'
  | 'projector'
  | 'bitsDown'
  | 'bitsUp'
  | 'sparsityDown'
  | 'sparsityUp'
  | { view: number };

export interface Shortcut {
  readonly keys: string;
  readonly does: string;
}

/** The list the "?" overlay shows, in this order. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: '?', does: 'Show this list' },
  { keys: 'F', does: 'Full screen on / off' },
  { keys: '← →', does: 'Previous / next lesson (while a lesson is open)' },
  { keys: 'L', does: 'List of lessons' },
  { keys: 'P', does: 'Pause / resume live charts' },
  { keys: 'R', does: 'Projector mode on / off (large type)' },
  { keys: '1 – 6', does: 'Model, Quantize, Prune & cluster, Train, Try it, History' },
  { keys: '[ ]', does: 'Weight bit-width down / up' },
  { keys: ', .', does: 'Sparsity down / up by 5 points' },
  { keys: 'Esc', does: 'Close a dialog' },
];

/** What a key press needs to be judged. */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** Lower-case tag name of the focused element ('body' when nothing is focused). */
  readonly targetTag: string;
  /** Its ARIA role, if any. */
  readonly targetRole: string | null;
  readonly targetEditable: boolean;
}

const TYPING_TAGS = new Set(['input', 'textarea', 'select']);
/** Controls that use the arrow keys themselves. */
const ARROW_ROLES = new Set(['tab', 'slider', 'radio', 'menuitem', 'option', 'spinbutton']);

const KEYS: Readonly<Record<string, ShortcutAction>> = {
  '?': 'help',
  f: 'fullscreen',
  F: 'fullscreen',
  l: 'lessons',
  L: 'lessons',
  p: 'pause',
  P: 'pause',
  r: 'projector',
  R: 'projector',
  '[': 'bitsDown',
  ']': 'bitsUp',
  ',': 'sparsityDown',
  '.': 'sparsityUp',
};

export function shortcutFor(e: KeyPress, enabled: boolean): ShortcutAction | null {
  if (!enabled || e.ctrlKey || e.metaKey || e.altKey) return null;
  if (TYPING_TAGS.has(e.targetTag) || e.targetEditable) return null;
  if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
    if (e.targetRole !== null && ARROW_ROLES.has(e.targetRole)) return null;
    return e.key === 'ArrowLeft' ? 'lessonPrev' : 'lessonNext';
  }
  if (/^[1-6]$/.test(e.key)) return { view: Number(e.key) - 1 };
  return KEYS[e.key] ?? null;
}
