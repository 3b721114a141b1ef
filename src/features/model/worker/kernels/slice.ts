import { Slice, slice_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, SliceAttrs, SliceInputs, TensorInfo } from '@tensorflow/tfjs-core';
import { originalKernel, overrideKernel } from './override';

/**
 * The wasm backend's Slice without its copy of the whole input.
 *
 * tfjs-backend-wasm 4.22's Slice starts with `backend.readSync(x.dataId)`: a fresh copy of the
 * entire input, from which it then copies the part asked for. The evaluations slice each batch of
 * images from the resident test set, so every batch copied the whole test set: 31 MB per batch for
 * Fashion-MNIST's 10,000 images, 6.3 MB for MNIST's 2,000 (in a profile of a cold Fashion MLP
 * visit, 0.75 s of the compute worker's 2.4 s). Here a contiguous slice (every batch, a run of whole
 * rows, is one) is one copy of the part, heap to heap. The values are the same bits: it is a
 * copy either way. Other slices, and dtypes the heap does not hold as one typed array (strings,
 * complex64), go to the backend's own kernel.
 */

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
  /** A view of the backend's heap: read it at once (the heap's growth detaches it). */
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function sliceWasm(args: {
  inputs: SliceInputs;
  attrs: SliceAttrs;
  backend: WasmBackendLike;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const x = inputs.x as TensorInfo;
  const [begin, size] = slice_util.parseSliceParams(x, attrs.begin, attrs.size) as [
    number[],
    number[],
  ];
  const count = util.sizeFromShape(size);
  const heapTyped = x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool';
  if (!heapTyped || !slice_util.isSliceContinous(x.shape, begin, size)) {
    const original = originalKernel(Slice);
    if (!original) throw new Error('Slice: the wasm backend kernel is missing');
    return original(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  const out = backend.makeOutput(size, x.dtype);
  if (count === 0) return out;
  // Both views after the output's allocation, which can grow the heap.
  const from = slice_util.computeFlatOffset(begin, util.computeStrides(x.shape));
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(from, from + count));
  return out;
}

/** Replaces the wasm backend's Slice (idempotent). Call before or after `tf.setBackend('wasm')`. */
export function useHeapSlice(): void {
  overrideKernel({
    kernelName: Slice,
    backendName: 'wasm',
    kernelFunc: sliceWasm as unknown as KernelFunc,
  });
}
