import type { ReactNode } from 'react';
import { isShown } from '../shared/panels';
import type { Panel } from '../shared/panels';
import { useStore } from '../state/store';

/** Whether a panel is drawn: a lesson or a teacher's link may hide it (`hide=` in the link). */
export function useShown(panel: Panel): boolean {
  return useStore((s) => isShown(s.config.hide, panel));
}

/** Draws its children unless the panel is hidden; hidden panels' results are not computed. */
export function Shown({ panel, children }: { panel: Panel; children: ReactNode }) {
  return useShown(panel) ? <>{children}</> : null;
}
