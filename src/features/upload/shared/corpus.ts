import { MAX_MODEL_JSON_BYTES, MAX_WEIGHTS_BYTES } from './limits';
import type { UploadInput } from './readModel';

/**
 * The corpus of uploads the reader is tested against (readModel.test.ts, e2e/upload.spec.ts):
 * malformed and hostile ones, each with the file and tensor its problem must name, and valid
 * ones that must load. Generated here from a tiny model (4 → 3 → 2 Dense) rather than kept as
 * binary files. Not imported by the app.
 */

export interface CorpusFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface BadCase {
  readonly id: string;
  readonly title: string;
  /** Files in memory; `inputs` overrides them for cases that never read (sizes, hangs). */
  readonly files: readonly CorpusFile[];
  readonly inputs?: () => UploadInput[];
  /** The file the first problem names (null: the upload as a whole). */
  readonly file: string | null;
  /** The tensor it names, if any. */
  readonly tensor?: string;
  /** What its message says. */
  readonly says: RegExp;
}

export interface GoodCase {
  readonly id: string;
  readonly title: string;
  readonly files: readonly CorpusFile[];
  readonly kind: 'layers' | 'graph' | 'weights';
  readonly evaluation: 'dataset' | 'fidelity' | 'none';
  /** Expected values of some tensors (after dequantization). */
  readonly values: Readonly<Record<string, readonly number[]>>;
  readonly warns?: RegExp;
}

type Json = Record<string, unknown>;

const enc = new TextEncoder();
export const jsonBytes = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v));

export function f32(values: readonly number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic small weights: (i mod 7 − 3) / 10 from `start`. */
const ramp = (n: number, start = 0) =>
  Array.from({ length: n }, (_, i) => ((i + start) % 7) / 10 - 0.3);

export const TINY = {
  d1Kernel: ramp(12),
  d1Bias: ramp(3, 1),
  d2Kernel: ramp(6, 2),
  d2Bias: ramp(2, 3),
};

function denseLayer(name: string, units: number, inbound: string, extra: Json = {}): Json {
  return {
    name,
    class_name: 'Dense',
    config: {
      name,
      units,
      activation: 'relu',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      trainable: true,
      ...extra,
    },
    inbound_nodes: [[[inbound, 0, 0, {}]]],
  };
}

/** A Keras 2 functional 4 → 3 → 2 model, as tfjs writes it. */
export function tinyModelJson(patch: (m: Json) => void = () => {}): Json {
  const m: Json = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      class_name: 'Functional',
      config: {
        name: 'tiny',
        layers: [
          {
            name: 'input',
            class_name: 'InputLayer',
            config: {
              batch_input_shape: [null, 4],
              dtype: 'float32',
              sparse: false,
              name: 'input',
            },
            inbound_nodes: [],
          },
          denseLayer('dense1', 3, 'input'),
          denseLayer('dense2', 2, 'dense1', { activation: 'linear' }),
        ],
        input_layers: [['input', 0, 0]],
        output_layers: [['dense2', 0, 0]],
      },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'dense1/kernel', shape: [4, 3], dtype: 'float32' },
          { name: 'dense1/bias', shape: [3], dtype: 'float32' },
          { name: 'dense2/kernel', shape: [3, 2], dtype: 'float32' },
          { name: 'dense2/bias', shape: [2], dtype: 'float32' },
        ],
      },
    ],
  };
  patch(m);
  return m;
}

export const tinyWeights = (over: Partial<typeof TINY> = {}): Uint8Array => {
  const t = { ...TINY, ...over };
  return f32([...t.d1Kernel, ...t.d1Bias, ...t.d2Kernel, ...t.d2Bias]);
};

/** model.json + weights.bin of the tiny model, with patches. */
function tiny(patch?: (m: Json) => void, bin = tinyWeights()): CorpusFile[] {
  return [
    { name: 'model.json', bytes: jsonBytes(tinyModelJson(patch)) },
    { name: 'weights.bin', bytes: bin },
  ];
}

const topo = (m: Json) => (m.modelTopology as Json).config as Json & { layers: Json[] };
const manifest = (m: Json) => m.weightsManifest as { paths: string[]; weights: Json[] }[];
const weight = (m: Json, i: number) => manifest(m)[0]!.weights[i]!;

