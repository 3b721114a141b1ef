import { MAX_LAYERS, MAX_NAME_LENGTH } from './limits';

/**
 * A Keras topology (the `modelTopology` of a TF.js layers model) read without trusting it:
 * Keras 2 (`batch_input_shape`, nested-list `inbound_nodes`, tfjs-converter's `model_config`
 * wrapper) and Keras 3 (`batch_shape`, `DTypePolicy` objects, `{args, kwargs}` inbound nodes,
 * `module`/`registered_name` keys) alike. What the labs can run is decided here: a plain chain
 * of the layer classes in {@link RUNNABLE_CLASSES}; its shapes are inferred layer by layer so
 * that every kernel and bias is checked against what its layer needs.
 */

/**
 * Layer classes the labs run (a chain of these is evaluated with tfjs). Dense and Conv2D carry
 * the weights the labs compress; the others have none. BatchNormalization is not among them: the
 * labs read a layer's first two weights as kernel and bias, so a model with it is inspected and
 * compressed tensor by tensor but not evaluated (fold it into the convolution before export).
 */
export const RUNNABLE_CLASSES: ReadonlySet<string> = new Set([
  'InputLayer',
  'Dense',
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Dropout',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'Softmax',
  'Reshape',
  'ZeroPadding2D',
]);

/** Classes whose weights the labs compress: kernel (and bias). */
export const WEIGHTED_CLASSES: ReadonlySet<string> = new Set(['Dense', 'Conv2D']);

/**
 * Built-in Keras layer classes: a model made of these (and not only runnable ones) is inspected
 * but not evaluated. A class outside this list is a custom layer whose code is not in the files:
 * the upload is refused.
 */
