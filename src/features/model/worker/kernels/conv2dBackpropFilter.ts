/**
 * Training kernels for the tfjs wasm backend (tfjs-backend-wasm 4.22).
 *
 * - `Conv2DBackpropFilter` is missing from the wasm backend, so training any Conv2D layer
 *   fails with "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"; the cpu
 *   backend's kernel works but takes seconds per LeNet-5 batch of 64. This one writes a
 *   transposed im2col matrix colT [K = kh*kw*cin, N = b*oh*ow] into the wasm heap from JS
 *   and lets the backend's native (XNNPACK) BatchMatMul compute dW = colT x dy [N, cout]:
 *     dW[kh, kw, ci, co] = sum over (b, oh, ow) of
 *                          x[b, oh*sh + kh*dh - top, ow*sw + kw*dw - left, ci] * dy[b, oh, ow, co]
 *   NHWC takes that path; NCHW falls back to plain float64 loops (`conv2dBackpropFilterImpl`).
 * - `Conv2DBackpropInput` exists but is a slow naive loop: replaced (NHWC) by
 *   dx = col2im(dy x W^T) with the native matmul; NCHW is delegated to the original.
 * - `BatchMatMul` with transposeA/transposeB (Dense-layer gradients) runs through a slow
 *   generic loop: wrapped to transpose the operand explicitly first (native Transpose).
 *
 * `registerWasmTrainingKernels()` installs them (idempotent). All three are checked against
 * the cpu backend in conv2dBackpropFilter.test.ts.
 */
import { backend_util, getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { originalKernel, overrideKernel } from './override';
import type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const CONV2D_BACKPROP_FILTER = 'Conv2DBackpropFilter';
export const CONV2D_BACKPROP_INPUT = 'Conv2DBackpropInput';
export const BATCH_MAT_MUL = 'BatchMatMul';

/** The part of the wasm backend this kernel uses. */
type HeapBackend = Pick<BackendWasm, 'makeOutput' | 'typedArrayFromHeap'>;

/** Geometry of one backprop-filter computation, in element strides. */
export interface BackpropFilterGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  channelsLast: boolean;
}

/**
 * Pure computation on typed arrays (exported for tests and for other backends).
 * `out` has shape [filterHeight, filterWidth, inChannels, outChannels].
 */
export function conv2dBackpropFilterImpl(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  g: BackpropFilterGeometry,
  out: Float32Array,
): void {
  const {
    batch,
    inHeight: H,
    inWidth: W,
    inChannels: CI,
    outHeight: OH,
    outWidth: OW,
    outChannels: CO,
  } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = g;
  const { dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const acc = new Float64Array(FH * FW * CI * CO);

  // Element strides of x and dy in either layout.
  const xB = H * W * CI;
  const xR = g.channelsLast ? W * CI : W;
  const xC = g.channelsLast ? CI : 1;
  const xCh = g.channelsLast ? 1 : H * W;
  const yB = OH * OW * CO;
  const yR = g.channelsLast ? OW * CO : OW;
  const yC = g.channelsLast ? CO : 1;
  const yCh = g.channelsLast ? 1 : OH * OW;

  // Copy one dy pixel's channels into a small contiguous buffer (a no-op reshuffle for NHWC).
  const dyPix = new Float64Array(CO);

  for (let b = 0; b < batch; b++) {
    const xBase = b * xB;
    const yBase = b * yB;
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * SH - padTop;
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * SW - padLeft;
        const yOff = yBase + oh * yR + ow * yC;
        let anyNonZero = false;
        for (let co = 0; co < CO; co++) {
          const v = dy[yOff + co * yCh] as number;
          dyPix[co] = v;
          if (v !== 0) anyNonZero = true;
        }
        if (!anyNonZero) continue;
        for (let kh = 0; kh < FH; kh++) {
          const ih = ih0 + kh * DH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = iw0 + kw * DW;
            if (iw < 0 || iw >= W) continue;
            const xOff = xBase + ih * xR + iw * xC;
            const wOff = (kh * FW + kw) * CI * CO;
            for (let ci = 0; ci < CI; ci++) {
              const xv = x[xOff + ci * xCh] as number;
              if (xv === 0) continue;
              const o = wOff + ci * CO;
              for (let co = 0; co < CO; co++) {
                acc[o + co] = (acc[o + co] as number) + xv * (dyPix[co] as number);
              }
            }
          }
        }
      }
    }
  }
  out.set(acc);
}