/** An input that announces a size but must never be read (the caps refuse it first). */
function unreadable(name: string, size: number): UploadInput {
  return {
    name,
    size,
    bytes: () =>
      Promise.reject(new Error(`${name} was read although its size should have refused it`)),
  };
}

/** Half-precision bits of a few exact values. */
const HALF = { one: 0x3c00, minusTwo: 0xc000, half: 0x3800, quarter: 0x3400 };

export function badCases(): BadCase[] {
  const good = jsonBytes(tinyModelJson());
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  return [
    {
      id: 'truncated-json',
      title: 'model.json cut short',
      files: [
        { name: 'model.json', bytes: good.slice(0, Math.floor(good.length / 2)) },
        { name: 'weights.bin', bytes: tinyWeights() },
      ],
      file: 'model.json',
      says: /cut short/,
    },
    {
      id: 'invalid-json',
      title: 'model.json with a syntax error',
      files: [
        { name: 'model.json', bytes: enc.encode('{"modelTopology": , "weightsManifest": []}') },
        { name: 'weights.bin', bytes: tinyWeights() },
      ],
      file: 'model.json',
      says: /not valid JSON/,
    },
    {
      id: 'bytes-short',
      title: 'weights.bin 8 bytes short',
      files: tiny(undefined, tinyWeights().slice(0, 92 - 8)),
      file: 'weights.bin',
      tensor: 'dense2/bias',
      says: /84 bytes.*92 bytes.*8 bytes short.*"dense2\/bias"/,
    },
    {
      id: 'bytes-long',
      title: 'weights.bin 12 bytes too long',
      files: tiny(undefined, concat(tinyWeights(), new Uint8Array(12))),
      file: 'weights.bin',
      says: /104 bytes.*92 bytes.*12 bytes too many/,
    },
    {
      id: 'missing-weights',
      title: 'model.json without its weights file',
      files: [{ name: 'model.json', bytes: good }],
      file: 'weights.bin',
      says: /needs the weight file "weights\.bin".*not chosen/,
    },
    {
      id: 'missing-shard',
      title: 'second shard of two missing',
      files: tiny(
        (m) => (manifest(m)[0]!.paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin']),
        undefined,
      ).map((f) =>
        f.name === 'weights.bin'
          ? { name: 'group1-shard1of2.bin', bytes: f.bytes.slice(0, 48) }
          : f,
      ),
      file: 'group1-shard2of2.bin',
      says: /needs the weight file "group1-shard2of2\.bin"/,
    },
    {
      id: 'extra-weights',
      title: 'a weight file the manifest does not list',
      files: [...tiny(), { name: 'other.bin', bytes: f32([1, 2, 3]) }],
      file: 'other.bin',
      says: /other\.bin is not listed in model\.json/,
    },
    {
      id: 'duplicated-file',
      title: 'weights.bin chosen twice',
      files: [...tiny(), { name: 'weights.bin', bytes: tinyWeights() }],
      file: 'weights.bin',
      says: /Two files are named weights\.bin/,
    },
    {
      id: 'path-listed-twice',
      title: 'the manifest lists weights.bin twice',
      files: tiny((m) => (manifest(m)[0]!.paths = ['weights.bin', 'weights.bin'])),
      file: 'model.json',
      says: /lists the weight file "weights\.bin" twice/,
    },
    {
      id: 'duplicate-tensor',
      title: 'the same tensor name twice',
      files: tiny(
        (m) => (weight(m, 3).name = 'dense2/kernel'),
        concat(tinyWeights().slice(0, 84), f32([0, 0, 0, 0])),
      ),
      file: 'model.json',
      tensor: 'dense2/kernel',
      says: /lists the tensor "dense2\/kernel" twice/,
    },
    {
      id: 'nan-weights',
      title: 'NaN in a kernel',
      files: tiny(
        undefined,
        tinyWeights({
          d1Kernel: [...TINY.d1Kernel.slice(0, 5), NaN, NaN, ...TINY.d1Kernel.slice(7)],
        }),
      ),
      file: 'weights.bin',
      tensor: 'dense1/kernel',
      says: /"dense1\/kernel" holds 2 NaN values \(the first at index 5\)/,
    },
    {
      id: 'inf-weights',
      title: 'infinity in a bias',
      files: tiny(undefined, tinyWeights({ d2Bias: [0, -Infinity] })),
      file: 'weights.bin',
      tensor: 'dense2/bias',
      says: /"dense2\/bias" holds 1 infinite value \(the first at index 1\)/,
    },
    {
      id: 'huge-shape',
      title: 'a declared shape of 10¹⁰ values',
      files: tiny((m) => (weight(m, 0).shape = [100_000, 100_000])),
      file: 'model.json',
      tensor: 'dense1/kernel',
      says: /declares the shape \[100000, 100000\].*more than the/,
    },
    {
      id: 'negative-dim',
      title: 'a negative dimension',
      files: tiny((m) => (weight(m, 1).shape = [-3])),
      file: 'model.json',
      tensor: 'dense1/bias',
      says: /shape \[-3\].*whole number ≥ 1/,
    },
    {
      id: 'zero-dim',
      title: 'a zero dimension',
      files: tiny((m) => (weight(m, 2).shape = [0, 2])),
      file: 'model.json',
      tensor: 'dense2/kernel',
      says: /shape \[0, 2\].*whole number ≥ 1/,
    },
    {
      id: 'fractional-dim',
      title: 'a fractional dimension',
      files: tiny((m) => (weight(m, 2).shape = [1.5, 2])),
      file: 'model.json',
      tensor: 'dense2/kernel',
      says: /shape \[1\.5, 2\]/,
    },
    {
      id: 'kernel-shape-mismatch',
      title: 'a kernel that does not fit its layer',
      files: tiny((m) => ((topo(m).layers[1]!.config as Json).units = 4)),
      file: 'model.json',
      tensor: 'dense1/kernel',
      says: /"dense1\/kernel" has the shape \[4, 3\]; layer "dense1" \(Dense\) needs \[4, 4\]/,
    },
    {
      id: 'missing-kernel',
      title: 'a Dense layer whose kernel is not in the manifest',
      files: tiny((m) => (weight(m, 0).name = 'something/else')),
      file: 'model.json',
      tensor: 'dense1/kernel',
      says: /needs the tensor "dense1\/kernel" of shape \[4, 3\]; the manifest has none/,
    },
    {
      id: 'unknown-layer',
      title: 'a custom layer class',
      files: tiny((m) => (topo(m).layers[1]!.class_name = 'MyAttentionBlock')),
      file: 'model.json',
      says: /layer "dense1" is a "MyAttentionBlock", not a built-in Keras layer/,
    },
    {
      id: 'lambda-layer',
      title: 'a Lambda layer (Python code)',
      files: tiny((m) => (topo(m).layers[2]!.class_name = 'Lambda')),
      file: 'model.json',
      says: /"Lambda", not a built-in Keras layer/,
    },
    {
      id: 'deep-json',
      title: '100,000 nested brackets',
      files: [{ name: 'model.json', bytes: enc.encode(deep) }],
      file: 'model.json',
      says: /nests brackets more than 64 deep.*refused without parsing/,
    },
    {
      id: 'deep-objects',
      title: 'objects nested 10,000 deep',
      files: [
        {
          name: 'model.json',
          bytes: enc.encode('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)),
        },
      ],
      file: 'model.json',
      says: /nests brackets more than 64 deep/,
    },
    {
      id: 'non-utf8',
      title: 'Latin-1 bytes in model.json',
      files: [
        {
          name: 'model.json',
          bytes: concat(enc.encode('{"name": "caf'), new Uint8Array([0xe9]), enc.encode('"}')),
        },
        { name: 'weights.bin', bytes: tinyWeights() },
      ],
      file: 'model.json',
      says: /not UTF-8 text \(byte 13/,
    },
    {
      id: 'utf16',
      title: 'model.json saved as UTF-16',
      files: [
        {
          name: 'model.json',
          bytes: concat(
            new Uint8Array([0xff, 0xfe]),
            new Uint8Array(new Uint16Array(Array.from('{"a":1}', (c) => c.charCodeAt(0))).buffer),
          ),
        },
      ],
      file: 'model.json',
      says: /not UTF-8 text/,
    },
    {
      id: 'proto-key',
      title: 'a __proto__ key',
      files: [
        {
          name: 'model.json',
          bytes: enc.encode(
            new TextDecoder()
              .decode(good)
              .replace('"keras_version"', '"__proto__": {"polluted": true}, "keras_version"'),
          ),
        },
        { name: 'weights.bin', bytes: tinyWeights() },
      ],
      file: 'model.json',
      says: /"modelTopology\.__proto__".*refused/,
    },
    {
      id: 'constructor-key',
      title: 'a constructor key in a layer config',
      files: tiny(
        (m) =>
          ((topo(m).layers[1]!.config as Json)['constructor'] = { prototype: { polluted: true } }),
      ),
      file: 'model.json',
      says: /"modelTopology\.config\.layers\[1\]\.config\.constructor"/,
    },
    {
      id: 'html-layer-name',
      title: 'markup in a layer name',
      files: tiny(
        (m) => ((topo(m).layers[1]!.config as Json).name = '<img src=x onerror=alert(1)>'),
      ),
      file: 'model.json',
      says: /"<img src=x onerror=alert\(1\)>", contains < or >/,
    },
    {
      id: 'script-model-name',
      title: 'a script tag as the model name',
      files: tiny((m) => (topo(m).name = '<script>alert(1)</script>')),
      file: 'model.json',
      says: /model's name "<script>alert\(1\)<\/script>" contains < or >/,
    },
    {
      id: 'html-tensor-name',
      title: 'markup in a tensor name',
      files: tiny((m) => (weight(m, 3).name = 'dense2/<b onmouseover=alert(1)>')),
      file: 'model.json',
      says: /tensor name "dense2\/<b onmouseover=alert\(1\)>" contains < or >/,
    },
    {
      id: 'control-chars-name',
      title: 'control characters in a file name',
      files: [tiny()[0]!, { name: 'weights\u0007.bin', bytes: tinyWeights() }],
      file: '"weights\\u0007.bin"',
      says: /contains control characters/,
    },
    {
      id: 'empty-json',
      title: 'a 0-byte model.json',
      files: [
        { name: 'model.json', bytes: new Uint8Array(0) },
        { name: 'weights.bin', bytes: tinyWeights() },
      ],
      file: 'model.json',
      says: /model\.json is empty \(0 bytes\)/,
    },
    {
      id: 'empty-bin',
      title: 'a 0-byte weights.bin',
      files: tiny(undefined, new Uint8Array(0)),
      file: 'weights.bin',
      says: /weights\.bin is empty \(0 bytes\)/,
    },
    {
      id: 'whitespace-json',
      title: 'model.json of spaces',
      files: [{ name: 'model.json', bytes: enc.encode('   \n  ') }],
      file: 'model.json',
      says: /only white space/,
    },
    {
      id: 'zip',
      title: 'a zip archive instead of the files',
      files: [
        {
          name: 'mnist-model.zip',
          bytes: concat(new Uint8Array([0x50, 0x4b, 0x03, 0x04]), new Uint8Array(60)),
        },
      ],
      file: 'mnist-model.zip',
      says: /is a zip archive.*unpack it and choose the model\.json and the \.bin files/,
    },
    {
      id: 'zip-named-json',
      title: 'a zip archive renamed model.json',
      files: [
        {
          name: 'model.json',
          bytes: concat(new Uint8Array([0x50, 0x4b, 0x03, 0x04]), new Uint8Array(60)),
        },
      ],
      file: 'model.json',
      says: /model\.json is a zip archive/,
    },
    {
      id: 'gzip-weights',
      title: 'gzip-compressed weights',
      files: tiny(undefined, concat(new Uint8Array([0x1f, 0x8b, 0x08, 0x00]), new Uint8Array(88))),
      file: 'weights.bin',
      says: /weights\.bin is a gzip archive/,
    },
    {
      id: 'bad-dtype',
      title: 'a complex64 tensor',
      files: tiny((m) => (weight(m, 1).dtype = 'complex64')),
      file: 'model.json',
      says: /weightsManifest\[0\]\.weights\[1\]\.dtype/,
    },
    {
      id: 'bad-quantization',
      title: 'uint8 quantization without scale and min',
      files: tiny((m) => (weight(m, 0).quantization = { dtype: 'uint8' })),
      file: 'model.json',
      says: /weightsManifest\[0\]\.weights\[0\]\.quantization/,
    },
    {
      id: 'quantized-int32',
      title: 'quantization on an int32 tensor',
      files: tiny((m) => {
        weight(m, 0).dtype = 'int32';
        weight(m, 0).quantization = { dtype: 'float16' };
      }),
      file: 'model.json',
      tensor: 'dense1/kernel',
      says: /"dense1\/kernel" is int32 with quantization float16/,
    },
    {
      id: 'not-a-model',
      title: 'some other JSON file',
      files: [{ name: 'package.json', bytes: jsonBytes({ name: 'x', version: '1.0.0' }) }],
      file: 'package.json',
      says: /neither a TF\.js layers model, a graph model nor a weights manifest.*"name", "version"/,
    },
    {
      id: 'json-number',
      title: 'a JSON number',
      files: [{ name: 'model.json', bytes: enc.encode('42') }],
      file: 'model.json',
      says: /holds a number, not a model/,
    },
    {
      id: 'bad-manifest-list',
      title: 'a list that is not a manifest',
      files: [{ name: 'group1-weights_manifest.json', bytes: jsonBytes([1, 2, 3]) }],
      file: 'group1-weights_manifest.json',
      says: /is a list but not a TF\.js weights manifest/,
    },
    {
      id: 'bad-graph',
      title: 'a graph model whose nodes have no op',
      files: [
        {
          name: 'model.json',
          bytes: jsonBytes({
            format: 'graph-model',
            modelTopology: { node: [{ name: 'x' }] },
            weightsManifest: [{ paths: ['w.bin'], weights: [] }],
          }),
        },
      ],
      file: 'model.json',
      says: /not a valid TF\.js graph model.*node\[0\]\.op/,
    },
    {
      id: 'two-jsons',
      title: 'two JSON files',
      files: [...tiny(), { name: 'other.json', bytes: jsonBytes({}) }],
      file: null,
      says: /Several JSON files.*model\.json, other\.json/,
    },
    {
      id: 'no-json',
      title: 'only the weights',
      files: [{ name: 'weights.bin', bytes: tinyWeights() }],
      file: null,
      says: /None of the files \(weights\.bin\) is a \.json file/,
    },
    {
      id: 'json-too-big',
      title: 'a 6 MB model.json (never read)',
      files: [],
      inputs: () => [unreadable('model.json', MAX_MODEL_JSON_BYTES + 1)],
      file: 'model.json',
      says: /model\.json is 5,242,881 bytes, over the 5 MB a model\.json may have.*refused without reading it/,
    },
    {
      id: 'weights-too-big',
      title: '65 MB of weights (never read)',
      files: [],
      inputs: () => [
        unreadable('model.json', 2000),
        unreadable('weights.bin', MAX_WEIGHTS_BYTES + 1024 * 1024),
      ],
      file: 'weights.bin',
      says: /weights\.bin holds 65 MB; this app reads at most 64 MB/,
    },
    {
      id: 'never-ends',
      title: 'a file that never finishes reading',
      files: [],
      inputs: () => [
        { name: 'model.json', size: 10, bytes: () => new Promise<Uint8Array>(() => {}) },
      ],
      file: null,
      says: /took longer than .* s: stopped/,
    },
  ];
}

/** A Keras 3 Sequential export: InputLayer with batch_shape, DTypePolicy objects, module keys. */
export function keras3Sequential(): Json {
  const policy = {
    module: 'keras',
    class_name: 'DTypePolicy',
    config: { name: 'float32' },
    registered_name: null,
  };
  const dense = (name: string, units: number, activation: string) => ({
    module: 'keras.layers',
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      dtype: policy,
      units,
      activation,
      use_bias: true,
      kernel_initializer: {
        module: 'keras.initializers',
        class_name: 'GlorotUniform',
        config: { seed: null },
        registered_name: null,
      },
      bias_initializer: {
        module: 'keras.initializers',
        class_name: 'Zeros',
        config: {},
        registered_name: null,
      },
      kernel_regularizer: null,
      bias_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      quantization_config: null,
    },
    registered_name: null,
    build_config: { input_shape: [null, 4] },
  });
  return {
    format: 'layers-model',
    generatedBy: 'keras v3.6.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        trainable: true,
        dtype: policy,
        layers: [
          {
            module: 'keras.layers',
            class_name: 'InputLayer',
            config: {
              batch_shape: [null, 4],
              dtype: 'float32',
              sparse: false,
              name: 'input_layer',
            },
            registered_name: null,
          },
          dense('dense1', 3, 'relu'),
          dense('dense2', 2, 'linear'),
        ],
        build_input_shape: [null, 4],
      },
      registered_name: null,
      build_config: { input_shape: [null, 4] },
      compile_config: null,
    },
    weightsManifest: tinyModelJson().weightsManifest,
  };
}

