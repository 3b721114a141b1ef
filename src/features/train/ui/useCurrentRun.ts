import { useRuns } from '../state/appRuns';
import type { Run } from '../state/runs';

/** The newest run that is not a distillation's scratch baseline. */
export function useCurrentRun(): Run | null {
  return useRuns((s) => {
    for (let i = s.order.length - 1; i >= 0; i--) {
      const r = s.runs[s.order[i]!];
      if (r && r.baselineOf === null) return r;
    }
    return null;
  });
}
