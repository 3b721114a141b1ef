/**
 * The store as the views subscribe to it: one notification per frame, just before it is drawn,
 * however many updates came in since the last one.
 *
 * Why: a slider step makes several store updates in separate tasks — the config, the busy flags,
 * then each instant view's result as its message arrives from the statistics worker (a few
 * milliseconds apart), then the quick estimate. Subscribed directly, React rendered and committed
 * after each of them (useSyncExternalStore renders synchronously), and a result that came in
 * just before a frame was drawn only a frame later, behind the renders of the results before it.
 * Notified per frame, the views render once, with everything that has arrived, in the frame's
 * own animation callbacks: a result missed that frame only if it arrived after the frame began.
 *
 * Updates made while the page handles a user's event (a click, a key, a change) are passed on at
 * once, as before: React keeps a controlled input's value only if the render comes within the
 * event, and otherwise puts the old value back (a radio button that does not take the click, a
 * text field that loses what was typed). So are a user's changes committed a task later
 * ({@link asUserUpdate}: a slider's coalesced value), so that the results they make stale are
 * marked so (`data-current`) in the same task, not a frame later.
 *
 * What does not change: the store itself (getState, setState, subscribe) is synchronous, so the
 * controller, the URL and the autosave see every update at once; a React render started for any
 * other reason reads the current state. Where no frames come — Node, a hidden page (browsers
 * suspend animation frames there) — views are notified in the next task instead.
 */

/** What this needs of a store (zustand's StoreApi has it). */
export interface Subscribable<T> {
  getState(): T;
  subscribe(listener: (state: T, prev: T) => void): () => void;
}

/** The frame clock: requestAnimationFrame and whether the page is hidden (tests pass their own). */
export interface FrameClock {
  requestFrame(f: () => void): void;
  /** A task soon, for where no frame comes. */
  nextTask(f: () => void): void;
  hidden(): boolean;
  /** Whether a user's event (not a worker's message) is being dispatched now. */
  inUserEvent(): boolean;
}

/**
 * The event being dispatched (`window.event`): set during every event's listeners, a worker's
 * messages included, unset in timers and animation frames.
 */
const currentEvent = (): unknown => (globalThis as { event?: unknown }).event;

let userUpdates = 0;

/**
 * Runs `f`, a user's change made outside the event that asked for it (useCoalesced's commit),
 * with its store updates passed on at once, as an event's are.
 */
export function asUserUpdate(f: () => void): void {
  userUpdates++;
  try {
    f();
  } finally {
    userUpdates--;
  }
}

const browserClock = (): FrameClock | null =>
  typeof requestAnimationFrame === 'function' && typeof document !== 'undefined'
    ? {
        requestFrame: (f) => requestAnimationFrame(() => f()),
        nextTask: (f) => setTimeout(f, 0),
        hidden: () => document.visibilityState === 'hidden',
        inUserEvent: () => {
          const e = currentEvent();
          return e instanceof Event && !(e instanceof MessageEvent);
        },
      }
    : null;

/**
 * `store` with a `subscribe` whose listeners are called at most once per frame, after the
 * updates since the last call (with the state then, and the state they were last called with).
 * Without a frame clock (none given, no `requestAnimationFrame`), it is the store's own.
 */
export function perFrame<T, S extends Subscribable<T>>(
  store: S,
  clock: FrameClock | null = browserClock(),
): S {
  if (!clock) return store;
  const listeners = new Set<(state: T, prev: T) => void>();
  let unsubscribe: (() => void) | null = null;
  let scheduled = false;
  let last = store.getState();
  const notify = () => {
    scheduled = false;
    const prev = last;
    last = store.getState();
    if (Object.is(prev, last)) return;
    for (const l of [...listeners]) l(last, prev);
  };
  const onChange = () => {
    // (A frame already asked for finds nothing new then, and notifies no one.)
    if (userUpdates > 0 || clock.inUserEvent()) return notify();
    if (scheduled) return;
    scheduled = true;
    if (clock.hidden()) clock.nextTask(notify);
    else clock.requestFrame(notify);
  };
  const subscribe = (listener: (state: T, prev: T) => void) => {
    if (listeners.size === 0) {
      last = store.getState();
      unsubscribe = store.subscribe(onChange);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        unsubscribe?.();
        unsubscribe = null;
      }
    };
  };
  return { ...store, subscribe };
}
