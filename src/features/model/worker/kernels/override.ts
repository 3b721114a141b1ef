import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';

/** The wasm backend's own kernels that {@link overrideKernel} replaced, by kernel name. */
const originalKernels = new Map<string, KernelFunc>();

/** The wasm backend's own kernel `name` that an override replaced (to delegate to). */
export function originalKernel(name: string): KernelFunc | undefined {
  return originalKernels.get(name);
}

/** Wrap or replace an existing wasm kernel, keeping the original (and its setup) for delegation. */
export function overrideKernel(config: KernelConfig): boolean {
  const current = getKernel(config.kernelName, 'wasm');
  if (current?.kernelFunc === config.kernelFunc) return false;
  if (current !== undefined) {
    originalKernels.set(config.kernelName, current.kernelFunc);
    unregisterKernel(config.kernelName, 'wasm');
  }
  // Keep the original setupFunc: if the backend initializes after this call, the original
  // kernel we delegate to still gets its wasm bindings.
  const setupFunc = current?.setupFunc ?? config.setupFunc;
  registerKernel(setupFunc === undefined ? config : { ...config, setupFunc });
  return true;
}
