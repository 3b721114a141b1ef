import { useStore } from '../state/store';
import type { Results, State } from '../state/store';

type Phase = 'running' | 'cancelled' | 'idle';

/**
 * Every job with this line (a sweep, the sensitivity analysis) takes its next point only once a
 * setting that changed after it started has rested (evaluateEach): the line says so.
 */
const PAUSES = ' (it pauses while you change a setting)';

/**
 * A long job's line under its chart: "Filling in… Cancel" while it runs, "Cancelled. Run again"
 * once the user stopped it. Cancelling stops the job between steps and, if the current step
 * does not end within 300 ms, restarts the compute worker so the next result need not wait.
 */
export function JobControl({
  name,
  keyOf,
  what,
  running = 'Filling in…',
}: {
  name: keyof Results;
  /** The key the job runs for now (null: it has none). */
  keyOf: (s: State) => string | null;
  /** What the job is, for the buttons' names: "bit-width sweep". */
  what: string;
  /** Said while it runs; the line adds that it pauses (see PAUSES). */
  running?: string;
}) {
  const phase = useStore((s): Phase => {
    const key = keyOf(s);
    if (key === null) return 'idle';
    if (s.cancelled[name] === key) return 'cancelled';
    return s.busy.has(name) ? 'running' : 'idle';
  });
  const cancelJob = useStore((s) => s.cancelJob);
  const resumeJob = useStore((s) => s.resumeJob);
  if (phase === 'idle') return null;
  return (
    <p className="job-control small" data-testid={`${name}-control`} data-phase={phase}>
      <span role="status">
        {phase === 'running' ? `${running}${PAUSES}` : `Cancelled: the ${what} stopped.`}
      </span>
      {phase === 'running' ? (
        <button
          type="button"
          aria-label={`Cancel the ${what}`}
          onClick={() => {
            const key = keyOf(useStore.getState());
            if (key !== null) cancelJob(name, key);
          }}
        >
          Cancel
        </button>
      ) : (
        <button type="button" aria-label={`Run again: ${what}`} onClick={() => resumeJob(name)}>
          Run again
        </button>
      )}
    </p>
  );
}
