import * as tf from '@tensorflow/tfjs';
import { tallyPredictions } from '../shared/predictions';
import { layerFlops } from '../shared/flops';
import { evalBatchSize } from './evaluate';
import type { EvalResult } from './evaluate';
import { applyLayer, fakeQuantAct } from './forward';
import type { ActQParams } from './forward';

/**
 * Layer-input activations kept between evaluations (issue 10, point 3), so that an evaluation
 * whose first k layers compute what a cached pass's did resumes from that pass's input of layer
 * k: a per-layer override of a late layer, or the sensitivity job's one-quantized-layer passes
 * (every layer before it the float prefix), run only the layers from the changed one on.
 *
 * "Compute the same" is decided from what the layers hold, not from the settings: the key of layer
 * k's input is the model, the test set, the example range and batch size, and for each layer
 * before k a fingerprint of its live weights (a 64-bit hash of every variable's bits, memoized per
 * tfjs data buffer, which never changes in place) and of its activation quantizer. Pruning masks,
 * clustering, per-channel scales and uploaded weights all end up in those bits.
 *
 * Cached activations live in JS Float32Arrays, outside the wasm heap, in a pool of 64 KiB chunks
 * that is bounded (96 MB by default) and recycled rather than freed, so the worker's memory stays
 * flat once the pool is full. Which entries go when room is needed: GreedyDual-Size, with the
 * value of an entry the floating-point work it saves per byte it holds — a deep layer's small input
 * that saves nearly the whole pass outlives a big early one that saves a little — aged by the
 * priority of the last entry evicted, so stale entries go in time too.
 */

/** Floats per chunk of the pool (64 KiB). */
const CHUNK = 16_384;

export interface PrefixCacheOptions {
  /** Bytes of cached activations at most (the pool never holds more). */
  readonly maxBytes: number;
  /** A layer input bigger than this over the evaluated range is not kept. */
  readonly maxEntryBytes: number;
  /** Ranges of fewer examples are not kept: they cost little to recompute. */
  readonly minExamples: number;
  /**
   * A layer input is kept only if resuming from it saves at least this many FLOPs per byte it
   * holds. Copying out and back costs about as much as a few dozen FLOPs per byte; the input of a
   * CNN's second convolution (after one 5×5 convolution) saves ~50, its dense layers' ~1,000–10,000.
   */
  readonly minFlopsPerByte: number;
}

const DEFAULTS: PrefixCacheOptions = {
  maxBytes: 96e6,
  maxEntryBytes: 64e6,
  minExamples: 256,
  minFlopsPerByte: 100,
};

/** One cached layer input over one example range. */
export interface CacheEntry {
  readonly chunks: Float32Array[];
  /** Shape of one example's activation. */
  readonly dims: readonly number[];
  /** FLOPs saved per byte held: the entry's value. */
  readonly density: number;
  priority: number;
  pins: number;
}

/** What the last evaluation did: for tests and the benchmark. */
export interface PassReport {
  /** The layer the pass started at: 0 = from the test images, k = from a cached input of layer k. */
  readonly resumedAt: number;
  /** Layers whose inputs this pass added to the cache. */
  readonly stored: readonly number[];
  /** Milliseconds spent on the layers' fingerprints. */
  readonly fingerprintMs: number;
}

export class PrefixCache {
  readonly options: PrefixCacheOptions;
  private readonly entries = new Map<string, CacheEntry>();
  private readonly free: Float32Array[] = [];
  private made = 0;
  /** GreedyDual-Size's L: the priority of the last entry evicted. */
  private inflation = 0;
  last: PassReport | null = null;