/** Resolve tfjs attributes into a geometry (shared by the kernel and the tests). */
export function backpropFilterGeometry(
  xShape: readonly number[],
  attrs: Conv2DBackpropFilterAttrs,
): { geometry: BackpropFilterGeometry; filterShape: [number, number, number, number] } {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (xShape.length !== 4)
    throw new Error(`Conv2DBackpropFilter: x must be rank 4, got ${xShape.length}`);
  const $dataFormat = backend_util.convertConv2DDataFormat(dataFormat);
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    $dataFormat,
  );
  return {
    geometry: {
      batch: info.batchSize,
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      inChannels: info.inChannels,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      outChannels: info.outChannels,
      filterHeight: info.filterHeight,
      filterWidth: info.filterWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      dilationHeight: info.dilationHeight,
      dilationWidth: info.dilationWidth,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
      channelsLast: info.dataFormat === 'channelsLast',
    },
    filterShape: [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels],
  };
}

/**
 * Fill `colT` ([K, N] row-major, K = FH*FW*CI, N = B*OH*OW) with transposed NHWC image
 * patches: row k = (kh, kw, ci) holds, for every output pixel n = (b, oh, ow), the input
 * value that filter tap k sees there (0 in the padding).
 */
export function im2colTransposedNhwc(
  x: ArrayLike<number>,
  g: BackpropFilterGeometry,
  colT: Float32Array,
): void {
  const { batch, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = g;
  const { dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  // Planar copy of x: planes[ci][b][h][w], so each patch row is a contiguous run.
  const HW = H * W;
  const planes = new Float32Array(CI * batch * HW);
  for (let b = 0, src = 0; b < batch; b++) {
    for (let p = 0; p < HW; p++) {
      for (let ci = 0; ci < CI; ci++) planes[(ci * batch + b) * HW + p] = x[src++] as number;
    }
  }
  let i = 0;
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      // Output columns whose input column is inside the image: owMin <= ow < owMax.
      const c0 = kw * DW - padLeft;
      const owMin = Math.min(OW, Math.max(0, Math.ceil(-c0 / SW)));
      const owMax = Math.max(owMin, Math.min(OW, Math.ceil((W - c0) / SW)));
      for (let ci = 0; ci < CI; ci++) {
        for (let b = 0; b < batch; b++) {
          const planeBase = (ci * batch + b) * HW;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * SH - padTop + kh * DH;
            if (ih < 0 || ih >= H) {
              for (let ow = 0; ow < OW; ow++) colT[i++] = 0;
              continue;
            }
            const rowBase = planeBase + ih * W + c0;
            // Plain loops: rows are short (OW <= 28), so subarray()/fill() calls cost more than they save.
            for (let ow = 0; ow < owMin; ow++) colT[i++] = 0;
            for (let ow = owMin, src = rowBase + owMin * SW; ow < owMax; ow++, src += SW)
              colT[i++] = planes[src] as number;
            for (let ow = owMax; ow < OW; ow++) colT[i++] = 0;
          }
        }
      }
    }
  }
}

type KernelImpl = (args: {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}) => TensorInfo;

function conv2dBackpropFilterWasm(args: {
  inputs: { x?: TensorInfo; dy?: TensorInfo };
  backend: unknown;
  attrs?: NamedAttrMap;
}): TensorInfo {
  const { x, dy } = args.inputs;
  if (x === undefined || dy === undefined)
    throw new Error('Conv2DBackpropFilter: missing inputs x / dy');
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`Conv2DBackpropFilter (wasm/js): float32 only, got ${x.dtype}/${dy.dtype}`);
  }
  const backend = args.backend as HeapBackend & { disposeData(dataId: object): boolean };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const { geometry: g, filterShape } = backpropFilterGeometry(x.shape, attrs);
  const matMul = getKernel(BATCH_MAT_MUL, 'wasm')?.kernelFunc as KernelImpl | undefined;

  if (g.channelsLast && matMul !== undefined) {
    // Transposed im2col in JS, then dW[K, CO] = colT[K, N] x dy[N, CO] with the backend's
    // native matmul (XNNPACK; about 10x faster than asking it for a transposed operand).
    const N = g.batch * g.outHeight * g.outWidth;
    const K = g.filterHeight * g.filterWidth * g.inChannels;
    const col = backend.makeOutput([1, K, N], 'float32');
    im2colTransposedNhwc(
      backend.typedArrayFromHeap(x),
      g,
      backend.typedArrayFromHeap(col) as Float32Array,
    );
    const dy3: TensorInfo = { dataId: dy.dataId, shape: [1, N, g.outChannels], dtype: 'float32' };
    const out = matMul({
      inputs: { a: col, b: dy3 },
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
    backend.disposeData(col.dataId);
    return { dataId: out.dataId, shape: filterShape, dtype: 'float32' };
  }

  // Generic path (NCHW, or no native matmul): plain loops in JS.
  // Allocate first: allocation may grow the wasm memory, which detaches older heap views.
  const out = backend.makeOutput(filterShape, 'float32');
  const xVals = backend.typedArrayFromHeap(x) as Float32Array;
  const dyVals = backend.typedArrayFromHeap(dy) as Float32Array;
  const outVals = backend.typedArrayFromHeap(out) as Float32Array;
  conv2dBackpropFilterImpl(xVals, dyVals, g, outVals);
  return out;
}

export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: CONV2D_BACKPROP_FILTER,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};

