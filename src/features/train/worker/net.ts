import * as tf from '@tensorflow/tfjs';
import { chainLayers } from '../../model/worker';
import type { LayerWeights } from '../../model';

/**
 * The network being trained, as a plain functional forward pass over variables of its own.
 *
 * Why not `model.apply`: QAT runs the layers with fake-quantized kernels and activations in
 * place of the float ones, fine-tuning re-masks the kernels, and distillation trains a student
 * the base model never had. A short list of ops read from the model's topology (Flatten, Dense,
 * Conv2D, pooling; Dropout is the identity at inference and is left out) with the kernels as
 * arguments does all three, and the trainer never writes to the base model's variables (the
 * compute worker may hold compressed weights in them; PITFALLS: getWeights returns the live
 * variables).
 */

const ACTIVATIONS = {
  linear: (x: tf.Tensor) => x,
  relu: (x: tf.Tensor) => tf.relu(x),
  relu6: (x: tf.Tensor) => tf.relu6(x),
  tanh: (x: tf.Tensor) => tf.tanh(x),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(x),
} as const;
export type Activation = keyof typeof ACTIVATIONS;

type Pair = [number, number];
type Padding = 'same' | 'valid';

export type NetOp =
  | { readonly kind: 'flatten' }
  | { readonly kind: 'dense'; readonly param: number; readonly activation: Activation }
  | {
      readonly kind: 'conv2d';
      readonly param: number;
      readonly activation: Activation;
      readonly strides: Pair;
      readonly padding: Padding;
      readonly dilations: Pair;
    }
  | {
      readonly kind: 'maxPool' | 'avgPool';
      readonly poolSize: Pair;
      readonly strides: Pair;
      readonly padding: Padding;
    };

/** One weighted layer: its variables (owned by the net) and how it is described. */
export interface NetParam {
  readonly name: string;
  /** Keras class name: 'Dense' or 'Conv2D'. */
  readonly className: string;
  readonly kernelShape: readonly number[];
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;
}

export interface Net {
  readonly ops: readonly NetOp[];
  readonly params: readonly NetParam[];
}

export interface ForwardOptions {
  /** The kernel layer `i` runs with (default: its variable), e.g. fake-quantized. */
  readonly kernel?: (i: number, kernel: tf.Variable) => tf.Tensor;
  /** Maps the input of weighted layer `i` before the layer reads it (activation fake-quant). */
  readonly input?: (i: number, x: tf.Tensor) => tf.Tensor;
}

type LayerConfig = Record<string, unknown>;

function pair(v: unknown, what: string): Pair {
  const a = Array.isArray(v) ? v : [v, v];
  const [x, y] = a as unknown[];
  if (typeof x !== 'number' || typeof y !== 'number') throw new Error(`${what} is not a pair`);
  return [x, y];
}

function activation(c: LayerConfig, layer: string): Activation {
  const a = c.activation ?? 'linear';
  if (typeof a !== 'string' || !(a in ACTIVATIONS)) {
    throw new Error(`Layer ${layer}: activation ${String(a)} is not supported for training.`);
  }
  return a as Activation;
}

function padding(c: LayerConfig, layer: string): Padding {
  if (c.padding !== 'same' && c.padding !== 'valid') {
    throw new Error(`Layer ${layer}: padding ${String(c.padding)} is not supported.`);
  }
  return c.padding;
}

function channelsLast(c: LayerConfig, layer: string): void {
  if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast') {
    throw new Error(`Layer ${layer}: only channels-last data is supported.`);
  }
}

