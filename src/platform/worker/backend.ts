import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

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
function reserveACoreForThePage(): void {
  const cores = navigator.hardwareConcurrency || 1;
  const threads = Math.max(1, cores - 1);
  try {
    Object.defineProperty(navigator, 'hardwareConcurrency', {
      value: threads * 2,
      configurable: true,
    });
  } catch {
    // Not writable here: keep tfjs's default.
  }
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
    reserveACoreForThePage();
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
  } catch (e) {
    note = `wasm unavailable (${e instanceof Error ? e.message : String(e)}): using the slower cpu backend.`;
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
