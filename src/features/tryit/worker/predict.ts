import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';
import type { DatasetId } from '../../model';
import { evalBatchSize, forward } from '../../model/worker';
import type { ActQParams } from '../../model/worker';
import { actQuantizers } from '../../quantize/worker';
import type { ModelArch } from '../../../platform/shared/config';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';

/**
 * The Try-it tab's worker side: one input through the original (float32) model and through the
 * compressed one, and, over the whole test set, each model's top-1 class per image (the page
 * picks "misclassified only by the compressed model" from them). Both load weights into the
 * model's shared variables, so they run under the engine's model lock; every tensor made here is
 * disposed here, and the arrays sent back are fresh copies, transferred.
 */

/** What the engine lends: loading, its model lock, and loading compressed weights. */
export interface TryitDeps {
  loaded(dataset: DatasetId, arch: ModelArch): Promise<[LoadedModel, LoadedDataset]>;
  /** The engine's model lock, latest-wins per channel (see engine.ts). */
  supersedable<T>(channel: string | undefined, fn: () => Promise<T>): Promise<T>;
  applySettings(m: LoadedModel, settings: EvalRequest['weights']): void;
}

/** The input: model-ready values (x/255, row-major h × w × c), or a test image. */
export type TryitQuery =
  | { readonly kind: 'input'; readonly input: Float32Array }
  | { readonly kind: 'test'; readonly index: number };

export interface TryitTestImage {
  readonly index: number;
  /** The true class. */
  readonly label: number;
  /** The image as stored, 0–255, row-major h × w × c. */
  readonly pixels: Uint8Array;
  readonly shape: readonly [number, number, number];
}

export interface TryitPrediction {
  readonly modelId: string;
  /** The original model's outputs: logits, or probabilities if the model ends in a softmax. */
  readonly float: Float32Array;
  /** The compressed model's outputs, of the same kind. */
  readonly compressed: Float32Array;
  /** The shipped models end in a linear layer (logits); an uploaded one may end in a softmax. */
  readonly outputs: 'logits' | 'probabilities';
  /** The test image, when one was asked for. */
  readonly test: TryitTestImage | null;
}

export interface TryitPredictions {
  readonly modelId: string;
  /** True class per test image. */
  readonly labels: Uint8Array;
  /** Top-1 class per test image: the original model, the compressed one. */
  readonly float: Uint8Array;
  readonly compressed: Uint8Array;
}

/** The compressed model's forward pass for a request (activations fake-quantized if asked). */
async function compressedPredict(
  deps: TryitDeps,
  m: LoadedModel,
  d: LoadedDataset,
  request: EvalRequest,
): Promise<(x: tf.Tensor) => tf.Tensor> {
  const actQ: Map<string, ActQParams> =
    request.acts && request.acts.bits > 0
      ? await actQuantizers(m, d, request.acts, request.weights?.overrides ?? {})
      : new Map();
  deps.applySettings(m, request.weights);
  return actQ.size > 0
    ? (x) => forward(m.layers, x, actQ)
    : (x) => m.model.predict(x, { batchSize: x.shape[0] ?? 1 }) as tf.Tensor;
}

async function logitsOf(predict: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): Promise<Float32Array> {
  const z = tf.tidy(() => predict(x));
  try {
    // A copy: tfjs may hand out a view of its own memory, which cannot be transferred.
    return Float32Array.from(await z.data());
  } finally {
    z.dispose();
  }
}

/** Whether the model's last layer ends in a softmax (a Dense's activation, or a Softmax layer). */
export function outputsOf(model: tf.LayersModel): 'logits' | 'probabilities' {
  const last = model.layers[model.layers.length - 1];
  if (!last) return 'logits';
  const name = last.getClassName();
  const activation = (last.getConfig() as { activation?: unknown }).activation;
  return name === 'Softmax' || activation === 'softmax' ? 'probabilities' : 'logits';
}

/** A run that a newer request replaced: the client treats it as a cancellation, not a failure. */
function superseded(): Error {
  const e = new Error('Superseded by a newer tryitPredictions request');
  e.name = 'CancelledError';
  return e;
}

/**
 * Top-1 class of every test image, batch by batch, taking the model lock for one batch at a
 * time: a single prediction asked for meanwhile (the user steps to the next image) runs between
 * two batches instead of after the whole test set (seconds for a CNN on Fashion-MNIST). Each
 * batch loads its weights again (`prepare`; free when they are still there), since another
 * request may have loaded others in between. Stops once `wanted()` is false.
 */
