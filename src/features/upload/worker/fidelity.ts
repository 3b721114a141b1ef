import * as tf from '@tensorflow/tfjs';
import type { DatasetId } from '../../model';
import { forward } from '../../model/worker';
import { actQuantizers } from '../../quantize/worker';
import type { ModelArch } from '../../../platform/shared/config';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';

/**
 * Fidelity of a compressed model to its original, for uploaded models that cannot be scored on
 * the shipped datasets: over the model's test inputs (seeded synthetic ones), the top-1
 * agreement and the mean KL divergence KL(P‖Q) from the original's output distribution P to the
 * compressed model's Q. Outputs that are already distributions (a final softmax: non-negative,
 * summing to 1) are used as they are; others are taken as logits and softmaxed.
 */

export interface Fidelity {
  readonly modelId: string;
  /** Fraction of inputs whose top-1 output is the original's. */
  readonly agreement: number;
  /** Mean KL(original ‖ compressed) over the inputs, in nats. */
  readonly kl: number;
  /** Largest KL of one input, in nats. */
  readonly maxKl: number;
  readonly count: number;
  /** What the inputs were: the model's seeded synthetic ones, or the user's own. */
  readonly source: 'synthetic' | 'yours';
  /** Whether the outputs were logits (softmaxed here) or already probabilities. */
  readonly outputs: 'logits' | 'probabilities';
  readonly ms: number;
}

/** What the engine lends: loading, its model lock, and loading compressed weights. */
export interface FidelityDeps {
  loaded(dataset: DatasetId, arch: ModelArch): Promise<[LoadedModel, LoadedDataset]>;
  supersedable<T>(channel: string | undefined, fn: () => Promise<T>): Promise<T>;
  applySettings(m: LoadedModel, settings: EvalRequest['weights']): void;
}

const EPS = 1e-12;

/** Rows of `out` (n × k) are distributions already: all ≥ 0 and each sums to 1 (± 1e-3). */
export function areDistributions(out: Float32Array, n: number, k: number): boolean {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const v = out[i * k + j]!;
      if (!(v >= 0)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}

/** Softmax of each row, in float64 (stable: the row's max subtracted). */
export function softmaxRows(out: Float32Array, n: number, k: number): Float64Array {
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, out[i * k + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += p[i * k + j] = Math.exp(out[i * k + j]! - max);
    for (let j = 0; j < k; j++) p[i * k + j]! /= sum;
  }
  return p;
}

/** Top-1 agreement and KL(P‖Q) (mean and max over rows) of two n × k output arrays. */
export function compareOutputs(
  original: Float32Array,
  compressed: Float32Array,
  n: number,
  k: number,
): Omit<Fidelity, 'modelId' | 'ms' | 'count' | 'source'> {
  const probabilities = areDistributions(original, n, k);
  const toP = (o: Float32Array) => (probabilities ? Float64Array.from(o) : softmaxRows(o, n, k));
  const p = toP(original);
  const q = toP(compressed);
  let agree = 0;
  let total = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    let kl = 0;
    for (let j = 0; j < k; j++) {
      const pj = p[i * k + j]!;
      const qj = q[i * k + j]!;
      if (pj > p[i * k + a]!) a = j;
      if (qj > q[i * k + b]!) b = j;
      if (pj > 0) kl += pj * Math.log(pj / Math.max(qj, EPS));
    }
    if (a === b) agree++;
    const row = Math.max(0, kl);
    total += row;
    max = Math.max(max, row);
  }
  return {
    agreement: n > 0 ? agree / n : 0,
    kl: n > 0 ? total / n : 0,
    maxKl: max,
    outputs: probabilities ? 'probabilities' : 'logits',
  };
}

/** The user's own inputs (see shared/userInputs.ts): `count` inputs of the model's shape. */
export interface OwnInputs {
  /** Names the set: the original model's outputs on it are computed once. */
  readonly id: number;
  readonly values: Float32Array;
  readonly count: number;
}

/** The outputs of the model's current weights on every input `x`, as one n × k array. */
async function outputs(
  m: LoadedModel,
  x: tf.Tensor4D,
  actQ: Awaited<ReturnType<typeof actQuantizers>> | null,
): Promise<Float32Array> {
  const n = x.shape[0];
  const t = tf.tidy(() => {
    const y =
      actQ && actQ.size > 0
        ? forward(m.layers, x, actQ)
        : (m.model.predict(x, { batchSize: Math.min(n, 256) }) as tf.Tensor);
    return y.reshape([n, -1]);
  });
  const data = (await t.data()).slice() as Float32Array;
  t.dispose();
  return data;
}

export function fidelityApi(deps: FidelityDeps) {
  /**
   * The original model's outputs, per model and input set (`'synthetic'` or the user's set id):
   * they do not change with the settings. One user set is kept per model.
   */
  const originals = new WeakMap<LoadedModel, Map<string, Float32Array>>();
  return {
    /**
     * Fidelity of the compressed model (`request`) to the original, on the model's synthetic
     * test inputs, or on `own` inputs of the model's shape when given.
     *
     * @throws RangeError if `own` does not hold `count` inputs of the model's shape.
     */
    async uploadFidelity(
      dataset: DatasetId,
      arch: ModelArch,
      request: EvalRequest,
      channel?: string,
      own?: OwnInputs | null,
    ): Promise<Fidelity> {
      const [m, d] = await deps.loaded(dataset, arch);
      const shape = d.meta.imageShape;
      const per = shape[0] * shape[1] * shape[2];
      if (own && (own.count < 1 || own.values.length !== own.count * per))
        throw new RangeError(
          `${own.values.length} values are not ${own.count} inputs of ${shape.join('×')}.`,
        );
      const x = own ? tf.tensor4d(own.values, [own.count, shape[0], shape[1], shape[2]]) : d.testX;
      try {
        return await deps.supersedable(channel, async () => {
          const t0 = performance.now();
          const set = own ? `yours-${own.id}` : 'synthetic';
          let cache = originals.get(m);
          if (!cache) originals.set(m, (cache = new Map()));
          let original = cache.get(set);
          if (!original) {
            deps.applySettings(m, null);
            original = await outputs(m, x, null);
            for (const k of cache.keys()) if (k !== 'synthetic') cache.delete(k);
            cache.set(set, original);
          }
          const actQ =
            request.acts && request.acts.bits > 0
              ? await actQuantizers(m, d, request.acts, request.weights?.overrides ?? {})
              : null;
          deps.applySettings(m, request.weights);
          const compressed = await outputs(m, x, actQ);
          const n = x.shape[0];
          const k = original.length / n;
          return {
            modelId: m.meta.id,
            count: n,
            source: own ? ('yours' as const) : ('synthetic' as const),
            ...compareOutputs(original, compressed, n, k),
            ms: performance.now() - t0,
          };
        });
      } finally {
        if (x !== d.testX) x.dispose();
      }
    },
  };
}
