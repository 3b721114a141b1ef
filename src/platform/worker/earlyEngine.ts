import * as Comlink from 'comlink';
import { ARCH_IDS, DATASET_IDS, modelId } from '../../features/model/shared/catalog';
import type { ArchId, DatasetId } from '../../features/model/shared/catalog';
import { DatasetMetaSchema, ModelMetaSchema } from '../../features/model/shared/meta';
import type { DatasetMeta, ModelMeta } from '../../features/model/shared/meta';
import { readKernelModel } from '../../features/model/shared/topology';
import { pixelsToFloats } from '../../features/model/shared/pixels';
import type { LayerChain } from '../../features/model/shared/topology';
import type { LayerWeights } from '../../features/model/shared/layerWeights';
import { kernelEvaluate } from '../../features/model/worker/kernelPass';
import type { ChainWeights } from '../../features/model/worker/kernelPass';
import { compressedWeights } from '../../features/compress';
import { workerKernels } from '../../features/infer/worker/kernelModule';
import type { KernelLoader } from '../../features/infer/worker/kernelModule';
import { cachedLoad, checkLength, parseJson, sharedBytes } from './assetBytes';
import { createSerial } from './serial';
import type { EvalRequest, Evaluation } from './engine';
import { summarizeModel } from './modelSummary';
import type { ModelSummary } from './modelSummary';

/**
 * The compute worker's first-screen engine: while tfjs loads, it answers what a visit's first
 * screen asks of a shipped model (its description, and its accuracy with the trained or
 * compressed weights and float activations) on the app's own float kernels, with no tfjs
 * (model/worker/kernelPass.ts: the same sums, so the same counts, as the tfjs path). A cold visit
 * then waits neither for tfjs's 1.1 MB script to be compiled and run nor for its backend.
 *
 * Its files are read as shared downloads (assetBytes.ts): the full engine, once loaded, takes the
 * same bytes instead of fetching them again. It serves nothing else: `serve` returns null, and the
 * worker's entry hands the call to the full engine (engine.worker.ts).
 */

interface EarlyModel {
  readonly meta: ModelMeta;
  readonly original: readonly LayerWeights[];
  readonly chain: LayerChain;
}

interface EarlyDataset {
  readonly meta: DatasetMeta;
  /**
   * The test images as the models' input (pixelsToFloats: made once, as the tfjs engine makes its
   * test tensor once) and the labels, checked against the meta's counts.
   */
  readonly test: Promise<{ readonly inputs: Float32Array; readonly labels: Uint8Array }>;
}

const isDataset = (v: unknown): v is DatasetId => DATASET_IDS.includes(v as DatasetId);
const isShippedArch = (v: unknown): v is ArchId => ARCH_IDS.includes(v as ArchId);

/** Whether `request` keeps activations float (the kernel pass runs no activation quantizer). */
const floatActivations = (request: EvalRequest | null | undefined): boolean =>
  !request || !request.acts || request.acts.bits === 0;

async function loadModel(id: string): Promise<EarlyModel | Error> {
  const metaPath = `models/${id}/meta.json`;
  const jsonPath = `models/${id}/model.json`;
  const [metaBytes, jsonBytes] = await Promise.all([sharedBytes(metaPath), sharedBytes(jsonPath)]);
  const parsed = ModelMetaSchema.safeParse(parseJson(metaPath, metaBytes));
  if (!parsed.success) throw new Error(`${metaPath} does not describe a model.`);
  const json = parseJson(jsonPath, jsonBytes) as {
    weightsManifest?: { paths?: unknown }[];
  } | null;
  const paths = (json?.weightsManifest ?? []).flatMap((g) =>
    Array.isArray(g.paths) ? g.paths.map((p) => `models/${id}/${String(p)}`) : [],
  );
  const parts = await Promise.all(paths.map(sharedBytes));
  const data = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  const km = readKernelModel(json, data.buffer);
  if (km instanceof Error) return km;
  return { meta: parsed.data, original: km.original, chain: km.chain };
}

async function loadDataset(id: DatasetId): Promise<EarlyDataset> {
  const metaPath = `data/${id}/meta.json`;
  const imagesPath = `data/${id}/test-images.u8`;
  const labelsPath = `data/${id}/test-labels.u8`;
  // All three downloads start at once; a description waits only for the meta.
  const metaBytes = sharedBytes(metaPath);
  const files = Promise.all([sharedBytes(imagesPath), sharedBytes(labelsPath)]);
  files.catch(() => {}); // awaited by an evaluation, which reports its failure
  const parsed = DatasetMetaSchema.safeParse(parseJson(metaPath, await metaBytes));
  if (!parsed.success) throw new Error(`${metaPath} does not describe a dataset.`);
  const meta = parsed.data;
  const [h, w, c] = meta.imageShape;
  const n = meta.test.count;
  const test = files.then(([pixels, labels]) => {
    checkLength(imagesPath, pixels.length, n * h * w * c, `${n} test images`);
    checkLength(labelsPath, labels.length, n, `${n} test labels`);
    const inputs = new Float32Array(pixels.length);
    pixelsToFloats(pixels, inputs);
    return { inputs, labels };
  });
  test.catch(() => {});
  return { meta, test };
}

