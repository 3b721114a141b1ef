/**
 * A TF.js layers model's topology (model.json's `modelTopology`) read without tfjs, as the chain
 * of steps the app's float kernels run (model/worker/kernelPass.ts): dense layers, convolutions
 * (with the 2×2 max pool after a ReLU convolution fused, as the tfjs path's CONV_RELU_POOL does),
 * and the layers that move no number (the input, Flatten on channels-last data, Dropout in
 * inference). Anything else, or a graph that is not one chain, is refused with the reason: such a
 * model is left to tfjs. Every layer's output shape comes out too, as tfjs-layers infers it.
 */
import { readLayersModelWeights } from './weightsFile';
import type { RawLayerWeights } from './weightsFile';

/** One kernel call per image batch: a dense layer, or a convolution with its pool. */
export type ChainStep =
  | {
      readonly kind: 'dense';
      /** The layer whose kernel and bias it uses. */
      readonly layer: string;
      readonly inputs: number;
      readonly units: number;
      readonly relu: boolean;
    }
  | {
      readonly kind: 'conv';
      readonly layer: string;
      /** The input, channels last. */
      readonly h: number;
      readonly w: number;
      readonly c: number;
      readonly kh: number;
      readonly kw: number;
      readonly padTop: number;
      readonly padLeft: number;
      /** The convolution's output (before the pool). */
      readonly oh: number;
      readonly ow: number;
      readonly filters: number;
      readonly relu: boolean;
      /** A 2×2 max pool, stride 2, 'valid', follows (and is computed with it). */
      readonly pool: boolean;
    };

export interface LayerChain {
  /** One example's shape, channels last (the input layer's batch_input_shape without the batch). */
  readonly inputShape: readonly number[];
  readonly steps: readonly ChainStep[];
  /** Each layer's output shape without the batch axis, by name (as tfjs-layers' outputShape). */
  readonly outputShapes: ReadonlyMap<string, readonly number[]>;
  /** Floats per example of the widest activation a step writes (its output). */
  readonly widest: number;
  /** Outputs per example of the last step (the classes' logits). */
  readonly outputs: number;
}

interface LayerJson {
  class_name?: unknown;
  config?: Record<string, unknown>;
  inbound_nodes?: unknown;
}

const pair = (v: unknown): [number, number] | null =>
  Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d > 0)
    ? [v[0] as number, v[1] as number]
    : Number.isInteger(v) && (v as number) > 0
      ? [v as number, v as number]
      : null;

/** The name of the one layer feeding `l` (null: none), or undefined where it has several. */
function inboundOf(l: LayerJson): string | null | undefined {
  const nodes = l.inbound_nodes;
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return null;
  if (!Array.isArray(nodes) || nodes.length !== 1) return undefined;
  const node = nodes[0] as unknown;
  if (!Array.isArray(node) || node.length !== 1) return undefined;
  const first = node[0] as unknown;
  return Array.isArray(first) && typeof first[0] === 'string' ? first[0] : undefined;
}

/**
 * The chain of `modelJson`'s topology, or an Error saying why the kernel pass cannot run it.
 * `kernelShapes` gives each layer's kernel and bias shapes by name (from the weights manifest): a
 * dense layer or convolution must have a bias, and both must have the shapes its configuration
 * implies.
 */
