import { useEffect, useState } from 'react';

/** How long a result may be stale before it is dimmed. */
export const DIM_DELAY_MS = 200;

/**
 * Whether to dim a result that is not current: only once it has been stale for DIM_DELAY_MS.
 * The instant views are replaced within a frame or two of a change, and dimming them for that
 * long only made the page flicker (and repaint twice per slider step); slow results (accuracy,
 * sweeps) still dim while they are computed. `data-current` on the element stays exact.
 */
export function useDim(current: boolean): boolean {
  const [dim, setDim] = useState(false);
  useEffect(() => {
    if (current) {
      setDim(false);
      return;
    }
    const timer = setTimeout(() => setDim(true), DIM_DELAY_MS);
    return () => clearTimeout(timer);
  }, [current]);
  return dim && !current;
}