/** A Keras 3 functional export: `{args, kwargs}` inbound nodes with keras_history. */
export function keras3Functional(): Json {
  const m = keras3Sequential();
  const t = m.modelTopology as Json;
  t.class_name = 'Functional';
  const c = t.config as Json & { layers: Json[] };
  const node = (from: string) => [
    {
      args: [
        {
          class_name: '__keras_tensor__',
          config: { shape: [null, 4], dtype: 'float32', keras_history: [from, 0, 0] },
        },
      ],
      kwargs: {},
    },
  ];
  c.layers[0]!.inbound_nodes = [];
  c.layers[0]!.name = 'input_layer';
  c.layers[1]!.inbound_nodes = node('input_layer');
  c.layers[2]!.inbound_nodes = node('dense1');
  c.input_layers = ['input_layer', 0, 0];
  c.output_layers = ['dense2', 0, 0];
  return m;
}

const u16 = (v: readonly number[]) => new Uint8Array(new Uint16Array(v).buffer);

export function goodCases(): GoodCase[] {
  return [
    {
      id: 'tiny-keras2',
      title: 'a Keras 2 functional model (4 → 3 → 2)',
      files: tiny(),
      kind: 'layers',
      evaluation: 'fidelity',
      values: { 'dense1/kernel': TINY.d1Kernel, 'dense2/bias': TINY.d2Bias },
    },
    {
      id: 'keras3-sequential',
      title: 'a Keras 3 Sequential export (batch_shape)',
      files: [
        { name: 'model.json', bytes: jsonBytes(keras3Sequential()) },
        { name: 'weights.bin', bytes: tinyWeights() },
      ],
      kind: 'layers',
      evaluation: 'fidelity',
      values: { 'dense1/bias': TINY.d1Bias },
      warns: /Keras 3/,
    },
    {
      id: 'keras3-functional',
      title: 'a Keras 3 functional export ({args, kwargs} nodes)',
      files: [
        { name: 'model.json', bytes: jsonBytes(keras3Functional()) },
        { name: 'weights.bin', bytes: tinyWeights() },
      ],
      kind: 'layers',
      evaluation: 'fidelity',
      values: { 'dense2/kernel': TINY.d2Kernel },
      warns: /Keras 3/,
    },
    {
      id: 'converter-wrapper',
      title: "tensorflowjs_converter's model_config wrapper",
      files: tiny((m) => {
        const t = m.modelTopology as Json;
        m.modelTopology = {
          keras_version: '2.15.0',
          backend: 'tensorflow',
          model_config: { class_name: t.class_name, config: t.config },
        };
      }),
      kind: 'layers',
      evaluation: 'fidelity',
      values: { 'dense1/kernel': TINY.d1Kernel },
    },
    {
      id: 'batchnorm',
      title: 'a model with BatchNormalization (inspected, not run)',
      files: [
        {
          name: 'model.json',
          bytes: jsonBytes(
            tinyModelJson((m) => {
              topo(m).layers.push({
                name: 'bn',
                class_name: 'BatchNormalization',
                config: {
                  name: 'bn',
                  axis: -1,
                  momentum: 0.99,
                  epsilon: 0.001,
                  center: true,
                  scale: true,
                },
                inbound_nodes: [[['dense2', 0, 0, {}]]],
              });
              manifest(m)[0]!.weights.push(
                ...['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => ({
                  name: `bn/${w}`,
                  shape: [2],
                  dtype: 'float32',
                })),
              );
            }),
          ),
        },
        { name: 'weights.bin', bytes: concat(tinyWeights(), f32([1, 1, 0, 0, 0.5, -0.5, 1, 2])) },
      ],
      kind: 'layers',
      evaluation: 'none',
      values: { 'bn/moving_variance': [1, 2] },
    },
    {
      id: 'weights-manifest',
      title: 'a bare weights manifest in two shards',
      files: [
        {
          name: 'group1-weights_manifest.json',
          bytes: jsonBytes([
            {
              paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
              weights: [
                { name: 'embedding/embeddings', shape: [5, 2], dtype: 'float32' },
                { name: 'step', shape: [], dtype: 'int32' },
              ],
            },
          ]),
        },
        { name: 'group1-shard1of2.bin', bytes: f32([1, 2, 3, 4, 5, 6]) },
        {
          name: 'group1-shard2of2.bin',
          bytes: concat(f32([7, 8, 9, 10]), new Uint8Array(new Int32Array([42]).buffer)),
        },
      ],
      kind: 'weights',
      evaluation: 'none',
      values: { 'embedding/embeddings': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], step: [42] },
    },
    {
      id: 'uint8-quantized',
      title: 'a uint8 weight-quantized layers model',
      files: tiny(
        (m) => {
          weight(m, 0).quantization = { dtype: 'uint8', scale: 0.5, min: -1 };
          weight(m, 2).quantization = { min: -0.25, scale: 0.125, dtype: 'uint8' };
        },
        concat(
          new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]),
          f32(TINY.d1Bias),
          new Uint8Array([0, 1, 2, 3, 4, 5]),
          f32(TINY.d2Bias),
        ),
      ),
      kind: 'layers',
      evaluation: 'fidelity',
      values: {
        'dense1/kernel': [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 126.5],
        'dense2/kernel': [-0.25, -0.125, 0, 0.125, 0.25, 0.375],
      },
    },
    {
      id: 'uint16-quantized',
      title: 'a uint16 weight-quantized bias',
      files: tiny(
        (m) => (weight(m, 3).quantization = { dtype: 'uint16', scale: 0.001, min: -10 }),
        concat(tinyWeights().slice(0, 84), u16([0, 20000])),
      ),
      kind: 'layers',
      evaluation: 'fidelity',
      values: { 'dense2/bias': [-10, Math.fround(20000 * 0.001 - 10)] },
    },
    {
      id: 'float16',
      title: 'a float16 manifest',
      files: tiny(
        (m) => (weight(m, 3).quantization = { dtype: 'float16' }),
        concat(tinyWeights().slice(0, 84), u16([HALF.half, HALF.minusTwo])),
      ),
      kind: 'layers',
      evaluation: 'fidelity',
      values: { 'dense2/bias': [0.5, -2] },
    },
    {
      id: 'graph-model',
      title: 'a graph model from tensorflowjs_converter (float16 and int32 tensors)',
      files: [
        {
          name: 'model.json',
          bytes: jsonBytes({
            format: 'graph-model',
            generatedBy: '2.15.0',
            convertedBy: 'TensorFlow.js Converter v4.22.0',
            signature: {},
            modelTopology: {
              node: [
                { name: 'x', op: 'Placeholder', attr: {} },
                {
                  name: 'StatefulPartitionedCall/dense/MatMul/ReadVariableOp',
                  op: 'Const',
                  attr: {},
                },
                {
                  name: 'StatefulPartitionedCall/dense/MatMul',
                  op: 'MatMul',
                  input: ['x', 'StatefulPartitionedCall/dense/MatMul/ReadVariableOp'],
                },
                { name: 'shape', op: 'Const', attr: {} },
                {
                  name: 'Identity',
                  op: 'Reshape',
                  input: ['StatefulPartitionedCall/dense/MatMul', 'shape'],
                },
              ],
              library: {},
              versions: { producer: 1482 },
            },
            weightsManifest: [
              {
                paths: ['group1-shard1of1.bin'],
                weights: [
                  {
                    name: 'StatefulPartitionedCall/dense/MatMul/ReadVariableOp',
                    shape: [2, 2],
                    dtype: 'float32',
                    quantization: { dtype: 'float16' },
                  },
                  { name: 'shape', shape: [2], dtype: 'int32' },
                ],
              },
            ],
          }),
        },
        {
          name: 'group1-shard1of1.bin',
          bytes: concat(
            u16([HALF.one, HALF.minusTwo, HALF.half, HALF.quarter]),
            new Uint8Array(new Int32Array([-1, 2]).buffer),
          ),
        },
      ],
      kind: 'graph',
      evaluation: 'none',
      values: {
        'StatefulPartitionedCall/dense/MatMul/ReadVariableOp': [1, -2, 0.5, 0.25],
        shape: [-1, 2],
      },
    },
  ];
}