export function readChain(
  modelJson: unknown,
  kernelShapes: ReadonlyMap<string, { kernel: readonly number[]; bias: readonly number[] | null }>,
): LayerChain | Error {
  const topology = (modelJson as { modelTopology?: { config?: { layers?: unknown } } } | null)
    ?.modelTopology;
  const layers = topology?.config?.layers;
  if (!Array.isArray(layers) || layers.length === 0)
    return new Error('model.json has no layers to read');
  const steps: ChainStep[] = [];
  const outputShapes = new Map<string, number[]>();
  let shape: number[] | null = null;
  let previous: string | null = null;
  for (const [i, raw] of (layers as LayerJson[]).entries()) {
    const cls = raw.class_name;
    const cfg = raw.config ?? {};
    const name = cfg.name;
    if (typeof cls !== 'string' || typeof name !== 'string')
      return new Error(`layer ${i} has no class or name`);
    const inbound = inboundOf(raw);
    if (inbound === undefined || (i > 0 && inbound !== previous))
      return new Error(`${name} is not fed by the layer before it alone`);
    previous = name;
    if (cls === 'InputLayer') {
      const b = cfg.batch_input_shape;
      if (i !== 0 || !Array.isArray(b) || b.length < 2) return new Error(`${name}: no input shape`);
      const dims = b.slice(1);
      if (!dims.every((d) => Number.isInteger(d) && (d as number) > 0))
        return new Error(`${name}: input shape ${JSON.stringify(b)}`);
      shape = dims as number[];
      outputShapes.set(name, shape);
      continue;
    }
    if (!shape) return new Error('the model does not start with an input layer');
    const activation = cfg.activation ?? 'linear';
    const relu = activation === 'relu';
    const w = kernelShapes.get(name);
    switch (cls) {
      case 'Flatten':
        if (cfg.data_format !== undefined && cfg.data_format !== 'channels_last')
          return new Error(`${name}: data_format ${String(cfg.data_format)}`);
        shape = [shape.reduce((a, d) => a * d, 1)];
        break;
      case 'Dropout':
        break;
      case 'Dense': {
        if (shape.length !== 1) return new Error(`${name}: a dense layer on a rank-${shape.length} input`); // prettier-ignore
        const units = cfg.units;
        if (!Number.isInteger(units) || (units as number) <= 0) return new Error(`${name}: units`);
        if (!relu && activation !== 'linear') return new Error(`${name}: activation ${String(activation)}`); // prettier-ignore
        if (
          !w ||
          w.kernel.join() !== `${shape[0]},${units as number}` ||
          w.bias?.join() !== `${units as number}`
        )
          // prettier-ignore
          return new Error(`${name}: weights of another shape, or no bias`);
        steps.push({ kind: 'dense', layer: name, inputs: shape[0]!, units: units as number, relu });
        shape = [units as number];
        break;
      }
      case 'Conv2D': {
        const k = pair(cfg.kernel_size);
        const filters = cfg.filters;
        const padding = cfg.padding;
        if (
          shape.length !== 3 ||
          !k ||
          !Number.isInteger(filters) ||
          (filters as number) % 16 !== 0 ||
          pair(cfg.strides)?.join() !== '1,1' ||
          (cfg.dilation_rate !== undefined && pair(cfg.dilation_rate)?.join() !== '1,1') ||
          (cfg.data_format !== undefined && cfg.data_format !== 'channels_last') ||
          (padding !== 'same' && padding !== 'valid') ||
          (!relu && activation !== 'linear')
        )
          return new Error(`${name}: a convolution the float kernels do not take`);
        const [h, wd, c] = shape as [number, number, number];
        const [kh, kw] = k;
        const n = filters as number;
        if (!w || w.kernel.join() !== `${kh},${kw},${c},${n}` || w.bias?.join() !== `${n}`)
          return new Error(`${name}: weights of another shape, or no bias`);
        const same = padding === 'same';
        const oh = same ? h : h - kh + 1;
        const ow = same ? wd : wd - kw + 1;
        if (oh < 1 || ow < 1) return new Error(`${name}: no output`);
        steps.push({
          kind: 'conv',
          layer: name,
          h,
          w: wd,
          c,
          kh,
          kw,
          padTop: same ? Math.floor((kh - 1) / 2) : 0,
          padLeft: same ? Math.floor((kw - 1) / 2) : 0,
          oh,
          ow,
          filters: n,
          relu,
          pool: false,
        });
        shape = [oh, ow, n];
        break;
      }
      case 'MaxPooling2D': {
        const last = steps[steps.length - 1];
        if (
          last?.kind !== 'conv' ||
          last.pool ||
          !last.relu ||
          outputShapes.get(last.layer) !== shape ||
          pair(cfg.pool_size)?.join() !== '2,2' ||
          pair(cfg.strides ?? cfg.pool_size)?.join() !== '2,2' ||
          cfg.padding !== 'valid' ||
          (cfg.data_format !== undefined && cfg.data_format !== 'channels_last') ||
          last.oh < 2 ||
          last.ow < 2
        )
          return new Error(`${name}: a pool that does not follow a ReLU convolution`);
        steps[steps.length - 1] = { ...last, pool: true };
        shape = [Math.floor(last.oh / 2), Math.floor(last.ow / 2), last.filters];
        break;
      }
      default:
        return new Error(`${name}: layer class ${cls}`);
    }
    if (w && cls !== 'Dense' && cls !== 'Conv2D') return new Error(`${name}: weights on a ${cls}`);
    outputShapes.set(name, shape);
  }
  const last = steps[steps.length - 1];
  if (!last || last.kind !== 'dense' || last.relu || shape?.length !== 1)
    return new Error('the model does not end in a linear dense layer (its logits)');
  const inputShape = outputShapes.get((layers[0] as LayerJson).config!.name as string)!;
  const widest = Math.max(...steps.map(stepOutputs));
  return { inputShape, steps, outputShapes, widest, outputs: last.units };
}

/** Floats per example a step writes. */
export function stepOutputs(s: ChainStep): number {
  if (s.kind === 'dense') return s.units;
  return s.pool ? Math.floor(s.oh / 2) * Math.floor(s.ow / 2) * s.filters : s.oh * s.ow * s.filters;
}

/**
 * A layers model read without tfjs for the kernel pass: its weights (with each layer's output
 * shape, as tfjs's model summary gives it) and its chain, or an Error saying why the kernel pass
 * cannot run it. Throws where the files are not a readable model (readLayersModelWeights).
 */
export function readKernelModel(
  modelJson: unknown,
  weightData: ArrayBuffer,
): { original: RawLayerWeights[]; chain: LayerChain } | Error {
  const raw = readLayersModelWeights(modelJson, weightData);
  const chain = readChain(
    modelJson,
    new Map(raw.map((l) => [l.info.name, { kernel: l.info.kernelShape, bias: l.info.biasShape }])),
  );
  if (chain instanceof Error) return chain;
  const original = raw.map((l) => ({
    ...l,
    info: { ...l.info, outputShape: [...(chain.outputShapes.get(l.info.name) ?? [])] },
  }));
  return { original, chain };
}
