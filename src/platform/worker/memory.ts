import * as tf from '@tensorflow/tfjs';

/** What the compute worker holds: tensors, the wasm backend's heap, and its JS heap. */
export interface WorkerMemory {
  /** Live tensors and the bytes they hold (tf.memory()): what a leak adds to. */
  readonly numTensors: number;
  readonly numBytes: number;
  /**
   * Size of the wasm backend's heap (its WebAssembly.Memory, shared with its pthread workers):
   * what the worker reserved for tensor data, not what is in use. It only grows (a wasm memory
   * never shrinks), so it bounds what the tensors ever needed at once. null on another backend.
   */
  readonly wasmHeapBytes: number | null;
  /**
   * The worker's used JS heap where the browser reports it to the worker itself (Chromium's
   * non-standard `performance.memory`; coarse unless Chromium runs with precise memory info).
   * null where it does not: measure from the page with measureUserAgentSpecificMemory instead.
   */
  readonly jsHeapBytes: number | null;
}

interface EmscriptenModule {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
  HEAPU8?: Uint8Array;
}

function wasmHeapBytes(): number | null {
  // Not tf.backend(): that would start a backend if none had been started yet.
  if (tf.getBackend() !== 'wasm') return null;
  const wasm = (tf.backend() as unknown as { wasm?: EmscriptenModule }).wasm;
  // The Memory itself first: its `buffer` is always the current one, while a view (HEAPU8) made
  // before the heap last grew can still point at the old, smaller buffer in the threaded build.
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  if (memory) return memory.buffer.byteLength;
  return wasm?.HEAPU8?.buffer.byteLength ?? null;
}

function jsHeapBytes(): number | null {
  const used = (performance as Performance & { memory?: { usedJSHeapSize?: number } }).memory
    ?.usedJSHeapSize;
  return typeof used === 'number' ? used : null;
}

/** The compute worker's memory now (engine.memory()). */
export function workerMemory(): WorkerMemory {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes, wasmHeapBytes: wasmHeapBytes(), jsHeapBytes: jsHeapBytes() };
}