// ---------------------------------------------------------------------------------------
// Conv2DBackpropInput: the wasm backend has one, but it is a naive loop (about 32 ms of a
// 100 ms LeNet-5 training step). dx = col2im(dy[N, CO] x W^T[CO, K]) with the native
// matmul is about 3x faster. Only NHWC takes the fast path; NCHW goes to the original.
// ---------------------------------------------------------------------------------------

/** Resolve Conv2DBackpropInput attributes into a geometry (dilations are always 1). */
export function backpropInputGeometry(
  filterShape: readonly number[],
  attrs: Conv2DBackpropInputAttrs,
): BackpropFilterGeometry {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (filterShape.length !== 4)
    throw new Error(`Conv2DBackpropInput: filter must be rank 4, got ${filterShape.length}`);
  const $dataFormat = backend_util.convertConv2DDataFormat(dataFormat);
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    $dataFormat,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    channelsLast: info.dataFormat === 'channelsLast',
  };
}

/** Scatter-add `col` ([N, K], K = (kh, kw, ci)) into the NHWC image `dx` (overwritten). */
export function col2imNhwc(
  col: ArrayLike<number>,
  g: BackpropFilterGeometry,
  dx: Float32Array,
): void {
  const { batch, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = g;
  const { dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const K = FH * FW * CI;
  dx.fill(0);
  let n = 0;
  for (let b = 0; b < batch; b++) {
    const xBase = b * H * W * CI;
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * SH - padTop;
      for (let ow = 0; ow < OW; ow++, n++) {
        const iw0 = ow * SW - padLeft;
        const cBase = n * K;
        for (let kh = 0; kh < FH; kh++) {
          const ih = ih0 + kh * DH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = iw0 + kw * DW;
            if (iw < 0 || iw >= W) continue;
            const xOff = xBase + (ih * W + iw) * CI;
            const cOff = cBase + (kh * FW + kw) * CI;
            for (let ci = 0; ci < CI; ci++)
              dx[xOff + ci] = (dx[xOff + ci] as number) + (col[cOff + ci] as number);
          }
        }
      }
    }
  }
}

