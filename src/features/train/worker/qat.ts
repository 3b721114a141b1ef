import * as tf from '@tensorflow/tfjs';
import type { ActQuant, WeightQuant } from '../../../platform/shared/config';
import { layerSpec } from '../../compress';
import { applyMask } from '../../prune';
import type { Mask } from '../../prune';
import { createObserver } from '../../quantize';
import type { Range } from '../../quantize';
import { computeQParams } from '../../quantize';
import { quantizeWeights } from '../../quantize';
import type { WeightQuantSpec } from '../../quantize';
import type { ActQParams } from '../../model/worker';
import { imagesToTensor } from '../../model/worker';
import { steMask } from '../shared/ste';
import { forwardNet } from './net';
import type { Net } from './net';
import { observerConfig } from '../../quantize';

/**
 * Quantization-aware training's two quantizers:
 * - weights: at every step each kernel is read back and quantized on the CPU by the quantization
 *   lab's own code (src/features/quantize/shared `quantizeWeights`: MinMax qparams of the current weights per
 *   tensor or channel, half-to-even rounding, binary, TWN), so the forward pass runs exactly the
 *   weights post-training quantization would give these float ("shadow") weights; the STE
 *   carries the gradient back to the shadow weights (worker/ste.ts);
 * - activations (optional, bits > 0): the input of every weighted layer, as the lab's W·A path
 *   (src/features/model/worker/forward.ts). Ranges start from the lab's calibration (its observer on the first
 *   `acts.calibration` training images, float model) and then follow each training batch's
 *   min/max as a moving average (c = 0.01, torch's MovingAverageMinMaxObserver used by QAT).
 */

/** The quantizer spec of QAT's weights (one spec for every layer; no per-layer overrides). */
export function qatWeightSpec(weights: WeightQuant, seed: number): WeightQuantSpec {
  return layerSpec({ weights, overrides: {}, seed }, '');
}

/** One kernel of a QAT step: the fake-quantized values and where the STE passes (0/1). */
export interface StepKernel {
  readonly values: tf.Tensor;
  readonly pass: tf.Tensor;
}

/**
 * Uniform nearest-rounding quantization, on the device: the MinMax observer's range of each
 * channel is read back (a few numbers), the qparams come from core's `computeQParams`, and the
 * element-wise part runs as float32 tensor ops: v = fl(w·fl(1/s)), q = clamp(round½even(v) + z),
 * ŵ = fl((q − z)·s). Each op is one correctly rounded float32 operation (tf.round is half to
 * even on the cpu and wasm backends), the same operations core's `fakeQuantize` performs, so ŵ
 * equals `quantizeWeights` bit for bit (tested) without copying the kernel to JS at every step.
 */
async function quantizeUniformOnDevice(
  kernel: tf.Variable,
  shape: readonly number[],
  spec: WeightQuantSpec & { kind: 'uniform' },
): Promise<StepKernel> {
  const channels = spec.perChannel ? shape[shape.length - 1]! : 1;
  const range = tf.tidy(() => {
    const rows = tf.reshape(kernel, [-1, channels]);
    return { min: tf.min(rows, 0), max: tf.max(rows, 0) };
  });
  const min = (await range.min.data()) as Float32Array;
  const max = (await range.max.data()) as Float32Array;
  tf.dispose([range.min, range.max]);
  const qps = Array.from(min, (lo, c) =>
    computeQParams(lo, max[c]!, spec.bits, spec.scheme, spec.symRange),
  );
  const { qmin, qmax } = qps[0]!;
  return tf.tidy(() => {
    const inv = tf.tensor1d(qps.map((q) => Math.fround(1 / q.scale)));
    const zero = tf.tensor1d(qps.map((q) => q.zeroPoint));
    const scale = tf.tensor1d(qps.map((q) => q.scale));
    const codes = tf.add(tf.round(tf.mul(kernel, inv)), zero);
    const values = tf.mul(tf.sub(tf.clipByValue(codes, qmin, qmax), zero), scale);
    const inside = tf.logicalAnd(tf.greaterEqual(codes, qmin), tf.lessEqual(codes, qmax));
    return { values, pass: tf.cast(inside, 'float32') };
  });
}

/**
 * The other formats (binary, ternary, stochastic rounding, 16-bit floats) on the CPU with the
 * lab's `quantizeWeights` itself. `mask` (a sparse base's zeros) is applied to the values:
 * binary maps 0 to +α (as compress.ts does).
 */
