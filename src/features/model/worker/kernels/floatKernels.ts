/**
 * The float path's convolutions and dense layers on the app's own WebAssembly kernels (`ik_fconv`,
 * `ik_fgemm` in wasm/intkernels.c) instead of tfjs's (XNNPACK).
 *
 * Why: they are faster at the same arithmetic. Measured in Node (same V8 and tfjs wasm build as the
 * worker, one thread, 1,275 test images, medians of 7, side by side on a 2-core AMD EPYC):
 * - a convolution with one input channel (the CNNs' first layer), whose inner products are only
 *   KH·KW = 25 taps long, ran at about half XNNPACK's rate on wider layers: on the earlier machine
 *   43–45 ms against 22–25 ms on this kernel; here 62 against 34 ms;
 * - the CNNs' second convolution (16 input channels, 400-long sums): 134–137 against 100–101 ms;
 * - fashion-mlp's first dense layer (784 → 300): 24.2–24.6 against 18.1 ms.
 * The kernels take two output pixels (or rows) by 16 filters (or columns) at a time, eight
 * accumulators, where XNNPACK's wasm kernels take four by eight. The product leaves out the inputs
 * that are ±0 in both of its two rows (MNIST's background, a ReLU's zeros), which changes no bit
 * where no bias is −0 and every weight is finite (the kernel checks, see `fzero_safe` in
 * intkernels.c): mnist-mlp's float32 pass over 2,000 images 42–52 ms instead of 61–90 (Node).
 * The convolution leaves out the inputs that are ±0 in both windows of a pair of output pixels,
 * over lists made once per image row (`fpair_lists`), where they leave out enough: in Node, 1,000
 * test images, the CNNs' second convolution 75–76 → 70–71 ms on Fashion-MNIST and → 66–68 ms on
 * MNIST, MNIST's first 21–23 → 14–15 ms; in the browser worker, mnist-cnn's float32 pass over
 * 2,000 images 196 → 169 ms and fashion-cnn's over 10,000 958 → 934 ms (`bench/app.ts --only
 * eval,sweep --models mnist-cnn,fashion-cnn`, one run per build, back to back).
 *
 * Every sum is formed in XNNPACK's order (the bias, then each product rounded and added in order:
 * a convolution's taps in row-major kernel order, each tap's input channels in order, 0·w for a
 * padded tap; a dense layer's k in order) with no fused multiply-add, so each output is the
 * original kernel's to the bit (floatKernels.test.ts checks it on the shipped models' test images
 * and on random layers): every accuracy, cached layer input and PyTorch comparison stays what it
 * was, only sooner.
 *
 * A ReLU convolution and the 2×2 max pool after it run as one call (CONV_RELU_POOL, which
 * forward.ts's passes use): fashion-cnn's float32 pass over 10,000 test images in the browser
 * worker took 0.99 s against 1.18 s for the build before (`bench/app.ts --only eval,sweep
 * --models mnist-cnn,fashion-cnn`, one run each, back to back).
 *
 * They wrap the wasm backend's `FusedConv2D` and `FusedMatMul` (what tfjs-layers' Conv2D and
 * Dense call in inference, with a bias and ReLU or none):
 * - a convolution in NHWC with stride and dilation 1, 'same' or 'valid' padding and a multiple of
 *   16 filters;
 * - a product of one matrix by another, neither transposed (a Dense layer's input by its kernel).
 * Everything else, and everything before {@link useFloatKernels} hands the kernel module over (the
 * compute worker does once it loads), goes to the original.
 */
