import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createCoalescer } from '../shared/coalesce';
import { asUserUpdate } from '../state/perFrame';

const nextTask = (run: () => void) => {
  setTimeout(run, 0);
};

/**
 * A control's value shown at once and committed in a task of its own, latest wins (see
 * coalesce.ts): dragging a slider re-renders only the slider in the input event, and the views,
 * jobs and link follow one task later. `value` is the committed value (the store's); when it
 * changes from elsewhere (a link, a reset) the control shows it, unless a newer value of the
 * user's is still waiting to be committed.
 */
export function useCoalesced<T>(value: T, commit: (v: T) => void): readonly [T, (v: T) => void] {
  const commitRef = useRef(commit);
  useLayoutEffect(() => {
    commitRef.current = commit;
  });
  // The commit is the user's change, a task late: the views it makes stale say so at once.
  const [coalescer] = useState(() =>
    createCoalescer<T>((v) => asUserUpdate(() => commitRef.current(v)), nextTask),
  );
  const [local, setLocal] = useState({ shown: value, from: value });
  let shown = local.shown;
  if (!Object.is(local.from, value)) {
    if (!coalescer.pending()) shown = value;
    setLocal({ shown, from: value });
  }
  // A value still waiting when the control goes away is committed, not lost.
  useEffect(() => () => coalescer.flush(), [coalescer]);
  const set = useCallback(
    (v: T) => {
      setLocal((l) => ({ shown: v, from: l.from }));
      coalescer.push(v);
    },
    [coalescer],
  );
  return [shown, set];
}
