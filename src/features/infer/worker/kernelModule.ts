import simd128Url from './intkernels.wasm?url';
import relaxedUrl from './intkernels-relaxed.wasm?url';
import { loadKernels } from './kernels';
import type { IntKernels, KernelPath } from './kernels';

/**
 * The kernel module of a worker, loaded once per build asked for: the integer path's runner
 * (api.ts), the float path's kernels (model/worker/kernels/floatKernels.ts) and the first-screen
 * engine's pass (platform/worker/earlyEngine.ts) share one instance and its memory. No tfjs here.
 */
export type KernelLoader = (path?: KernelPath | 'best') => Promise<IntKernels>;

/** A loader that reads each build's bytes with `bytesOf`, once per build ('best' included). */
export function kernelLoader(bytesOf: (path: KernelPath) => Promise<BufferSource>): KernelLoader {
  const loading = new Map<KernelPath | 'best', Promise<IntKernels>>();
  return (path = 'best') => {
    let p = loading.get(path);
    if (!p) {
      p = loadKernels(bytesOf, path === 'best' ? undefined : path);
      loading.set(path, p);
      p.catch(() => loading.delete(path));
    }
    return p;
  };
}

/** The builds' committed binaries, from the app's origin. */
async function fromOrigin(path: KernelPath): Promise<ArrayBuffer> {
  const res = await fetch(path === 'simd128' ? simd128Url : relaxedUrl);
  if (!res.ok) throw new Error(`Could not load the integer kernels: HTTP ${res.status}.`);
  return res.arrayBuffer();
}

/** This worker's kernel module ('best': the fastest build this runtime runs correctly). */
export const workerKernels: KernelLoader = kernelLoader(fromOrigin);
