import type { FloatKernels } from './kernels/floatKernels';
import type { EvalResult } from './evaluate';
import type { LayerChain } from '../shared/topology';
import { argmaxRows, tallyPredictions } from '../shared/predictions';

/**
 * A model's float32 forward pass and its accuracy on the app's own kernels alone (`ik_fgemm`,
 * `ik_fconv` in wasm/intkernels.c), with no tfjs: what a visit's first screen is measured with
 * while tfjs loads (platform/worker/earlyEngine.ts). The kernels form every sum as XNNPACK does
 * (see kernels/floatKernels.ts), the inputs are the tfjs path's (model/shared/pixels.ts) and
 * the top class is the first of the largest logits (tfjs's argMax): the result is the one the
 * tfjs path gives for the same weights (kernelPass.test.ts compares them on every shipped model).
 */

/** Floats of one activation buffer: a batch's largest output stays in the caches (~0.8 MB). */
const CHUNK_FLOATS = 200_000;

/** A layer's kernel and bias, by layer name, for the chain's steps. */
export type ChainWeights = ReadonlyMap<string, { kernel: Float32Array; bias: Float32Array }>;

/**
 * Top-1 accuracy and confusion matrix of `chain` with `weights` over `limit` images (all by
 * default) of `inputs` (the images as the model's input: `pixelsToFloats`, NHWC) from image
 * `offset`, as the tfjs path's `evaluate` counts them. Synchronous: one call of the kernels per
 * step and batch.
 */
export function kernelEvaluate(
  k: FloatKernels,
  chain: LayerChain,
  weights: ChainWeights,
  inputs: Float32Array,
  labels: Uint8Array,
  options: { limit?: number; offset?: number; numClasses?: number } = {},
): EvalResult {
  const per = chain.inputShape.reduce((a, d) => a * d, 1);
  const available = Math.min(Math.floor(inputs.length / per), labels.length);
  const offset = Math.min(Math.max(0, options.offset ?? 0), available);
  const total = Math.min(options.limit ?? available, available - offset);
  const classes = options.numClasses ?? 10;
  const confusion = new Uint32Array(classes * classes);
  const out = chain.outputs;
  let correct = 0;
  if (total > 0) {
    const width = Math.max(per, chain.widest);
    const chunk = Math.max(1, Math.min(total, Math.floor(CHUNK_FLOATS / width)));
    k.scoped(() => {
      // The weights, once: dense kernels packed (ik_fpack), convolution kernels as they are.
      const ready = chain.steps.map((step) => {
        const w = weights.get(step.layer);
        if (!w) throw new Error(`No weights for layer ${step.layer}.`);
        if (step.kind === 'dense') {
          const p = Math.ceil(step.units / 16);
          const packed = k.alloc(4 * (p * step.inputs * 16 + p * 16));
          const skip = k.scoped(() => {
            const b = k.alloc(w.kernel.byteLength);
            const bias = k.alloc(w.bias.byteLength);
            k.f32(b, w.kernel.length).set(w.kernel);
            k.f32(bias, w.bias.length).set(w.bias);
            return k.fn.ik_fpack(b, bias, step.inputs, step.units, packed);
          });
          return { kernel: packed, bias: 0, skip };
        }
        const kernel = k.alloc(w.kernel.byteLength);
        const bias = k.alloc(w.bias.byteLength);
        k.f32(kernel, w.kernel.length).set(w.kernel);
        k.f32(bias, w.bias.length).set(w.bias);
        return { kernel, bias, skip: 0 };
      });
      const scratch = k.alloc(
        4 *
          Math.max(
            0,
            ...chain.steps.map((s) =>
              s.kind === 'conv'
                ? (s.oh + s.kh - 1) * (s.ow + s.kw - 1) * s.c + s.filters * s.kh * s.kw * s.c
                : 0,
            ),
          ),
      );
      const buffers = [k.alloc(4 * chunk * width), k.alloc(4 * chunk * width)] as const;
      for (let done = 0; done < total; done += chunk) {
        const n = Math.min(chunk, total - done);
        const start = offset + done;
        let src = 0;
        k.f32(buffers[0], n * per).set(inputs.subarray(start * per, (start + n) * per));
        for (const [i, step] of chain.steps.entries()) {
          const w = ready[i]!;
          const [x, y] = [buffers[src]!, buffers[1 - src]!];
          if (step.kind === 'dense')
            k.fn.ik_fgemm(x, n, step.inputs, w.kernel, step.units, step.relu ? 1 : 0, w.skip, y);
          else
            k.fn.ik_fconv(
              x,
              n,
              step.h,
              step.w,
              step.c,
              step.kh,
              step.kw,
              step.padTop,
              step.padLeft,
              step.oh,
              step.ow,
              w.kernel,
              w.bias,
              step.filters,
              step.relu ? 1 : 0,
              step.pool ? 1 : 0,
              scratch,
              y,
            );
          src = 1 - src;
        }
        const predicted = argmaxRows(k.f32(buffers[src]!, n * out), out);
        correct += tallyPredictions(confusion, classes, labels, start, predicted, n);
      }
    });
  }
  return {
    correct,
    count: total,
    accuracy: total > 0 ? correct / total : 0,
    confusion,
    numClasses: classes,
  };
}