export const KNOWN_KERAS_CLASSES: ReadonlySet<string> = new Set([
  ...RUNNABLE_CLASSES,
  ...['Conv1D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose'],
  ...['SeparableConv1D', 'SeparableConv2D', 'DepthwiseConv1D', 'DepthwiseConv2D'],
  ...['MaxPooling1D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling3D'],
  ...['GlobalAveragePooling1D', 'GlobalAveragePooling3D', 'GlobalMaxPooling1D'],
  ...['GlobalMaxPooling3D', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D'],
  ...['GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ELU', 'PReLU', 'ThresholdedReLU'],
  ...['Permute', 'RepeatVector', 'BatchNormalization', 'LayerNormalization'],
  ...['GroupNormalization', 'UnitNormalization', 'Embedding', 'LSTM', 'GRU', 'SimpleRNN'],
  ...['Bidirectional', 'TimeDistributed', 'ConvLSTM2D', 'Add', 'Subtract', 'Multiply'],
  ...['Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot', 'ZeroPadding1D', 'ZeroPadding3D'],
  ...['Cropping1D', 'Cropping2D', 'Cropping3D', 'UpSampling1D', 'UpSampling2D', 'UpSampling3D'],
  ...['Masking', 'Rescaling', 'Resizing', 'CenterCrop', 'Normalization', 'MultiHeadAttention'],
  ...['Sequential', 'Functional', 'Model'],
]);

/** Activation names tfjs 4.22 knows, as Keras writes them. */
export const ACTIVATIONS: ReadonlySet<string> = new Set([
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'softmax',
  'tanh',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'hard_sigmoid',
  'swish',
  'mish',
  'gelu',
]);

type Json = Record<string, unknown>;

export interface KerasLayer {
  readonly className: string;
  readonly name: string;
  readonly config: Json;
  /** The layers feeding each call of this layer (functional models); null in a Sequential. */
  readonly inbound: readonly (readonly string[])[] | null;
}

export interface Topology {
  /** 'Sequential', 'Functional' or 'Model'. */
  readonly className: string;
  readonly name: string;
  readonly layers: readonly KerasLayer[];
  /** Written by Keras 3 (batch_shape, DTypePolicy, {args, kwargs} nodes). */
  readonly keras3: boolean;
}

/** What a layer with weights needs from the manifest. */
export interface WeightedLayer {
  readonly name: string;
  readonly className: string;
  readonly kernelShape: readonly number[];
  readonly biasShape: readonly number[] | null;
  /** Output shape without the batch axis. */
  readonly outputShape: readonly number[];
}

export interface Chain {
  /** Input shape without the batch axis. */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** The layers after the input, in order. */
  readonly layers: readonly KerasLayer[];
  readonly weighted: readonly WeightedLayer[];
}

export type Read<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A name as a message quotes it: JSON-quoted, cut to 60 characters. Shown as text only. */
export function quote(name: string): string {
  return JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
}

/**
 * Names end up in the page (as text: React escapes them) and in result keys. Refused: empty,
 * over-long, control characters, and markup characters (`<`, `>`): Keras names are identifiers
 * and never need them; an upload carrying `<script>` in a name is hostile or broken.
 */
export function badName(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_NAME_LENGTH)
    return `is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
  if (/[<>]/.test(name)) return 'contains < or > (markup): Keras names never do';
  return null;
}

/** Keras 3's inbound node `{args, kwargs}`: the `keras_history` layer names in its args. */
function keras3Inbound(node: Json, out: string[], depth = 0): void {
  const visit = (v: unknown, d: number): void => {
    if (d > 8) return;
    if (Array.isArray(v)) v.forEach((x) => visit(x, d + 1));
    else if (isObj(v)) {
      const cfg = v.config;
      if (v.class_name === '__keras_tensor__' && isObj(cfg) && Array.isArray(cfg.keras_history)) {
        const name = cfg.keras_history[0];
        if (typeof name === 'string') out.push(name);
      } else for (const x of Object.values(v)) visit(x, d + 1);
    }
  };
  visit(node.args, depth);
}

function readInbound(raw: unknown): { nodes: string[][]; keras3: boolean } | null {
  if (raw === undefined) return { nodes: [], keras3: false };
  if (!Array.isArray(raw)) return null;
  const nodes: string[][] = [];
  let keras3 = false;
  for (const node of raw) {
    const names: string[] = [];
    if (isObj(node)) {
      keras3 = true;
      keras3Inbound(node, names);
    } else if (Array.isArray(node)) {
      for (const t of node) if (Array.isArray(t) && typeof t[0] === 'string') names.push(t[0]);
    } else return null;
    nodes.push(names);
  }
  return { nodes, keras3 };
}

/** The topology inside `modelTopology` (tfjs-converter wraps Keras's in `model_config`). */
export function readTopology(modelTopology: unknown, file: string): Read<Topology> {
  const top =
    isObj(modelTopology) && isObj(modelTopology.model_config)
      ? modelTopology.model_config
      : modelTopology;
  if (!isObj(top) || typeof top.class_name !== 'string')
    return {
      ok: false,
      problem: `${file}: modelTopology has no class_name: it is not a Keras model.`,
    };
  const className = top.class_name;
  if (!['Sequential', 'Functional', 'Model'].includes(className))
    return {
      ok: false,
      problem: `${file}: modelTopology is a ${quote(className)}, expected a Keras Sequential, Functional or Model.`,
    };
  const cfg = top.config;
  const rawLayers = Array.isArray(cfg) ? cfg : isObj(cfg) ? cfg.layers : undefined;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0)
    return { ok: false, problem: `${file}: modelTopology.config has no layers.` };
  if (rawLayers.length > MAX_LAYERS)
    return {
      ok: false,
      problem: `${file}: ${rawLayers.length} layers, more than the ${MAX_LAYERS} read.`,
    };
  const name = isObj(cfg) && typeof cfg.name === 'string' ? cfg.name : 'model';
  const nameProblem = badName(name);
  if (nameProblem)
    return { ok: false, problem: `${file}: the model's name ${quote(name)} ${nameProblem}.` };
  let keras3 = false;
  const layers: KerasLayer[] = [];
  const seen = new Set<string>();
  for (const [i, l] of rawLayers.entries()) {
    if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config))
      return { ok: false, problem: `${file}: layer ${i} has no class_name and config.` };
    const lname =
      typeof l.config.name === 'string'
        ? l.config.name
        : typeof l.name === 'string'
          ? l.name
          : null;
    if (lname === null)
      return { ok: false, problem: `${file}: layer ${i} (${quote(l.class_name)}) has no name.` };
    const np = badName(lname);
    if (np)
      return { ok: false, problem: `${file}: the name of layer ${i}, ${quote(lname)}, ${np}.` };
    const cp = badName(l.class_name);
    if (cp)
      return {
        ok: false,
        problem: `${file}: layer ${quote(lname)} has the class name ${quote(l.class_name)}, which ${cp}.`,
      };
    if (!KNOWN_KERAS_CLASSES.has(l.class_name))
      return {
        ok: false,
        problem: `${file}: layer ${quote(lname)} is a ${quote(l.class_name)}, not a built-in Keras layer: custom layers need their code, which a model.json does not carry. The labs run ${[...RUNNABLE_CLASSES].join(', ')}.`,
      };
    if (seen.has(lname))
      return { ok: false, problem: `${file}: two layers are named ${quote(lname)}.` };
    seen.add(lname);
    const inbound = readInbound(l.inbound_nodes);
    if (!inbound)
      return { ok: false, problem: `${file}: layer ${quote(lname)} has unreadable inbound_nodes.` };
    if (inbound.keras3 || 'batch_shape' in l.config || 'module' in l) keras3 = true;
    layers.push({
      className: l.class_name,
      name: lname,
      config: l.config,
      inbound: className === 'Sequential' ? null : inbound.nodes,
    });
  }
  return { ok: true, value: { className, name, layers, keras3 } };
}