export interface EarlyEngine {
  /**
   * The answer to the engine call `method(...args)` where this engine serves it, else null (the
   * full engine must). A served call that finds the model beyond the kernel pass (a layer it does
   * not run) or fails in any way is passed to `fallback`, which asks the full engine: the user
   * gets its answer, or its error.
   */
  serve(
    method: string,
    args: readonly unknown[],
    fallback: () => Promise<unknown>,
  ): Promise<unknown> | null;
  /** Forgets the models and test sets read so far (the full engine has its own). */
  drop(): void;
}

export function createEarlyEngine(kernels: KernelLoader = workerKernels): EarlyEngine {
  const models = new Map<string, Promise<EarlyModel | Error>>();
  const datasets = new Map<DatasetId, Promise<EarlyDataset>>();
  const { supersedable } = createSerial();

  /** The model and its dataset, or null where the kernel pass cannot run the model on it. */
  const loaded = async (dataset: DatasetId, arch: ArchId) => {
    const id = modelId(dataset, arch);
    const d = cachedLoad(datasets, dataset, () => loadDataset(dataset));
    d.catch(() => {}); // awaited below, or its failure is the full engine's to report
    const m = await cachedLoad(models, id, () => loadModel(id));
    if (m instanceof Error) return null;
    const data = await d;
    return data.meta.imageShape.join() === m.chain.inputShape.join() ? { m, d: data } : null;
  };

  async function describeModel(dataset: DatasetId, arch: ArchId): Promise<ModelSummary | null> {
    const both = await loaded(dataset, arch);
    if (!both) return null;
    return summarizeModel(both.m.meta, both.d.meta, both.m.original);
  }

  async function evaluate(
    dataset: DatasetId,
    arch: ArchId,
    request: EvalRequest | null,
    limit: number | undefined,
    channel: string | undefined,
    offset: number | undefined,
  ): Promise<Evaluation | null> {
    const [both, k] = await Promise.all([loaded(dataset, arch), kernels()]);
    if (!both) return null;
    const { m } = both;
    const d = await both.d.test;
    return supersedable(channel, async () => {
      const w = request?.weights ? compressedWeights(m, request.weights) : null;
      const weights: ChainWeights = new Map(
        m.original.map((l) => [
          l.info.name,
          {
            kernel: w?.kernels.get(l.info.name) ?? l.kernel,
            bias: w?.biases.get(l.info.name) ?? l.bias!,
          },
        ]),
      );
      const t0 = performance.now();
      const r = kernelEvaluate(k, m.chain, weights, d.inputs, d.labels, {
        ...(limit === undefined ? {} : { limit }),
        ...(offset === undefined ? {} : { offset }),
      });
      const result: Evaluation = { modelId: m.meta.id, ...r, ms: performance.now() - t0 };
      return Comlink.transfer(result, [r.confusion.buffer]);
    });
  }

  const served = (p: Promise<unknown>, fallback: () => Promise<unknown>): Promise<unknown> =>
    p.then(
      (r) => (r === null ? fallback() : r),
      (e: unknown) =>
        // Superseded stays superseded; any other failure is the full engine's to answer.
        e instanceof Error && e.name === 'CancelledError' ? Promise.reject(e) : fallback(),
    );

  return {
    serve(method, args, fallback) {
      const [dataset, arch, request, limit, channel, offset] = args;
      if (!isDataset(dataset) || !isShippedArch(arch)) return null;
      if (method === 'describeModel' && args.length === 2)
        return served(describeModel(dataset, arch), fallback);
      if (
        method === 'evaluate' &&
        floatActivations(request as EvalRequest | null | undefined) &&
        (limit === undefined || typeof limit === 'number') &&
        (channel === undefined || typeof channel === 'string') &&
        (offset === undefined || typeof offset === 'number')
      )
        return served(
          evaluate(
            dataset,
            arch,
            (request as EvalRequest | null | undefined) ?? null,
            limit,
            channel,
            offset,
          ),
          fallback,
        );
      return null;
    },
    drop() {
      models.clear();
      datasets.clear();
    },
  };
}