function conv2dBackpropInputWasm(args: {
  inputs: { dy?: TensorInfo; filter?: TensorInfo };
  backend: unknown;
  attrs?: NamedAttrMap;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  if (dy === undefined || filter === undefined)
    throw new Error('Conv2DBackpropInput: missing inputs dy / filter');
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const matMul = getKernel(BATCH_MAT_MUL, 'wasm')?.kernelFunc as KernelImpl | undefined;
  const g = backpropInputGeometry(filter.shape, attrs);
  if (
    !g.channelsLast ||
    matMul === undefined ||
    dy.dtype !== 'float32' ||
    filter.dtype !== 'float32'
  ) {
    const original = originalKernel(CONV2D_BACKPROP_INPUT);
    if (original === undefined)
      throw new Error('Conv2DBackpropInput: no fallback kernel for this case');
    return original(args as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  const backend = args.backend as HeapBackend & { disposeData(dataId: object): boolean };
  const N = g.batch * g.outHeight * g.outWidth;
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const CO = g.outChannels;
  // W^T: [CO, K] (the filter is [K, CO] row-major).
  const wT = backend.makeOutput([1, CO, K], 'float32');
  const w = backend.typedArrayFromHeap(filter);
  const wTVals = backend.typedArrayFromHeap(wT) as Float32Array;
  for (let k = 0; k < K; k++)
    for (let co = 0; co < CO; co++) wTVals[co * K + k] = w[k * CO + co] as number;
  const dy3: TensorInfo = { dataId: dy.dataId, shape: [1, N, CO], dtype: 'float32' };
  const col = matMul({
    inputs: { a: dy3, b: wT },
    backend,
    attrs: { transposeA: false, transposeB: false },
  });
  backend.disposeData(wT.dataId);
  const out = backend.makeOutput([...attrs.inputShape], 'float32');
  col2imNhwc(backend.typedArrayFromHeap(col), g, backend.typedArrayFromHeap(out) as Float32Array);
  backend.disposeData(col.dataId);
  return out;
}

export const conv2dBackpropInputWasmConfig: KernelConfig = {
  kernelName: CONV2D_BACKPROP_INPUT,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputWasm as unknown as KernelFunc,
};

// ---------------------------------------------------------------------------------------
// BatchMatMul with a transposed operand: the wasm backend runs a !transposeA && !transposeB
// product through XNNPACK but any transposed one through a slow generic loop (5-10x slower
// at Dense-layer gradient shapes: dW = x^T dy, dx = dy W^T). This wrapper transposes the
// operand explicitly with the native Transpose kernel and calls the original kernel.
// ---------------------------------------------------------------------------------------

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return perm;
}

function batchMatMulWasm(args: {
  inputs: { a?: TensorInfo; b?: TensorInfo };
  backend: unknown;
  attrs?: NamedAttrMap;
}): TensorInfo {
  const original = originalKernel(BATCH_MAT_MUL);
  if (original === undefined) throw new Error('BatchMatMul: original wasm kernel missing');
  const { a, b } = args.inputs;
  const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  const transpose = getKernel('Transpose', 'wasm')?.kernelFunc as KernelImpl | undefined;
  if (
    a === undefined ||
    b === undefined ||
    transpose === undefined ||
    (attrs.transposeA !== true && attrs.transposeB !== true)
  ) {
    return original(args as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  const backend = args.backend as { disposeData(dataId: object): boolean };
  const a2 =
    attrs.transposeA === true
      ? transpose({ inputs: { x: a }, backend, attrs: { perm: swapLastTwo(a.shape.length) } })
      : a;
  const b2 =
    attrs.transposeB === true
      ? transpose({ inputs: { x: b }, backend, attrs: { perm: swapLastTwo(b.shape.length) } })
      : b;
  const out = original({
    inputs: { a: a2, b: b2 },
    backend: args.backend as object,
    attrs: { ...args.attrs, transposeA: false, transposeB: false },
  }) as TensorInfo;
  if (a2 !== a) backend.disposeData(a2.dataId);
  if (b2 !== b) backend.disposeData(b2.dataId);
  return out;
}

export const batchMatMulWasmConfig: KernelConfig = {
  kernelName: BATCH_MAT_MUL,
  backendName: 'wasm',
  kernelFunc: batchMatMulWasm as unknown as KernelFunc,
};

export interface RegisterOptions {
  /** Replace the wasm backend's own (slow) Conv2DBackpropInput with the matmul-based one. Default true. */
  fastBackpropInput?: boolean;
  /** Route transposed BatchMatMul operands through an explicit transpose. Default true. */
  fastTransposedMatMul?: boolean;
}

/**
 * Register the kernels the wasm backend lacks (or runs slowly) for training:
 * Conv2DBackpropFilter (missing in tfjs-backend-wasm 4.22), and, unless disabled, faster
 * Conv2DBackpropInput and transposed BatchMatMul. Call it before or after
 * `tf.setBackend('wasm')`. Idempotent: kernels already registered by this module are left
 * alone, and a Conv2DBackpropFilter that a future tfjs registers itself is kept.
 * Returns the names of the kernels (re)registered by this call.
 */
export function registerWasmTrainingKernels(options: RegisterOptions = {}): string[] {
  const { fastBackpropInput = true, fastTransposedMatMul = true } = options;
  const added: string[] = [];
  if (getKernel(CONV2D_BACKPROP_FILTER, 'wasm') === undefined) {
    registerKernel(conv2dBackpropFilterWasmConfig);
    added.push(CONV2D_BACKPROP_FILTER);
  }
  if (
    fastBackpropInput &&
    getKernel(CONV2D_BACKPROP_INPUT, 'wasm') !== undefined &&
    overrideKernel(conv2dBackpropInputWasmConfig)
  ) {
    added.push(CONV2D_BACKPROP_INPUT);
  }
  if (
    fastTransposedMatMul &&
    getKernel(BATCH_MAT_MUL, 'wasm') !== undefined &&
    overrideKernel(batchMatMulWasmConfig)
  ) {
    added.push(BATCH_MAT_MUL);
  }
  return added;
}