import { backend_util, getKernel, registerKernel } from '@tensorflow/tfjs-core';
import type {
  _FusedMatMulAttrs,
  FusedConv2DAttrs,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { originalKernel, overrideKernel } from './override';

export const FUSED_CONV2D = 'FusedConv2D';
export const FUSED_MATMUL = '_FusedMatMul';
const MAX_POOL = 'MaxPool';

/** What this needs of the kernel module (features/infer's `IntKernels` has it). */
export interface FloatKernels {
  readonly fn: {
    ik_fconv(...args: number[]): void;
    ik_fpack(...args: number[]): number;
    ik_fgemm(...args: number[]): void;
  };
  alloc(bytes: number): number;
  scoped<T>(f: () => T): T;
  f32(ptr: number, n: number): Float32Array;
}

let kernels: FloatKernels | null = null;

/** Output floats per kernel call: the scratch output stays in the caches (~0.8 MB). */
const CHUNK_FLOATS = 200_000;

type HeapBackend = Pick<BackendWasm, 'makeOutput' | 'typedArrayFromHeap' | 'disposeData'>;

/**
 * The convolution's output on the kernel, or null where it does not apply. With `pool` (a ReLU
 * convolution only), the output of a 2×2 max pool (stride 2, 'valid') of it instead, fused.
 */
export function floatConv(
  k: FloatKernels,
  backend: HeapBackend,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  attrs: FusedConv2DAttrs,
  pool = false,
): TensorInfo | null {
  const { strides, pad, dilations, dataFormat, activation } = attrs;
  if (
    x.dtype !== 'float32' ||
    filter.dtype !== 'float32' ||
    bias?.dtype !== 'float32' ||
    x.shape.length !== 4 ||
    dataFormat !== 'NHWC' ||
    (pad !== 'same' && pad !== 'valid') ||
    (activation !== 'relu' && activation !== 'linear') ||
    (pool && activation !== 'relu')
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
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outChannels: N } = info;
  const { filterHeight: kh, filterWidth: kw, outHeight: OH, outWidth: OW } = info;
  if (
    info.strideHeight !== 1 ||
    info.strideWidth !== 1 ||
    info.dilationHeight !== 1 ||
    info.dilationWidth !== 1 ||
    N % 16 !== 0 ||
    bias.shape.length !== 1 ||
    bias.shape[0] !== N ||
    B === 0 ||
    OH < (pool ? 2 : 1) ||
    OW < (pool ? 2 : 1)
  )
    return null;
  const [PH, PW] = pool ? [Math.floor(OH / 2), Math.floor(OW / 2)] : [OH, OW];
  const perIn = H * W * C;
  const perOut = PH * PW * N;
  const chunk = Math.max(1, Math.min(B, Math.floor(CHUNK_FLOATS / perOut)));

  return onKernels(backend, [B, PH, PW, N], (heap) => {
    const heapIn = heap(x);
    const kValues = heap(filter);
    const bValues = heap(bias);
    const heapOut = heap(null);
    k.scoped(() => {
      const kp = k.alloc(kValues.byteLength);
      const bp = k.alloc(bValues.byteLength);
      const padded = k.alloc(4 * ((OH + kh - 1) * (OW + kw - 1) * C + N * kh * kw * C));
      const xp = k.alloc(4 * chunk * perIn);
      const op = k.alloc(4 * chunk * perOut);
      k.f32(kp, kValues.length).set(kValues);
      k.f32(bp, bValues.length).set(bValues);
      const relu = activation === 'relu' ? 1 : 0;
      const { top, left } = info.padInfo;
      for (let b = 0; b < B; b += chunk) {
        const n = Math.min(chunk, B - b);
        k.f32(xp, n * perIn).set(heapIn.subarray(b * perIn, (b + n) * perIn));
        // The convolution's geometry as the integer kernels take it, then its own.
        k.fn.ik_fconv(
          xp,
          n,
          H,
          W,
          C,
          kh,
          kw,
          top,
          left,
          OH,
          OW,
          kp,
          bp,
          N,
          relu,
          pool ? 1 : 0,
          padded,
          op,
        );
        heapOut.set(k.f32(op, n * perOut), b * perOut);
      }
    });
  });
}

/**
 * A new float32 output of `shape` in the backend's heap, filled by `fill` (given the heap's view of
 * a tensor, or of the output for null); null, the output freed, if `fill` throws (the kernel
 * module's memory could not grow: tfjs's kernel does it instead).
 */
function onKernels(
  backend: HeapBackend,
  shape: number[],
  fill: (heap: (t: TensorInfo | null) => Float32Array) => void,
): TensorInfo | null {
  // The output's memory in the backend's heap, unwritten; the heap views after that allocation.
  const out = backend.makeOutput(shape, 'float32');
  try {
    fill((t) => backend.typedArrayFromHeap(t ?? out) as Float32Array);
  } catch {
    backend.disposeData(out.dataId);
    return null;
  }
  return out;
}

/** A product's rows per kernel call: the rows and their outputs stay in the caches. */
const CHUNK_ROWS_FLOATS = 64_000;

/**
 * Products of fewer rows go to tfjs: the weights are packed on every call, where XNNPACK keeps its
 * packed copy between calls, and for a few rows (a batch-1 latency) the packing costs more than
 * the products (mnist-mlp, one image: 517–838 µs against 428–720 µs through tfjs in Node).
 */
const MIN_ROWS = 16;

/** The dense layer's output (a·b + bias, ReLU or none) on the kernel, or null where it does not apply. */
export function floatMatMul(
  k: FloatKernels,
  backend: HeapBackend,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | undefined,
  attrs: _FusedMatMulAttrs,
): TensorInfo | null {
  const { transposeA, transposeB, activation } = attrs;
  const single = (t: TensorInfo) =>
    t.shape.length === 2 || (t.shape.length === 3 && t.shape[0] === 1);
  if (
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    bias?.dtype !== 'float32' ||
    transposeA ||
    transposeB ||
    !single(a) ||
    !single(b) ||
    a.shape.length !== b.shape.length ||
    (activation !== 'relu' && activation !== 'linear')
  )
    return null;
  const [M, K] = a.shape.slice(-2) as [number, number];
  const [K2, N] = b.shape.slice(-2) as [number, number];
  if (
    K !== K2 ||
    bias.shape.length !== 1 ||
    bias.shape[0] !== N ||
    M < MIN_ROWS ||
    K === 0 ||
    N === 0
  )
    return null;
  const P = Math.ceil(N / 16);
  const chunk = Math.max(2, Math.floor(CHUNK_ROWS_FLOATS / Math.max(K, N)));

  return onKernels(backend, [...a.shape.slice(0, -2), M, N], (heap) => {
    const heapA = heap(a);
    const bValues = heap(b);
    const biasValues = heap(bias);
    const heapOut = heap(null);
    k.scoped(() => {
      const wp = k.alloc(4 * (P * K * 16 + P * 16));
      // Packed on every call: fashion-mlp's first layer 0.2–0.4 ms against 18 ms for a batch of
      // 1,275 rows (Node).
      const skip = k.scoped(() => {
        const bp = k.alloc(bValues.byteLength);
        const biasp = k.alloc(biasValues.byteLength);
        k.f32(bp, bValues.length).set(bValues);
        k.f32(biasp, biasValues.length).set(biasValues);
        return k.fn.ik_fpack(bp, biasp, K, N, wp);
      });
      const ap = k.alloc(4 * chunk * K);
      const op = k.alloc(4 * chunk * N);
      const relu = activation === 'relu' ? 1 : 0;
      for (let m = 0; m < M; m += chunk) {
        const n = Math.min(chunk, M - m);
        k.f32(ap, n * K).set(heapA.subarray(m * K, (m + n) * K));
        k.fn.ik_fgemm(ap, n, K, wp, N, relu, skip, op);
        heapOut.set(k.f32(op, n * N), m * N);
      }
    });
  });
}

type Fused = { bias?: TensorInfo; preluActivationWeights?: TensorInfo };

/**
 * The backend's kernel `name` wrapped: `fast` where the kernel module is here and it applies (it
 * returns null where it does not), else the original.
 */
function wrapped<I extends Fused>(
  name: string,
  fast: (
    k: FloatKernels,
    backend: BackendWasm,
    inputs: I,
    attrs: NamedAttrMap,
  ) => TensorInfo | null,
): KernelFunc {
  return ((args: { inputs: I; attrs: NamedAttrMap; backend: BackendWasm }) => {
    const { inputs, attrs, backend } = args;
    const out =
      kernels && !inputs.preluActivationWeights ? fast(kernels, backend, inputs, attrs) : null;
    if (out) return out;
    const original = originalKernel(name);
    if (!original) throw new Error(`${name}: the wasm backend kernel is missing`);
    return original(args as unknown as Parameters<KernelFunc>[0]);
  }) as unknown as KernelFunc;
}

const fusedConv2dWasm = wrapped<Fused & { x: TensorInfo; filter: TensorInfo }>(
  FUSED_CONV2D,
  (k, backend, i, attrs) =>
    floatConv(k, backend, i.x, i.filter, i.bias, attrs as unknown as FusedConv2DAttrs),
);

const fusedMatMulWasm = wrapped<Fused & { a: TensorInfo; b: TensorInfo }>(
  FUSED_MATMUL,
  (k, backend, i, attrs) =>
    floatMatMul(k, backend, i.a, i.b, i.bias, attrs as unknown as _FusedMatMulAttrs),
);

/**
 * The app's own kernel (forward.ts runs it, see `applyLayer`): a ReLU convolution (FusedConv2D's
 * inputs and attributes) and the 2×2 max pool, stride 2, 'valid', after it, as one call of the
 * kernel module. Its output is tfjs's MaxPool of tfjs's FusedConv2D output to the bit: the
 * convolution's sums are the same, and after the ReLU the pool's four values are ≥ +0 and not
 * NaN, where any maximum is the same number. What the fusion saves is the pool's pass and the
 * copy of the convolution's full output into tfjs's heap: the CNNs' first convolution writes 16
 * floats for each of 784 pixels per image, 50 MB per 1,000 images, of which the pool keeps a
 * fourth.
 */
export const CONV_RELU_POOL = 'PlaygroundConvReluMaxPool';

/** Whether the float path's convolutions run on the kernel module (see useFloatKernels). */
export function floatKernelsInUse(): boolean {
  return kernels !== null;
}

const convReluPoolWasm = ((args: {
  inputs: Fused & { x: TensorInfo; filter: TensorInfo };
  attrs: NamedAttrMap;
  backend: BackendWasm;
}) => {
  const { inputs, attrs, backend } = args;
  const fused = kernels
    ? floatConv(
        kernels,
        backend,
        inputs.x,
        inputs.filter,
        inputs.bias,
        attrs as unknown as FusedConv2DAttrs,
        true,
      )
    : null;
  if (fused) return fused;
  // The same two steps where the kernel does not take the convolution (a number of filters not
  // a multiple of 16, say) or the module's memory could not grow: the convolution as
  // FusedConv2D runs it, then the backend's own MaxPool.
  const conv = fusedConv2dWasm(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  try {
    const maxPool = getKernel(MAX_POOL, 'wasm');
    if (!maxPool) throw new Error(`${MAX_POOL}: the wasm backend kernel is missing`);
    return maxPool.kernelFunc({
      inputs: { x: conv },
      backend,
      attrs: { filterSize: 2, strides: 2, pad: 'valid', dimRoundingMode: undefined },
    } as unknown as Parameters<KernelFunc>[0]);
  } finally {
    backend.disposeData(conv.dataId);
  }
}) as unknown as KernelFunc;

/**
 * Hands the kernel module to the float path (null: back to tfjs's own kernels for every
 * convolution and product), wrapping the wasm backend's FusedConv2D and _FusedMatMul and
 * registering CONV_RELU_POOL the first time. Call it before or after `tf.setBackend('wasm')`.
 */
export function useFloatKernels(k: FloatKernels | null): void {
  kernels = k;
  if (!k) return;
  for (const [kernelName, kernelFunc] of [
    [FUSED_CONV2D, fusedConv2dWasm],
    [FUSED_MATMUL, fusedMatMulWasm],
  ] as const)
    overrideKernel({ kernelName, backendName: 'wasm', kernelFunc });
  if (!getKernel(CONV_RELU_POOL, 'wasm'))
    registerKernel({
      kernelName: CONV_RELU_POOL,
      backendName: 'wasm',
      kernelFunc: convReluPoolWasm,
    });
}
