/**
 * Large typed arrays whose memory was touched before they are asked for.
 *
 * A new large typed array costs more than the work that fills it: its memory is mapped fresh, and
 * the first write to each page faults. Measured in a Chromium worker on the reference 2-core VM
 * (`new Float32Array(235200)` and `new Int32Array(235200)`, fashion-mlp's first layer, written
 * once by a quantizer-like loop; medians of 30): 12.3 ms into new arrays, 3.4 ms into arrays
 * whose pages had been written before. A quantizer allocates its values and codes for every new
 * configuration, and a slider step is a new configuration, so that cost sat on the path from the
 * hand to the histogram.
 *
 * So each request of a large length is answered from a stash when one of that kind and length is
 * ready, and the stash makes the next one in a later task: when the worker is idle, after it
 * answered. A slider's next step asks for the same lengths (the same layers), and finds them ready.
 *
 * An array leaves the stash once, for good: it is never taken back, so there is no ownership to
 * track (the caches, plans and transfers that hold compressed layers keep them as before). Its
 * contents are zeros, as `new`'s. The stash holds one array for each of the most recently asked
 * kinds and lengths (at most {@link MAX_KINDS}), at most {@link MAX_BYTES} in all.
 */

type Ctor = Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;
type Made<C extends Ctor> = InstanceType<C>;

/** Below this many bytes a new array is cheap (a few pages). */
export const MIN_BYTES = 64 * 1024;
/** Above this many bytes an array is not stashed (a layer of millions of weights). */
export const MAX_BYTES_EACH = 16 * 1024 * 1024;
/** At most this many kinds and lengths are kept ready. */
export const MAX_KINDS = 8;
/** At most this many bytes are kept ready. */
export const MAX_BYTES = 24 * 1024 * 1024;

interface Entry {
  readonly ctor: Ctor;
  readonly length: number;
  ready: Float32Array | Int32Array | Uint8Array | null;
}

/** Entries in the order they were last asked for (Map order), oldest first. */
const entries = new Map<string, Entry>();
let refillScheduled = false;
let stats = { hits: 0, misses: 0, made: 0 };

function keyOf(ctor: Ctor, length: number): string {
  return `${ctor.name}:${length}`;
}

function readyBytes(): number {
  let n = 0;
  for (const e of entries.values()) n += e.ready?.byteLength ?? 0;
  return n;
}

/** A zero-filled array of `length` elements, its pages touched if it came from the stash. */
function take<C extends Ctor>(ctor: C, length: number): Made<C> {
  const bytes = length * ctor.BYTES_PER_ELEMENT;
  if (bytes < MIN_BYTES || bytes > MAX_BYTES_EACH) return new ctor(length) as Made<C>;
  const key = keyOf(ctor, length);
  const entry = entries.get(key) ?? { ctor, length, ready: null };
  // Most recently asked for: last in the map.
  entries.delete(key);
  entries.set(key, entry);
  const ready = entry.ready;
  entry.ready = null;
  while (entries.size > MAX_KINDS) entries.delete(entries.keys().next().value!);
  scheduleRefill();
  if (ready) {
    stats.hits++;
    return ready as Made<C>;
  }
  stats.misses++;
  return new ctor(length) as Made<C>;
}

export const touchedFloat32 = (length: number): Float32Array => take(Float32Array, length);
export const touchedInt32 = (length: number): Int32Array => take(Int32Array, length);
export const touchedUint8 = (length: number): Uint8Array => take(Uint8Array, length);

function scheduleRefill(): void {
  if (refillScheduled) return;
  refillScheduled = true;
  // A later task: the request that asked has answered by then. One array per task, so that a new
  // request waits behind at most one array's page faults.
  const t: unknown = setTimeout(refillOne, 0);
  // Node: a pending refill must not keep a process (a test, a script) alive.
  (t as { unref?: () => void }).unref?.();
}

function refillOne(): void {
  refillScheduled = false;
  // The most recently asked for first.
  const empty = [...entries.values()].reverse().find((e) => e.ready === null);
  if (!empty) return;
  const bytes = empty.length * empty.ctor.BYTES_PER_ELEMENT;
  // Room for it: arrays of lengths asked for before it go, the longest ago first (a large
  // model's earlier layers must not keep the newest request's array from being made); never one
  // asked for after it, or two lengths would keep displacing each other.
  for (const e of entries.values()) {
    if (e === empty || readyBytes() + bytes <= MAX_BYTES) break;
    e.ready = null;
  }
  if (readyBytes() + bytes > MAX_BYTES) return;
  const a = new empty.ctor(empty.length);
  // Writing each page makes the system back it now rather than at the quantizer's first write.
  a.fill(0);
  empty.ready = a;
  stats.made++;
  scheduleRefill();
}

/** Drops every array kept ready (the soak test and benchmarks free what the caches hold). */
export function clearTouchedArrays(): void {
  entries.clear();
}

/** Requests answered from the stash, requests that were not, and arrays made ready; for tests. */
export function touchedArrayStats(): { hits: number; misses: number; made: number; ready: number } {
  return { ...stats, ready: readyBytes() };
}

/** Forgets the counts (tests). */
export function resetTouchedArrayStats(): void {
  stats = { hits: 0, misses: 0, made: 0 };
}
