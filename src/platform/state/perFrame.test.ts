import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand';
import { asUserUpdate, perFrame } from './perFrame';
import type { FrameClock } from './perFrame';
import { createAppStore } from './store';

/** A frame clock the test advances by hand. */
function manualClock() {
  const frames: (() => void)[] = [];
  const tasks: (() => void)[] = [];
  let hidden = false;
  let userEvent = false;
  const clock: FrameClock = {
    requestFrame: (f) => frames.push(f),
    nextTask: (f) => tasks.push(f),
    hidden: () => hidden,
    inUserEvent: () => userEvent,
  };
  const drain = (q: (() => void)[]) => {
    for (const f of q.splice(0)) f();
  };
  return {
    clock,
    frame: () => drain(frames),
    task: () => drain(tasks),
    pending: () => frames.length + tasks.length,
    hide: (h: boolean) => (hidden = h),
    /** Runs `f` as a user's event handler would. */
    asUserEvent: (f: () => void) => {
      userEvent = true;
      try {
        f();
      } finally {
        userEvent = false;
      }
    },
  };
}

const counter = () => createStore<{ n: number }>()(() => ({ n: 0 }));

describe('perFrame', () => {
  it('calls a listener once per frame with the latest state and the one it last saw', () => {
    const store = counter();
    const c = manualClock();
    const views = perFrame(store, c.clock);
    const seen: [number, number][] = [];
    views.subscribe((s, prev) => seen.push([s.n, prev.n]));
    store.setState({ n: 1 });
    store.setState({ n: 2 });
    store.setState({ n: 3 });
    expect(seen).toEqual([]);
    expect(c.pending()).toBe(1);
    c.frame();
    expect(seen).toEqual([[3, 0]]);
    store.setState({ n: 4 });
    c.frame();
    expect(seen).toEqual([
      [3, 0],
      [4, 3],
    ]);
  });

  it('leaves the store itself synchronous', () => {
    const store = counter();
    const c = manualClock();
    const views = perFrame(store, c.clock);
    const direct: number[] = [];
    store.subscribe((s) => direct.push(s.n));
    views.subscribe(() => undefined);
    store.setState({ n: 1 });
    store.setState({ n: 2 });
    expect(direct).toEqual([1, 2]);
    expect(views.getState().n).toBe(2);
    views.setState({ n: 5 });
    expect(store.getState().n).toBe(5);
  });

  it('calls no listener when the updates since the last frame left the same state', () => {
    const store = counter();
    const c = manualClock();
    const views = perFrame(store, c.clock);
    let calls = 0;
    views.subscribe(() => calls++);
    store.setState((s) => s);
    c.frame();
    expect(calls).toBe(0);
  });

  it('notifies in the next task while the page is hidden (no frames come there)', () => {
    const store = counter();
    const c = manualClock();
    const views = perFrame(store, c.clock);
    const seen: number[] = [];
    views.subscribe((s) => seen.push(s.n));
    c.hide(true);
    store.setState({ n: 7 });
    c.frame();
    expect(seen).toEqual([]);
    c.task();
    expect(seen).toEqual([7]);
  });

  it("passes on a user's event's updates at once (a controlled input keeps its new value)", () => {
    const store = counter();
    const c = manualClock();
    const views = perFrame(store, c.clock);
    const seen: [number, number][] = [];
    views.subscribe((s, prev) => seen.push([s.n, prev.n]));
    store.setState({ n: 1 }); // a worker's result: waits for the frame
    c.asUserEvent(() => store.setState({ n: 2 }));
    expect(seen).toEqual([[2, 0]]);
    // The frame asked for before finds nothing new.
    c.frame();
    expect(seen).toEqual([[2, 0]]);
    store.setState({ n: 3 });
    expect(seen).toEqual([[2, 0]]);
    c.frame();
    expect(seen).toEqual([
      [2, 0],
      [3, 2],
    ]);
  });

  it("passes on a user's change committed a task late (asUserUpdate) at once, and only it", () => {
    const store = counter();
    const c = manualClock();
    const views = perFrame(store, c.clock);
    const seen: number[] = [];
    views.subscribe((s) => seen.push(s.n));
    asUserUpdate(() => store.setState({ n: 1 }));
    expect(seen).toEqual([1]);
    store.setState({ n: 2 });
    expect(seen).toEqual([1]);
    c.frame();
    expect(seen).toEqual([1, 2]);
  });

  it('stops listening to the store when its last listener leaves', () => {
    const store = counter();
    const c = manualClock();
    const views = perFrame(store, c.clock);
    const seen: number[] = [];
    const off = views.subscribe((s) => seen.push(s.n));
    off();
    store.setState({ n: 1 });
    expect(c.pending()).toBe(0);
    c.frame();
    expect(seen).toEqual([]);
    // A new listener starts from the state it subscribed at.
    views.subscribe((s, prev) => seen.push(s.n, prev.n));
    store.setState({ n: 2 });
    c.frame();
    expect(seen).toEqual([2, 1]);
  });

  it('is the store itself where there is no frame clock (Node)', () => {
    const store = counter();
    expect(perFrame(store, null)).toBe(store);
  });

  it("gives the app store's hook the store's own synchronous API", () => {
    const store = createAppStore();
    const seen: number[] = [];
    store.subscribe((s) => seen.push(s.config.weights.bits));
    store.getState().setWeightQuant({ bits: 3 });
    expect(seen).toEqual([3]);
    expect(store.getState().config.weights.bits).toBe(3);
  });
});