async function topClasses(
  deps: TryitDeps,
  m: LoadedModel,
  d: LoadedDataset,
  prepare: () => Promise<(x: tf.Tensor) => tf.Tensor>,
  wanted: () => boolean,
): Promise<Uint8Array> {
  const total = Math.min(d.testX.shape[0], d.testLabels.length);
  const batch = evalBatchSize(m.model, total);
  const out = new Uint8Array(total);
  for (let start = 0; start < total; start += batch) {
    const size = Math.min(batch, total - start);
    await deps.supersedable(undefined, async () => {
      if (!wanted()) throw superseded();
      const predict = await prepare();
      const top = tf.tidy(() => predict(d.testX.slice(start, size)).argMax(-1));
      try {
        out.set(await top.data(), start);
      } finally {
        top.dispose();
      }
    });
  }
  return out;
}

/** The original model's classes per loaded model: they do not change with the pipeline. */
const floatTop = new WeakMap<LoadedModel, Uint8Array>();
/** The newest tryitPredictions request: an older one stops at its next batch. */
let latestAll = 0;

export function tryitApi(deps: TryitDeps) {
  return {
    /**
     * Logits of the original and the compressed model for one input: a drawing's 784 values
     * (already preprocessed, x/255) or test image `index`. A newer request supersedes a queued
     * one, so a quick succession of strokes runs only the last.
     */
    async tryitPredict(
      dataset: DatasetId,
      arch: ModelArch,
      request: EvalRequest,
      query: TryitQuery,
    ): Promise<TryitPrediction> {
      const [m, d] = await deps.loaded(dataset, arch);
      const [h, w, c] = d.meta.imageShape;
      const n = d.testLabels.length;
      if (query.kind === 'input' && query.input.length !== h * w * c)
        throw new RangeError(
          `An input of ${query.input.length} values: the model takes ${h * w * c}.`,
        );
      if (
        query.kind === 'test' &&
        !(Number.isInteger(query.index) && query.index >= 0 && query.index < n)
      )
        throw new RangeError(
          `Test image ${query.index} does not exist: the test set has ${n} images.`,
        );
      const x =
        query.kind === 'input'
          ? tf.tensor4d(query.input, [1, h, w, c])
          : d.testX.slice(query.index, 1);
      try {
        const r = await deps.supersedable('tryitPredict', async () => {
          deps.applySettings(m, null);
          const float = await logitsOf((t) => m.model.predict(t, { batchSize: 1 }) as tf.Tensor, x);
          const compressed = await logitsOf(await compressedPredict(deps, m, d, request), x);
          return { float, compressed };
        });
        let test: TryitTestImage | null = null;
        if (query.kind === 'test') {
          // testX holds x/255: ×255 and rounding gives back the stored bytes exactly.
          const bytes = tf.tidy(() => tf.round(tf.mul(x, 255)).toInt());
          const px = await bytes.data();
          bytes.dispose();
          test = {
            index: query.index,
            label: d.testLabels[query.index]!,
            pixels: Uint8Array.from(px),
            shape: [h, w, c],
          };
        }
        const result: TryitPrediction = {
          modelId: m.meta.id,
          ...r,
          outputs: outputsOf(m.model),
          test,
        };
        return Comlink.transfer(result, [
          r.float.buffer,
          r.compressed.buffer,
          ...(test ? [test.pixels.buffer] : []),
        ]);
      } finally {
        x.dispose();
      }
    },

    /**
     * Top-1 class of every test image by the original and by the compressed model, with the
     * labels: what "misclassified only by the compressed model" is picked from. The original's
     * are computed once per model. A newer request stops this one at its next batch.
     */
    async tryitPredictions(
      dataset: DatasetId,
      arch: ModelArch,
      request: EvalRequest,
    ): Promise<TryitPredictions> {
      const [m, d] = await deps.loaded(dataset, arch);
      const mine = ++latestAll;
      const wanted = () => mine === latestAll;
      let float = floatTop.get(m);
      if (!float) {
        float = await topClasses(
          deps,
          m,
          d,
          () => {
            deps.applySettings(m, null);
            return Promise.resolve(
              (x: tf.Tensor) => m.model.predict(x, { batchSize: x.shape[0] ?? 1 }) as tf.Tensor,
            );
          },
          wanted,
        );
        floatTop.set(m, float);
      }
      const compressed = await topClasses(
        deps,
        m,
        d,
        () => compressedPredict(deps, m, d, request),
        wanted,
      );
      const r = { float: float.slice(), compressed };
      const result: TryitPredictions = {
        modelId: m.meta.id,
        labels: d.testLabels.slice(0, r.compressed.length),
        ...r,
      };
      return Comlink.transfer(result, [result.labels.buffer, r.float.buffer, r.compressed.buffer]);
    },
  };
}

export type TryitApi = ReturnType<typeof tryitApi>;