const int = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) ? v : null;

/** `2` or `[2, 2]` as a pair of positive integers. */
function pair(v: unknown, fallback: [number, number] | null): [number, number] | null {
  if (v === undefined || v === null) return fallback;
  const n = int(v);
  if (n !== null) return n > 0 ? [n, n] : null;
  if (Array.isArray(v) && v.length === 2) {
    const [a, b] = [int(v[0]), int(v[1])];
    if (a !== null && b !== null && a > 0 && b > 0) return [a, b];
  }
  return null;
}

/** A batch shape `[null, 28, 28, 1]` without its batch axis, if every dimension is known. */
function batchShape(v: unknown): number[] | null {
  if (!Array.isArray(v) || v.length < 2) return null;
  const dims = v.slice(1).map(int);
  return dims.every((d): d is number => d !== null && d > 0) ? dims : null;
}

/** The declared input shape (no batch axis) of a layer's config, if it declares one. */
function declaredInput(c: Json): number[] | null {
  const b = batchShape(c.batch_input_shape) ?? batchShape(c.batch_shape);
  if (b) return b;
  if (Array.isArray(c.input_shape)) {
    const dims = c.input_shape.map(int);
    if (dims.every((d): d is number => d !== null && d > 0)) return dims;
  }
  return null;
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

function convOut(n: number, k: number, s: number, d: number, padding: string): number {
  if (padding === 'same') return Math.ceil(n / s);
  return Math.floor((n - ((k - 1) * d + 1)) / s) + 1;
}

/** One layer's output shape (no batch axis) and what weights it needs. */
function step(
  l: KerasLayer,
  input: readonly number[],
): Read<{ out: number[]; weighted: WeightedLayer | null }> {
  const c = l.config;
  const fail = (why: string): Read<never> => ({
    ok: false,
    problem: `layer ${quote(l.name)} (${l.className}) ${why}`,
  });
  const same = { ok: true as const, value: { out: [...input], weighted: null } };
  if (typeof c.data_format === 'string' && c.data_format !== 'channels_last')
    return fail(`uses ${quote(c.data_format)}: the labs run channels_last models only`);
  if ('activation' in c && c.activation !== undefined && c.activation !== null) {
    if (typeof c.activation !== 'string' || !ACTIVATIONS.has(c.activation))
      return fail(
        `has the activation ${quote(JSON.stringify(c.activation))}, which tfjs does not run`,
      );
  }
  switch (l.className) {
    case 'Dropout':
    case 'ReLU':
    case 'LeakyReLU':
    case 'Softmax':
    case 'Activation':
      return same;
    case 'Flatten':
      return { ok: true, value: { out: [input.reduce((a, b) => a * b, 1)], weighted: null } };
    case 'Reshape': {
      const t = Array.isArray(c.target_shape) ? c.target_shape.map(int) : null;
      if (
        !t ||
        t.some((d) => d === null || d === 0 || d < -1) ||
        t.filter((d) => d === -1).length > 1
      )
        return fail('has no readable target_shape');
      const size = input.reduce((a, b) => a * b, 1);
      const known = (t as number[]).filter((d) => d > 0).reduce((a, b) => a * b, 1);
      const out = (t as number[]).map((d) => (d === -1 ? size / known : d));
      if (out.reduce((a, b) => a * b, 1) !== size || out.some((d) => !Number.isInteger(d)))
        return fail(`cannot reshape ${shapeText(input)} to ${shapeText(t as number[])}`);
      return { ok: true, value: { out, weighted: null } };
    }
    case 'Dense': {
      const units = int(c.units);
      if (units === null || units <= 0) return fail('has no positive units');
      if (input.length < 1) return fail('has no input');
      const out = [...input.slice(0, -1), units];
      return {
        ok: true,
        value: {
          out,
          weighted: {
            name: l.name,
            className: 'Dense',
            kernelShape: [input.at(-1)!, units],
            biasShape: c.use_bias === false ? null : [units],
            outputShape: out,
          },
        },
      };
    }
    case 'Conv2D': {
      if (input.length !== 3)
        return fail(`needs an input of rank 3 (height, width, channels), gets ${shapeText(input)}`);
      const filters = int(c.filters);
      const k = pair(c.kernel_size, null);
      const s = pair(c.strides, [1, 1]);
      const d = pair(c.dilation_rate, [1, 1]);
      const padding = c.padding ?? 'valid';
      if (filters === null || filters <= 0 || !k || !s || !d)
        return fail('has no readable filters, kernel_size, strides or dilation_rate');
      if (padding !== 'valid' && padding !== 'same')
        return fail(`has the padding ${quote(String(padding))}`);
      if (c.groups !== undefined && c.groups !== 1) return fail('is a grouped convolution');
      const out = [
        convOut(input[0]!, k[0], s[0], d[0], padding),
        convOut(input[1]!, k[1], s[1], d[1], padding),
        filters,
      ];
      if (out[0]! < 1 || out[1]! < 1)
        return fail(`leaves no output for an input of ${shapeText(input)}`);
      return {
        ok: true,
        value: {
          out,
          weighted: {
            name: l.name,
            className: 'Conv2D',
            kernelShape: [k[0], k[1], input[2]!, filters],
            biasShape: c.use_bias === false ? null : [filters],
            outputShape: out,
          },
        },
      };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      if (input.length !== 3) return fail(`needs an input of rank 3, gets ${shapeText(input)}`);
      const p = pair(c.pool_size, [2, 2]);
      const s = pair(c.strides, p);
      const padding = c.padding ?? 'valid';
      if (!p || !s || (padding !== 'valid' && padding !== 'same'))
        return fail('has no readable pool_size, strides or padding');
      const out = [
        convOut(input[0]!, p[0], s[0], 1, padding),
        convOut(input[1]!, p[1], s[1], 1, padding),
        input[2]!,
      ];
      if (out[0]! < 1 || out[1]! < 1)
        return fail(`leaves no output for an input of ${shapeText(input)}`);
      return { ok: true, value: { out, weighted: null } };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      if (input.length !== 3) return fail(`needs an input of rank 3, gets ${shapeText(input)}`);
      return {
        ok: true,
        value: { out: c.keepdims === true ? [1, 1, input[2]!] : [input[2]!], weighted: null },
      };
    case 'ZeroPadding2D': {
      if (input.length !== 3) return fail(`needs an input of rank 3, gets ${shapeText(input)}`);
      let pads: [number, number, number, number] | null = null;
      const p = c.padding ?? 1;
      const n = int(p);
      if (n !== null && n >= 0) pads = [n, n, n, n];
      else if (Array.isArray(p) && p.length === 2) {
        const [a, b] = p;
        if (int(a) !== null && int(b) !== null)
          pads = [a as number, a as number, b as number, b as number];
        else if (Array.isArray(a) && Array.isArray(b)) {
          const v = [a[0], a[1], b[0], b[1]].map(int);
          if (v.every((x) => x !== null && x >= 0)) pads = v as [number, number, number, number];
        }
      }
      if (!pads) return fail('has no readable padding');
      return {
        ok: true,
        value: {
          out: [input[0]! + pads[0] + pads[1], input[1]! + pads[2] + pads[3], input[2]!],
          weighted: null,
        },
      };
    }
    default:
      return fail('is not one the labs run');
  }
}

/**
 * The topology as a chain the labs can run: one input, each layer fed by the one before, every
 * class runnable, shapes inferred. `ok: false` says why not (the model is then inspected, not
 * evaluated).
 */
export function readChain(t: Topology): Read<Chain> {
  const first = t.layers[0]!;
  const inputLayer = first.className === 'InputLayer' ? first : null;
  const rest = inputLayer ? t.layers.slice(1) : t.layers;
  if (rest.length === 0) return { ok: false, problem: 'the model has no layer after its input.' };
  const inputShape = declaredInput((inputLayer ?? first).config);
  if (!inputShape)
    return {
      ok: false,
      problem:
        'the model does not declare the shape of its input (batch_input_shape, batch_shape or input_shape).',
    };
  const other = t.layers.find(
    (l) => !RUNNABLE_CLASSES.has(l.className) || (l !== first && l.className === 'InputLayer'),
  );
  if (other)
    return {
      ok: false,
      problem: `layer ${quote(other.name)} is a ${other.className}, which the labs do not run (they run ${[...RUNNABLE_CLASSES].join(', ')}).`,
    };
  if (t.className !== 'Sequential') {
    for (const [i, l] of rest.entries()) {
      const prev = i === 0 ? inputLayer : rest[i - 1]!;
      const nodes = l.inbound ?? [];
      if (
        nodes.length !== 1 ||
        nodes[0]!.length !== 1 ||
        (prev !== null && nodes[0]![0] !== prev.name)
      )
        return {
          ok: false,
          problem: `layer ${quote(l.name)} is not fed by the layer before it alone: the labs run plain chains of layers, not branching models.`,
        };
    }
  }
  let shape: readonly number[] = inputShape;
  const weighted: WeightedLayer[] = [];
  for (const l of rest) {
    const r = step(l, shape);
    if (!r.ok) return r;
    shape = r.value.out;
    if (r.value.weighted) weighted.push(r.value.weighted);
  }
  return { ok: true, value: { inputShape, outputShape: shape, layers: rest, weighted } };
}

/** Keys that only Keras 3 writes and tfjs 4.22 does not read. */
const KERAS3_ONLY = new Set(['module', 'registered_name', 'build_config', 'compile_config']);

/** A layer config as tfjs reads it: DTypePolicy objects as their name, initializers neutral. */
function tfjsConfig(c: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(c)) {
    if (
      KERAS3_ONLY.has(k) ||
      k === 'batch_shape' ||
      k === 'batch_input_shape' ||
      k === 'input_shape'
    )
      continue;
    if (k === 'dtype') {
      const policy = isObj(v) && isObj(v.config) ? v.config.name : v;
      out.dtype = typeof policy === 'string' && policy !== 'mixed_float16' ? policy : 'float32';
    } else if (k.endsWith('_initializer')) out[k] = { class_name: 'Zeros', config: {} };
    else if (k.endsWith('_regularizer') || k.endsWith('_constraint')) out[k] = null;
    else if (
      k === 'name' ||
      k === 'trainable' ||
      typeof v !== 'object' ||
      v === null ||
      Array.isArray(v)
    )
      out[k] = v;
    // Other objects (Keras 3's quantization_config, seed generators…) mean nothing to inference.
  }
  return out;
}

/**
 * What goes before the chain when the labs feed it inputs of another shape: a Flatten (a
 * 784-input model run on 28×28×1 images) or a Reshape (a model of any input shape fed the
 * synthetic "images" of fidelity measurements, 3-D like the shipped ones).
 */
export type InputAdapter = {
  readonly kind: 'flatten' | 'reshape';
  readonly from: readonly number[];
};

/**
 * A Sequential topology that tfjs 4.22's `modelFromJSON` builds: the chain's layers with clean
 * configs, the first declaring the input shape, or an adapter layer before them; a Flatten after
 * them when `flattenOutput` (top-1 over every output of a non-vector output).
 */
export function tfjsSequential(
  name: string,
  chain: Chain,
  adapter: InputAdapter | null = null,
  flattenOutput = false,
): Json {
  const layers: Json[] = chain.layers.map((l) => ({
    class_name: l.className,
    config: tfjsConfig(l.config),
  }));
  const fresh = (base: string) => {
    let n = base;
    while (chain.layers.some((l) => l.name === n)) n += '_';
    return n;
  };
  if (adapter) {
    const config: Json = {
      name: fresh(`upload_${adapter.kind}`),
      batch_input_shape: [null, ...adapter.from],
      dtype: 'float32',
    };
    if (adapter.kind === 'reshape') config.target_shape = [...chain.inputShape];
    layers.unshift({ class_name: adapter.kind === 'flatten' ? 'Flatten' : 'Reshape', config });
  } else {
    const firstConfig = layers[0]!.config as Json;
    firstConfig.batch_input_shape = [null, ...chain.inputShape];
  }
  if (flattenOutput)
    layers.push({ class_name: 'Flatten', config: { name: fresh('upload_flatten_output') } });
  return { class_name: 'Sequential', config: { name, layers } };
}

/**
 * The 3-D "image" shape fidelity inputs are generated in: the input shape itself if it is 3-D,
 * else the same number of values as [1, 1, n], [1, a, b] or [a, b, rest].
 */
export function imageShapeFor(input: readonly number[]): [number, number, number] {
  if (input.length === 3) return [input[0]!, input[1]!, input[2]!];
  if (input.length === 1) return [1, 1, input[0]!];
  if (input.length === 2) return [1, input[0]!, input[1]!];
  return [input[0]!, input[1]!, input.slice(2).reduce((a, b) => a * b, 1)];
}
