import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import {
  instantiateKernels,
  relaxedSimdSupported,
  selfTest,
} from '../features/infer/worker/kernels';
import type { IntKernels, KernelPath } from '../features/infer/worker/kernels';

/**
 * The integer kernels' committed binaries for Node (tests and benchmarks). Node 20 validates
 * relaxed SIMD only behind a V8 flag, which {@link kernelPaths} turns on (it applies to modules
 * compiled afterwards); but its V8 (11.3) computes i32x4.relaxed_dot_i8x16_i7x16_add_s wrongly
 * (twice the sum), so there the relaxed build fails its self-test and only SIMD128 runs. The
 * relaxed build's exactness is tested in Chromium (e2e/intkernels.spec.ts).
 */

const FILES: Record<KernelPath, string> = {
  simd128: 'intkernels.wasm',
  'relaxed-simd': 'intkernels-relaxed.wasm',
};

export function kernelBytes(path: KernelPath): Uint8Array<ArrayBuffer> {
  return new Uint8Array(
    readFileSync(new URL(`../features/infer/worker/${FILES[path]}`, import.meta.url)),
  );
}

/** Turns on Node 20's relaxed-SIMD flag; true when relaxed SIMD then validates. */
export function enableRelaxedSimd(): boolean {
  if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  return relaxedSimdSupported();
}

/** The builds this Node runs correctly: SIMD128, and relaxed SIMD where it passes its self-test. */
export async function kernelPaths(): Promise<KernelPath[]> {
  if (!enableRelaxedSimd()) return ['simd128'];
  const relaxed = await instantiateKernels(kernelBytes('relaxed-simd'));
  return selfTest(relaxed) === null ? ['simd128', 'relaxed-simd'] : ['simd128'];
}

/** The committed build `path`, instantiated without its self-test (for kernels it does not cover). */
export function kernelBuild(path: KernelPath): Promise<IntKernels> {
  return instantiateKernels(kernelBytes(path));
}