  constructor(options: Partial<PrefixCacheOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  private get maxChunks(): number {
    return Math.floor(this.options.maxBytes / (CHUNK * 4));
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes of the chunks the entries hold. */
  get bytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.chunks.length;
    return n * CHUNK * 4;
  }

  /** Bytes of the pool: every chunk ever made (held or free for reuse). */
  get poolBytes(): number {
    return this.made * CHUNK * 4;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Drops every entry and keeps its chunks in the pool for reuse, as eviction does: what a new
   * configuration meets in a worker that has evaluated before.
   */
  dropEntries(): void {
    for (const e of this.entries.values()) if (e.pins === 0) this.free.push(...e.chunks);
    for (const [key, e] of this.entries) if (e.pins === 0) this.entries.delete(key);
    this.inflation = 0;
  }

  /** Drops every entry and the pool. */
  clear(): void {
    this.entries.clear();
    this.free.length = 0;
    this.made = 0;
    this.inflation = 0;
  }

  /** Pins an entry for reading (it cannot be evicted until `release`) and renews its priority. */
  acquire(key: string): CacheEntry | null {
    const e = this.entries.get(key);
    if (!e) return null;
    e.pins++;
    e.priority = this.inflation + e.density;
    return e;
  }

  release(e: CacheEntry): void {
    e.pins--;
  }

  /** Room for `floats` floats, evicting the least valuable unpinned entries; null if none. */
  reserve(floats: number): Float32Array[] | null {
    const need = Math.ceil(floats / CHUNK);
    if (need > this.maxChunks) return null;
    while (this.free.length + this.maxChunks - this.made < need) {
      let victim: [string, CacheEntry] | null = null;
      for (const kv of this.entries)
        if (kv[1].pins === 0 && (!victim || kv[1].priority < victim[1].priority)) victim = kv;
      if (!victim) return null;
      this.entries.delete(victim[0]);
      this.inflation = victim[1].priority;
      this.free.push(...victim[1].chunks);
    }
    const out: Float32Array[] = [];
    for (let i = 0; i < need; i++) {
      const c = this.free.pop();
      if (c) out.push(c);
      else {
        this.made++;
        out.push(new Float32Array(CHUNK));
      }
    }
    return out;
  }

  /** Gives back chunks that were reserved but not stored. */
  unreserve(chunks: Float32Array[]): void {
    this.free.push(...chunks);
  }

  store(key: string, chunks: Float32Array[], dims: readonly number[], density: number): void {
    const old = this.entries.get(key);
    if (old) this.free.push(...old.chunks);
    this.entries.set(key, {
      chunks,
      dims,
      density,
      priority: this.inflation + density,
      pins: 0,
    });
  }
}

/** Copies `src` into the chunked array at float `at`. */
function writeChunks(chunks: readonly Float32Array[], at: number, src: Float32Array): void {
  let done = 0;
  while (done < src.length) {
    const pos = at + done;
    const c = chunks[Math.floor(pos / CHUNK)]!;
    const inChunk = pos % CHUNK;
    const n = Math.min(CHUNK - inChunk, src.length - done);
    c.set(src.subarray(done, done + n), inChunk);
    done += n;
  }
}

/**
 * The scratch array readChunks fills: `tf.tensor` copies it into the backend at once, so one array
 * serves every batch of every evaluation (a fresh one per batch cost its pages' first touch: see
 * heapFloats). It grows to the largest batch asked for.
 */
let scratch = new Float32Array(0);

/**
 * `length` floats of the chunked array from float `at`, in one array: a view of the shared
 * scratch, valid until the next call.
 */
function readChunks(chunks: readonly Float32Array[], at: number, length: number): Float32Array {
  if (scratch.length < length) scratch = new Float32Array(length);
  const out = scratch.subarray(0, length);
  let done = 0;
  while (done < length) {
    const pos = at + done;
    const c = chunks[Math.floor(pos / CHUNK)]!;
    const inChunk = pos % CHUNK;
    const n = Math.min(CHUNK - inChunk, length - done);
    out.set(c.subarray(inChunk, inChunk + n), done);
    done += n;
  }
  return out;
}

const ids = new WeakMap<object, number>();
let nextId = 1;

/** A number naming an object (a model, a test set tensor) for as long as it lives. */
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return id;
}

/**
 * 64 bits over 32-bit words, from two different mixes (MurmurHash3's and xxHash32's rounds, each
 * with its own rotations), so a change to any bit of any word, or words swapped, changes both.
 */
export function hashWords(words: Uint32Array): string {
  let a = 0x9747b28c;
  let b = 0x165667b1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    a ^= Math.imul(k, 0x1b873593);
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b = (b + Math.imul(w, 0x85ebca77)) | 0;
    b = (b << 13) | (b >>> 19);
    b = Math.imul(b, 0x9e3779b1);
  }
  const fmix = (h: number) => {
    h ^= words.length;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  return fmix(a).toString(16).padStart(8, '0') + fmix(b).toString(16).padStart(8, '0');
}

/**
 * A float32 tensor's values as a view of the wasm backend's heap, where it has one: no copy. A
 * copy (what `data()` and `dataSync()` return there) is a fresh typed array each time, and the
 * pages of a fresh array of megabytes cost more to touch the first time than the copy itself
 * (measured in this repo's probes: 1.9 MB written fresh 9.5–16.7 ms, into an array used before
 * 1.0–1.7 ms, in Chromium). Read it at once: the view goes stale if the heap grows. Null elsewhere.
 */
function heapFloats(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const b = tf.backend() as { typedArrayFromHeap?: (t: tf.TensorInfo) => unknown };
  return typeof b.typedArrayFromHeap === 'function'
    ? (b.typedArrayFromHeap(t) as Float32Array)
    : null;
}

/** Hashes of tensors' values, by their data buffer (a variable's changes when it is assigned). */
const hashes = new WeakMap<object, string>();

function tensorHash(t: tf.Tensor): string {
  const id = t.dataId as object;
  let h = hashes.get(id);
  if (h === undefined) {
    const v = heapFloats(t) ?? t.dataSync();
    const f = v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
    h = `${t.dtype}${t.shape.join('x')}:${hashWords(new Uint32Array(f.buffer, f.byteOffset, f.length))}`;
    hashes.set(id, h);
  }
  return h;
}

/** What one layer computes: its weights' values and the quantizer of its input. */
function layerFingerprint(layer: tf.layers.Layer, q: ActQParams | undefined): string {
  const w = layer.getWeights().map(tensorHash).join(',');
  const a = q ? `${q.scale}:${q.zeroPoint}:${q.qmin}:${q.qmax}` : '-';
  return `${layer.name}[${w}|${a}]`;
}

const perExample = (shape: tf.Shape) => shape.slice(1).map((d) => d ?? 1);

/** FLOPs of each layer for one example (layerFlops: a multiply-add counts 2). */
function flopsOf(layer: tf.layers.Layer): number {
  const kernel = layer.getWeights()[0];
  return layerFlops({
    className: layer.getClassName(),
    kernelShape: kernel ? kernel.shape : [],
    outputShape: perExample(layer.outputShape as tf.Shape),
  });
}

/** The cache the compute worker's evaluations share. */
export const prefixCache = new PrefixCache();

interface Capture {
  readonly layer: number;
  readonly key: string;
  readonly per: number;
  readonly dims: number[];
  readonly density: number;
  readonly chunks: Float32Array[];
}

/**
 * `evaluate` (evaluate.ts) of the layer stack `layers` with activation quantizers `actQ` (the
 * engine's forward pass; none = the float model), resuming from the deepest layer input `cache`
 * holds for these weights, quantizers, examples and batches, and keeping the new pass's layer
 * inputs that are worth it. Same batches, same kernels, same inputs: the results are those of
 * the uncached pass, to the bit.
 */
export async function evaluatePrefixCached(
  model: tf.LayersModel,
  layers: readonly tf.layers.Layer[],
  x: tf.Tensor,
  labels: Uint8Array,
  actQ: ReadonlyMap<string, ActQParams>,
  options: { limit?: number; offset?: number; numClasses?: number } = {},
  cache: PrefixCache = prefixCache,
): Promise<EvalResult> {
  const available = Math.min(x.shape[0]!, labels.length);
  const offset = Math.min(Math.max(0, options.offset ?? 0), available);
  const total = Math.min(options.limit ?? available, available - offset);
  const k = options.numClasses ?? 10;
  const batch = evalBatchSize(model, total);
  const n = layers.length;

  // keys[i]: the input of layer i, named by everything it depends on.
  const t0 = performance.now();
  const keys: string[] = [`${idOf(model)}|${idOf(x)}|${offset}+${total}/${batch}`];
  for (let i = 0; i < n - 1; i++)
    keys.push(`${keys[i]}>${layerFingerprint(layers[i]!, actQ.get(layers[i]!.name))}`);
  const fingerprintMs = performance.now() - t0;

  let from = 0;
  for (let i = n - 1; i >= 1 && from === 0; i--) if (cache.has(keys[i]!)) from = i;
  const source = from > 0 ? cache.acquire(keys[from]!) : null;
  const sourcePer = source ? source.dims.reduce((a, d) => a * d, 1) : 0;

  const captures: Capture[] = [];
  const confusion = new Uint32Array(k * k);
  let correct = 0;
  try {
    if (total > 0 && total >= cache.options.minExamples) {
      let flopsBefore = 0;
      for (let i = 0; i < n; i++) {
        if (i > from && !cache.has(keys[i]!)) {
          const dims = perExample(layers[i - 1]!.outputShape as tf.Shape);
          const per = dims.reduce((a, d) => a * d, 1);
          const density = flopsBefore / (4 * per);
          const worth =
            layers[i]!.weights.length > 0 || actQ.has(layers[i]!.name)
              ? density >= cache.options.minFlopsPerByte &&
                4 * per * total <= cache.options.maxEntryBytes
              : false;
          const chunks = worth ? cache.reserve(per * total) : null;
          if (chunks) captures.push({ layer: i, key: keys[i]!, per, dims, density, chunks });
        }
        flopsBefore += flopsOf(layers[i]!);
      }
    }
    const keepAt = new Map(captures.map((c) => [c.layer, c]));

    for (let done = 0; done < total; done += batch) {
      const size = Math.min(batch, total - done);
      const start = offset + done;
      const input = source
        ? tf.tensor(readChunks(source.chunks, done * sourcePer, size * sourcePer), [
            size,
            ...source.dims,
          ])
        : null;
      let out: { predicted: tf.Tensor; kept: tf.Tensor[] };
      try {
        out = tf.tidy(() => {
          let h = input ?? (start === 0 && size === x.shape[0] ? x : x.slice(start, size));
          const kept: tf.Tensor[] = [];
          for (let i = from; i < n;) {
            const layer = layers[i]!;
            if (keepAt.has(i)) kept.push(h === x || h === input ? h.clone() : h);
            const q = actQ.get(layer.name);
            if (q) h = fakeQuantAct(h, q);
            // A convolution and its pool in one step where neither the pool's input is to be
            // kept nor quantized.
            const next = layers[i + 1]?.name ?? '';
            const [out, covered] = applyLayer(layers, i, h, !keepAt.has(i + 1) && !actQ.has(next));
            h = out;
            i += covered;
          }
          return { predicted: h.argMax(-1), kept };
        });
      } finally {
        input?.dispose();
      }
      try {
        for (const [j, c] of captures.entries()) {
          const kept = out.kept[j]!;
          writeChunks(
            c.chunks,
            done * c.per,
            heapFloats(kept) ?? ((await kept.data()) as Float32Array),
          );
        }
        const p = await out.predicted.data();
        correct += tallyPredictions(confusion, k, labels, start, p, size);
      } finally {
        tf.dispose(out);
      }
    }
    for (const c of captures.splice(0)) cache.store(c.key, c.chunks, c.dims, c.density);
    cache.last = {
      resumedAt: from,
      stored: [...keepAt.keys()],
      fingerprintMs,
    };
  } finally {
    for (const c of captures) cache.unreserve(c.chunks);
    if (source) cache.release(source);
  }
  return {
    correct,
    count: total,
    accuracy: total > 0 ? correct / total : 0,
    confusion,
    numClasses: k,
  };
}
