import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { useHeapSlice } from '../../features/model/worker/kernels/slice';
import { wasmThreadsFor } from '../shared/threads';

/** What the UI shows about the compute backend. Plain data: it crosses the worker boundary. */
export interface BackendInfo {
  readonly name: string;
  readonly simd: boolean;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  readonly tfjsVersion: string;
  /** Why a faster backend was not used, if it was not. */
  readonly note: string | null;
}

const WASM_TIMEOUT_MS = 15_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * tfjs-wasm 4.22 runs hardwareConcurrency / 2 threads and ignores setThreadsCount; it reads the
 * count from `navigator` when the backend starts. We want one thread per core but one: the page's
 * main thread keeps a core to itself, so dragging a slider stays smooth while the worker computes
 * (on 2 cores, 2 wasm threads made 60–160 ms main-thread tasks; 1 thread, almost none). On a
 * 4-core laptop that is 3 threads instead of tfjs's 2.
 */
function reserveACoreForThePage(): number {
  const threads = wasmThreadsFor(navigator.hardwareConcurrency || 1, true);
  try {
    Object.defineProperty(navigator, 'hardwareConcurrency', {
      value: threads * 2,
      configurable: true,
    });
  } catch {
    // Not writable here: keep tfjs's default.
  }
  return threads;
}

/**
 * The threaded build's Emscripten runtime starts a fixed pool of 8 pthread workers
 * (PTHREAD_POOL_SIZE, not configurable from outside) whatever the thread count; each holds its own
 * JS realm and instance of the module (Chromium's measureUserAgentSpecificMemory counted 17 MB
 * each). XNNPACK takes the threads it uses when the backend starts, so the pool's other workers
 * are never used: end them. A later pthread_create would start a new worker on demand.
 */
function endUnusedPthreadWorkers(): void {
  const wasm = (tf.backend() as unknown as { wasm?: { PThread?: { unusedWorkers?: Worker[] } } })
    .wasm;
  const unused = wasm?.PThread?.unusedWorkers;
  if (!Array.isArray(unused) || unused.length === 0) return;
  // One XNNPACK op first, so that its thread pool surely exists (it is made when the backend
  // starts; this makes sure even if a version made it lazily, which would wait on new workers).
  tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync());
  for (const w of unused.splice(0)) w.terminate();
}

/**
 * wasm (SIMD, and threads when the page is cross-origin isolated), falling back to cpu.
 * WebGL is not tried: without a GPU headless Chromium refuses it, and on SwiftShader it was
 * 5–20× slower than wasm.
 */
export async function initBackend(): Promise<BackendInfo> {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  let note: string | null = null;
  try {
    // One thread (a 2-core machine): the SIMD build without threads, which has no pthread pool.
    if (reserveACoreForThePage() === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // Slicing a batch from the resident test set copied the whole set first (kernels/slice.ts).
    useHeapSlice();
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    });
    const ok = await withTimeout(
      tf.setBackend('wasm'),
      WASM_TIMEOUT_MS,
      'Starting the wasm backend',
    );
    if (!ok) throw new Error('the wasm backend did not initialise');
    endUnusedPthreadWorkers();
  } catch (e) {
    note = `wasm unavailable (${e instanceof Error ? e.message : String(e)}): using the slower cpu backend.`;
    // The fallback's kernels load only when needed (the bundle's tfjs leaves them out: tfjs.ts).
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
  }
  await tf.ready();
  const name = tf.getBackend();
  const simd = name === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = name === 'wasm' ? getThreadsCount() : 1;
  if (name === 'wasm' && !isolated)
    note = 'Page not cross-origin isolated: wasm runs single-threaded.';
  return { name, simd, threads, crossOriginIsolated: isolated, tfjsVersion: tf.version.tfjs, note };
}