async function quantizeOnCpu(
  kernel: tf.Variable,
  shape: readonly number[],
  spec: WeightQuantSpec,
  mask: Mask | null,
): Promise<StepKernel> {
  const w = (await kernel.data()) as Float32Array;
  const q = quantizeWeights(w, shape, spec);
  const values = mask && spec.kind === 'binary' ? applyMask(q.values, mask) : q.values;
  const pass = steMask(w, spec, q.tensor);
  return {
    values: tf.tensor(values, [...shape]),
    pass: tf.tensor(Float32Array.from(pass), [...shape]),
  };
}

/**
 * The fake-quantized kernels for this step, from the current shadow weights. `masks[i]` are the
 * zeros of a sparse base (kept at 0). The caller disposes the tensors.
 */
export async function quantizeKernels(
  net: Net,
  spec: WeightQuantSpec,
  masks: readonly (Mask | null)[],
): Promise<StepKernel[]> {
  const out: StepKernel[] = [];
  try {
    for (const [i, p] of net.params.entries()) {
      out.push(
        spec.kind === 'uniform' && spec.rounding !== 'stochastic'
          ? await quantizeUniformOnDevice(p.kernel, p.kernelShape, spec)
          : await quantizeOnCpu(p.kernel, p.kernelShape, spec, masks[i] ?? null),
      );
    }
    return out;
  } catch (e) {
    disposeKernels(out);
    throw e;
  }
}

export function disposeKernels(kernels: readonly StepKernel[] | null): void {
  if (kernels) tf.dispose(kernels.flatMap((k) => [k.values, k.pass]));
}

/** Images per calibration batch, as the lab (moving-average observers update once per batch). */
const CALIBRATION_BATCH = 32;

/** torch QAT's averaging constant for activation ranges. */
export const ACT_AVERAGING_CONSTANT = 0.01;

/** The activation ranges of QAT: one per weighted layer's input. */
export class ActRanges {
  private readonly ranges: Range[];

  constructor(
    readonly acts: ActQuant,
    initial: readonly Range[],
  ) {
    this.ranges = initial.slice();
  }

  /** The lab's calibration: its observer over the first `acts.calibration` training images. */
  static async calibrate(
    net: Net,
    acts: ActQuant,
    pixels: Uint8Array,
    imageShape: readonly [number, number, number],
    cancelled: () => boolean,
  ): Promise<ActRanges> {
    const size = imageShape[0] * imageShape[1] * imageShape[2];
    const count = Math.min(acts.calibration, Math.floor(pixels.length / size));
    const observers = net.params.map(() => createObserver(observerConfig(acts)));
    for (let start = 0; start < count && !cancelled(); start += CALIBRATION_BATCH) {
      const n = Math.min(CALIBRATION_BATCH, count - start);
      const inputs = tf.tidy(() => {
        const kept: tf.Tensor[] = [];
        const x = imagesToTensor(pixels.subarray(start * size, (start + n) * size), n, imageShape);
        forwardNet(net, x, {
          input: (i, h) => {
            kept[i] = h;
            return h;
          },
        });
        return kept;
      });
      for (const [i, t] of inputs.entries())
        observers[i]!.observe((await t.data()) as Float32Array);
      tf.dispose(inputs);
    }
    return new ActRanges(
      acts,
      observers.map((o) => o.range()),
    );
  }

  /** The fake-quant parameters of layer i's input now. */
  qparams(i: number): ActQParams {
    const r = this.ranges[i]!;
    return computeQParams(r.min, r.max, this.acts.bits, this.acts.scheme, this.acts.symRange);
  }

  all(): ActQParams[] {
    return this.ranges.map((_, i) => this.qparams(i));
  }

  /** Moves each range toward a training batch's [min, max], in float32 as torch. */
  update(batch: readonly Range[]): void {
    const f = Math.fround;
    const c = f(ACT_AVERAGING_CONSTANT);
    batch.forEach((b, i) => {
      const r = this.ranges[i]!;
      if (!Number.isFinite(b.min) || !Number.isFinite(b.max)) return;
      this.ranges[i] = {
        min: f(r.min + f(c * f(b.min - r.min))),
        max: f(r.max + f(c * f(b.max - r.max))),
      };
    });
  }
}