/** The ops of a sequential model and the names of its weighted layers, in order. */
export function topologyOf(model: tf.LayersModel): { ops: NetOp[]; weighted: string[] } {
  const ops: NetOp[] = [];
  const weighted: string[] = [];
  for (const layer of chainLayers(model)) {
    const c = layer.getConfig() as LayerConfig;
    const name = layer.name;
    switch (layer.getClassName()) {
      case 'Flatten':
        channelsLast(c, name);
        ops.push({ kind: 'flatten' });
        break;
      case 'Dropout':
        break; // identity at inference; trained models are fine-tuned without it
      case 'Dense':
        ops.push({ kind: 'dense', param: weighted.length, activation: activation(c, name) });
        weighted.push(name);
        break;
      case 'Conv2D':
        channelsLast(c, name);
        ops.push({
          kind: 'conv2d',
          param: weighted.length,
          activation: activation(c, name),
          strides: pair(c.strides, `${name} strides`),
          padding: padding(c, name),
          dilations: pair(c.dilationRate ?? 1, `${name} dilation`),
        });
        weighted.push(name);
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        channelsLast(c, name);
        ops.push({
          kind: layer.getClassName() === 'MaxPooling2D' ? 'maxPool' : 'avgPool',
          poolSize: pair(c.poolSize, `${name} poolSize`),
          strides: pair(c.strides ?? c.poolSize, `${name} strides`),
          padding: padding(c, name),
        });
        break;
      default:
        throw new Error(`Layer ${name} (${layer.getClassName()}) is not supported for training.`);
    }
  }
  return { ops, weighted };
}

/**
 * A trainable net with the topology of `model` and, as its starting values, copies of `weights`
 * (matched by layer name). The variables belong to the net: dispose them with {@link disposeNet}.
 */
export function createNet(model: tf.LayersModel, weights: readonly LayerWeights[]): Net {
  const { ops, weighted } = topologyOf(model);
  const params = weighted.map((name): NetParam => {
    const w = weights.find((l) => l.info.name === name);
    if (!w) throw new Error(`No weights for layer ${name}.`);
    const shape = [...w.info.kernelShape];
    return {
      name,
      className: w.info.className,
      kernelShape: shape,
      kernel: variableOf(tf.tensor(w.kernel, shape)),
      bias: w.bias ? variableOf(tf.tensor1d(w.bias)) : null,
    };
  });
  return { ops, params };
}

/** A trainable variable holding `t`'s values; `t` is disposed (the variable shares its data). */
function variableOf(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

/** The trainable variables, kernels and biases, in layer order. */
export function netVariables(net: Net): tf.Variable[] {
  return net.params.flatMap((p) => (p.bias ? [p.kernel, p.bias] : [p.kernel]));
}

/** Logits of `x` (NHWC, scaled x/255). Synchronous: call inside tf.tidy or optimizer.minimize. */
export function forwardNet(net: Net, x: tf.Tensor, options: ForwardOptions = {}): tf.Tensor {
  let h = x;
  for (const op of net.ops) {
    switch (op.kind) {
      case 'flatten':
        h = tf.reshape(h, [h.shape[0]!, -1]);
        break;
      case 'dense':
      case 'conv2d': {
        const p = net.params[op.param]!;
        if (options.input) h = options.input(op.param, h);
        const k = options.kernel ? options.kernel(op.param, p.kernel) : p.kernel;
        h =
          op.kind === 'dense'
            ? tf.matMul(h as tf.Tensor2D, k as tf.Tensor2D)
            : tf.conv2d(
                h as tf.Tensor4D,
                k as tf.Tensor4D,
                op.strides,
                op.padding,
                'NHWC',
                op.dilations,
              );
        if (p.bias) h = tf.add(h, p.bias);
        h = ACTIVATIONS[op.activation](h);
        break;
      }
      case 'maxPool':
      case 'avgPool': {
        const pool = op.kind === 'maxPool' ? tf.maxPool : tf.avgPool;
        h = pool(h as tf.Tensor4D, op.poolSize, op.strides, op.padding);
        break;
      }
    }
  }
  return h;
}

export function disposeNet(net: Net): void {
  for (const v of netVariables(net)) v.dispose();
}

/** Copies of the current kernels and biases (private arrays, safe to transfer). */
export async function readNet(net: Net): Promise<
  {
    name: string;
    className: string;
    kernelShape: number[];
    kernel: Float32Array;
    bias: Float32Array | null;
  }[]
> {
  return Promise.all(
    net.params.map(async (p) => ({
      name: p.name,
      className: p.className,
      kernelShape: [...p.kernelShape],
      kernel: (await p.kernel.data()).slice() as Float32Array,
      bias: p.bias ? ((await p.bias.data()).slice() as Float32Array) : null,
    })),
  );
}
