/**
 * Hands values on to `commit` once per scheduled turn, latest wins: a slider dragged through ten
 * values between two turns commits only the last. The caller's own update (the thumb and its
 * label) stays synchronous; what the value sets off downstream (every view that reads it, the
 * jobs, the link) runs in a task of its own, so an input event and the re-render it causes are not
 * one long main-thread task.
 */
export interface Coalescer<T> {
  /** Queues `value`; the first push after a commit schedules one. */
  push(value: T): void;
  /** True while a value waits to be committed. */
  pending(): boolean;
  /** Commits a waiting value now (e.g. before the component goes away). */
  flush(): void;
}

export function createCoalescer<T>(
  commit: (value: T) => void,
  schedule: (run: () => void) => void,
): Coalescer<T> {
  let waiting: { value: T } | null = null;
  const flush = () => {
    const w = waiting;
    waiting = null;
    if (w) commit(w.value);
  };
  return {
    push(value) {
      const first = waiting === null;
      waiting = { value };
      if (first) schedule(flush);
    },
    pending: () => waiting !== null,
    flush,
  };
}
