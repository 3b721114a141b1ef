/**
 * The float32 convolution of single-channel images (the CNNs' first layer) on the app's own
 * WebAssembly kernel (`ik_fconv1` in wasm/intkernels.c) instead of tfjs's.
 *
 * Why: tfjs's wasm backend (XNNPACK) runs a convolution with one input channel at about half the
 * rate it reaches on the next layer, since each output pixel's inner product is only KH·KW = 25
 * taps long. Measured in Node (same V8 and tfjs wasm build as the worker, one thread, 1,275
 * mnist test images, medians of 7, side by side): the first layer took 43–45 ms (9 GMAC/s) of a
 * 170–178 ms pass, the second 100–104 ms (16 GMAC/s); on this kernel the first takes 22–25 ms.
 * The kernel forms every sum in XNNPACK's order (the bias, then each tap's rounded product
 * added in row-major kernel order, 0·w for a padded tap) with no fused multiply-add, so its
 * output is the original kernel's to the bit (firstConv.test.ts checks it on the shipped models'
 * test images and on random layers): every accuracy, cached layer input and PyTorch comparison
 * stays what it was, only sooner.
 *
 * It wraps the wasm backend's `FusedConv2D` (what tfjs-layers' Conv2D calls in inference): NHWC,
 * one input channel, stride and dilation 1, 'same' or 'valid' padding, a bias, ReLU or none, a
 * multiple of 16 filters. Everything else, and everything before {@link useFirstConvKernels}
 * hands the kernel module over (the compute worker does once it loads), goes to the original.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { FusedConv2DAttrs, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { originalKernel, overrideKernel } from './override';

export const FUSED_CONV2D = 'FusedConv2D';

/** What this needs of the kernel module (features/infer's `IntKernels` has it). */
export interface FirstConvKernels {
  readonly fn: { ik_fconv1(...args: number[]): void };
  alloc(bytes: number): number;
  scoped<T>(f: () => T): T;
  f32(ptr: number, n: number): Float32Array;
}

let kernels: FirstConvKernels | null = null;

/** Output floats per kernel call: the scratch output stays in the caches (~0.8 MB). */
const CHUNK_FLOATS = 200_000;

type HeapBackend = Pick<BackendWasm, 'makeOutput' | 'typedArrayFromHeap' | 'disposeData'>;

/** The layer's output on the kernel, or null where it does not apply. */
export function firstConv(
  k: FirstConvKernels,
  backend: HeapBackend,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  attrs: FusedConv2DAttrs,
): TensorInfo | null {
  const { strides, pad, dilations, dataFormat, activation } = attrs;
  if (
    x.dtype !== 'float32' ||
    filter.dtype !== 'float32' ||
    bias?.dtype !== 'float32' ||
    x.shape.length !== 4 ||
    x.shape[3] !== 1 ||
    dataFormat !== 'NHWC' ||
    (pad !== 'same' && pad !== 'valid') ||
    (activation !== 'relu' && activation !== 'linear')
  )
    return null;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    undefined,
    false,
    'channelsLast',
  );
  const { batchSize: B, inHeight: H, inWidth: W, outChannels: N } = info;
  const { filterHeight: kh, filterWidth: kw, outHeight: OH, outWidth: OW } = info;
  if (
    info.strideHeight !== 1 ||
    info.strideWidth !== 1 ||
    info.dilationHeight !== 1 ||
    info.dilationWidth !== 1 ||
    info.inChannels !== 1 ||
    N % 16 !== 0 ||
    bias.shape.length !== 1 ||
    bias.shape[0] !== N ||
    B === 0 ||
    OH < 1 ||
    OW < 1
  )
    return null;
  const perIn = H * W;
  const perOut = OH * OW * N;
  const chunk = Math.max(1, Math.min(B, Math.floor(CHUNK_FLOATS / perOut)));

  // The output's memory in the backend's heap, unwritten; the heap views after that allocation.
  const out = backend.makeOutput([B, OH, OW, N], 'float32');
  const heapOut = backend.typedArrayFromHeap(out) as Float32Array;
  const heapIn = backend.typedArrayFromHeap(x) as Float32Array;
  const kValues = backend.typedArrayFromHeap(filter) as Float32Array;
  const bValues = backend.typedArrayFromHeap(bias) as Float32Array;
  try {
    k.scoped(() => {
      const kp = k.alloc(kValues.byteLength);
      const bp = k.alloc(bValues.byteLength);
      const padded = k.alloc(4 * (OH + kh - 1) * (OW + kw - 1));
      const xp = k.alloc(4 * chunk * perIn);
      const op = k.alloc(4 * chunk * perOut);
      k.f32(kp, kValues.length).set(kValues);
      k.f32(bp, bValues.length).set(bValues);
      const relu = activation === 'relu' ? 1 : 0;
      const { top, left } = info.padInfo;
      for (let b = 0; b < B; b += chunk) {
        const n = Math.min(chunk, B - b);
        k.f32(xp, n * perIn).set(heapIn.subarray(b * perIn, (b + n) * perIn));
        // The convolution's geometry as the integer kernels take it (one channel), then its own.
        k.fn.ik_fconv1(xp, n, H, W, 1, kh, kw, top, left, OH, OW, kp, bp, N, relu, padded, op);
        heapOut.set(k.f32(op, n * perOut), b * perOut);
      }
    });
  } catch {
    // The kernel module's memory could not grow: tfjs's kernel does it instead.
    backend.disposeData(out.dataId);
    return null;
  }
  return out;
}

function fusedConv2dWasm(args: {
  inputs: {
    x: TensorInfo;
    filter: TensorInfo;
    bias?: TensorInfo;
    preluActivationWeights?: TensorInfo;
  };
  attrs: NamedAttrMap;
  backend: BackendWasm;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const fast =
    kernels && !inputs.preluActivationWeights
      ? firstConv(
          kernels,
          backend,
          inputs.x,
          inputs.filter,
          inputs.bias,
          attrs as unknown as FusedConv2DAttrs,
        )
      : null;
  if (fast) return fast;
  const original = originalKernel(FUSED_CONV2D);
  if (!original) throw new Error('FusedConv2D: the wasm backend kernel is missing');
  return original(args as Parameters<KernelFunc>[0]) as TensorInfo;
}

/**
 * Hands the kernel module to the first-convolution path (null: back to tfjs's own kernel for
 * every convolution), wrapping the wasm backend's FusedConv2D the first time. Call it before or
 * after `tf.setBackend('wasm')`.
 */
export function useFirstConvKernels(k: FirstConvKernels | null): void {
  kernels = k;
  if (k)
    overrideKernel({
      kernelName: FUSED_CONV2D,
      backendName: 'wasm',
      kernelFunc: fusedConv2dWasm as unknown as KernelFunc,
    });
}
