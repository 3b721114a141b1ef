import { median } from './median';

/**
 * Batch-1 latency on a coarse clock. A cross-origin isolated page and its workers read
 * `performance.now()` in 5 µs steps (Chromium), and one image on the integer path takes 10–45 µs
 * on the 2-core machine this was built on: timed alone, every call lands on a multiple of 5 µs,
 * and the Speed panel's bit-width sweep read 15, 15, 15, 15, 20, 20, 20, 25 µs. So each latency
 * sample is a group of one-image calls run back to back on different images, timed together and
 * divided by their number; the figure is the median of the groups. A group is sized to as many
 * calls as run in {@link LATENCY_GROUP_MS} when counted one by one (reading the clock after each
 * call): in the Speed panel 0.25–0.5 ms, dozens of the clock's steps. Pure but for the clock,
 * which the caller passes.
 */

/** The time a group of calls is sized to take. */
export const LATENCY_GROUP_MS = 0.5;
/** At most this many calls a group, however fast one is (or however coarse the clock). */
export const MAX_LATENCY_GROUP = 64;
/** Counted passes that size a group (see {@link calibrateGroup}). */
const CALIBRATION_PASSES = 4;

export interface GroupedLatency {
  /** Median milliseconds per call over the groups. */
  readonly ms: number;
  /** One-image calls per group. */
  readonly group: number;
}

/**
 * Sizes the groups for `one` ({@link calibrateGroup}) and times `rounds` groups; call i of the
 * whole sequence runs on image i modulo `images`.
 */
export async function groupedLatency(
  one: (image: number) => unknown,
  images: number,
  rounds: number,
  now: () => number,
): Promise<GroupedLatency> {
  let call = 0;
  const next = () => one(call++ % images);
  const group = await calibrateGroup(next, now);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) samples.push(await timeGroup(next, group, now));
  return { ms: median(samples), group };
}

/**
 * A call's promise, or nothing to wait for when it returned a value: awaiting a plain value would
 * add a microtask to every timed call of a synchronous kernel.
 */
function settled(r: unknown): Promise<unknown> | undefined {
  return r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function'
    ? (r as Promise<unknown>)
    : undefined;
}

/**
 * The group size for `next`: calls run back to back until {@link LATENCY_GROUP_MS} has passed,
 * counted, in {@link CALIBRATION_PASSES} passes (after `before` each time); the size is the
 * largest count. The first calls of a kernel are slower than the rest, and a pass that a garbage
 * collection or another thread interrupts counts too few.
 */
export async function calibrateGroup(
  next: () => unknown,
  now: () => number,
  before: () => void = () => undefined,
): Promise<number> {
  let most = 0;
  for (let pass = 0; pass < CALIBRATION_PASSES; pass++) {
    before();
    const t0 = now();
    let count = 0;
    do {
      const p = settled(next());
      if (p) await p;
      count++;
    } while (now() - t0 < LATENCY_GROUP_MS && count < MAX_LATENCY_GROUP);
    most = Math.max(most, count);
  }
  return most;
}

/** Milliseconds per call of `group` calls of `next` run back to back (after `before`, untimed). */
export async function timeGroup(
  next: () => unknown,
  group: number,
  now: () => number,
  before: () => void = () => undefined,
): Promise<number> {
  before();
  const t0 = now();
  for (let j = 0; j < group; j++) {
    const p = settled(next());
    if (p) await p;
  }
  return (now() - t0) / group;
}
