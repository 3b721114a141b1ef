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
 * tfjs-wasm 4.22 runs at most hardwareConcurrency / 2 threads (1 on a 2-core laptop) and
 * ignores setThreadsCount. Reporting twice the cores before the backend starts gives one
 * thread per core: measured here, MLP evaluation over 10k images went from 133 ms to 74 ms.
 */
function allowOneThreadPerCore(): void {
  const cores = navigator.hardwareConcurrency || 1;
  try {
    Object.defineProperty(navigator, 'hardwareConcurrency', {
      value: cores * 2,
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
    allowOneThreadPerCore();
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
