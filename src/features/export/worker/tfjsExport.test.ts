import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeUniform } from '../../quantize';
import { binarize } from '../../quantize';
import { toFloat16Array } from '../../quantize';
import { SIDECAR_FILE, decodeSidecarEntry, writeSidecar } from '../shared/sidecar';
import {
  type ExportTensor,
  type TfjsModelFiles,
  type TfjsUintEncoding,
  compareFloat32,
  dequantizeLikeTfjs,
  float32ToHalfBits,
  halfBitsToFloat32,
  maxDequantError,
  readManifest,
  uniformToTfjsUint16,
  uniformToTfjsUint8,
  writeTfjsModel,
} from '../shared/tfjsExport';

/**
 * The export is judged by STOCK tfjs: files go through `tf.loadLayersModel` over HTTP (what a
 * user of the exported files does) or through tfjs-core's own `decodeWeights`; nothing here
 * decodes with this module's code and then compares with itself.
 */

const PUBLIC = resolve(import.meta.dirname, '../../../../public');
const read = (p: string) => new Uint8Array(readFileSync(resolve(PUBLIC, p)));

interface Shipped {
  modelJson: { modelTopology: unknown; weightsManifest: unknown };
  manifest: { name: string; shape: readonly number[] }[];
  weights: Map<string, Float32Array>;
  bin: Uint8Array;
}

/** The shipped mnist-mlp read from disk, its float32 tensors cut from weights.bin by the manifest. */
function shippedMlp(): Shipped {
  const modelJson = JSON.parse(
    readFileSync(resolve(PUBLIC, 'models/mnist-mlp/model.json'), 'utf8'),
  ) as Shipped['modelJson'];
  const bin = read('models/mnist-mlp/weights.bin');
  const manifest = readManifest(modelJson);
  const weights = new Map<string, Float32Array>();
  let offset = 0;
  for (const m of manifest) {
    const n = m.shape.reduce((a, b) => a * b, 1);
    weights.set(m.name, new Float32Array(bin.slice(offset, offset + 4 * n).buffer));
    offset += 4 * n;
  }
  expect(offset).toBe(bin.length);
  return { modelJson, manifest, weights, bin };
}

/** Number of positions whose float32 bit patterns differ (−0 ≠ +0, NaN payloads count). */
function bitDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) d++;
  return d;
}

/** Serves `files` on 127.0.0.1 and loads `model.json` with stock `tf.loadLayersModel`. */
async function loadOverHttp(files: TfjsModelFiles): Promise<tf.LayersModel> {
  const body: Record<string, Uint8Array> = {
    '/model.json': new TextEncoder().encode(JSON.stringify(files.modelJson)),
    [`/${files.weightsPath}`]: files.bin,
  };
  const server: Server = createServer((req, res) => {
    const data = body[req.url ?? ''];
    if (!data) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(data);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const { port } = server.address() as AddressInfo;
    return await tf.loadLayersModel(`http://127.0.0.1:${port}/model.json`);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
}

/** The model's weights by manifest name ("fc1/kernel"), as stock tfjs loaded them. */
async function weightsByName(model: tf.LayersModel): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const w of model.weights) {
    out.set(w.originalName, (await w.read().data()) as Float32Array);
  }
  return out;
}

/** The original topology (float32 shipped weights) with `weights` put in by setWeights. */
async function referenceModel(s: Shipped, weights: Map<string, Float32Array>) {
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: s.modelJson.modelTopology as object,
      weightSpecs: s.manifest.map((m) => ({ name: m.name, shape: [...m.shape], dtype: 'float32' })),
      weightData: s.bin.slice().buffer,
    }),
  );
  model.setWeights(
    model.weights.map((w) =>
      tf.tensor(weights.get(w.originalName)!, w.shape as number[], 'float32'),
    ),
  );
  return model;
}

interface TestSet {
  x: tf.Tensor4D;
  labels: Uint8Array;
}

/** The shipped MNIST test set scaled as the app does (pixels · (1/255), NHWC). */
function mnistTest(): TestSet {
  const meta = JSON.parse(readFileSync(resolve(PUBLIC, 'data/mnist/meta.json'), 'utf8')) as {
    test: { count: number };
    imageShape: [number, number, number];
  };
  const pixels = read('data/mnist/test-images.u8');
  const labels = read('data/mnist/test-labels.u8');
  const [h, w, c] = meta.imageShape;
  const n = meta.test.count;
  const inv = 1 / 255;
  const floats = Float32Array.from(pixels.subarray(0, n * h * w * c), (p) => p * inv);
  return { x: tf.tensor4d(floats, [n, h, w, c]), labels: labels.subarray(0, n) };
}

async function predict(model: tf.LayersModel, set: TestSet) {
  const logits = model.predict(set.x) as tf.Tensor;
  const values = (await logits.data()) as Float32Array;
  const classes = logits.shape[1]!;
  logits.dispose();
  let correct = 0;
  for (let i = 0; i < set.labels.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) {
      if (values[i * classes + k]! > values[i * classes + best]!) best = k;
    }
    if (best === set.labels[i]) correct++;
  }
  return { logits: values, correct };
}

/** The exported tensors of the shipped model, each kernel through `kernel`, biases float32. */
function exportTensors(
  s: Shipped,
  kernel: (w: Float32Array, shape: readonly number[]) => ExportTensor['encoding'],
): ExportTensor[] {
  return s.manifest.map((m) => {
    const w = s.weights.get(m.name)!;
    return {
      name: m.name,
      shape: m.shape,
      encoding: m.name.endsWith('/kernel') ? kernel(w, m.shape) : { kind: 'float32', values: w },
    };
  });
}

let shipped: Shipped;
let testSet: TestSet;

beforeAll(async () => {
  // The compute worker's backend. On tfjs's cpu backend this file took 14.5 s; on wasm about 6 s.
  await tf.setBackend('wasm');
  await tf.ready();
  shipped = shippedMlp();
  testSet = mnistTest();
});

afterAll(() => testSet.x.dispose());

describe('uint8 export of 4-bit per-tensor affine weights (the shipped mnist-mlp)', () => {
  it('stock tf.loadLayersModel over HTTP gets the app’s fake-quantized weights bit for bit, and the same predictions', async () => {
    const quantized = new Map<string, Float32Array>();
    const weights: ExportTensor[] = shipped.manifest.map((m) => {
      const w = shipped.weights.get(m.name)!;
      if (!m.name.endsWith('/kernel')) {
        quantized.set(m.name, w);
        return { name: m.name, shape: m.shape, encoding: { kind: 'float32', values: w } };
      }
      const t = quantizeUniform(w, m.shape, { bits: 4, scheme: 'affine', perChannel: false });
      quantized.set(m.name, t.values);
      return {
        name: m.name,
        shape: m.shape,
        encoding: uniformToTfjsUint8(t.codes, t.scale[0]!, t.zeroPoint[0]!, t.qmin),
        reference: t.values,
      };
    });
    const files = writeTfjsModel({
      modelTopology: shipped.modelJson.modelTopology,
      weights,
      manifest: shipped.manifest,
    });

    // The layout: manifest order, one byte per kernel weight, float32 biases, no padding.
    let offset = 0;
    shipped.manifest.forEach((m, i) => {
      const n = m.shape.reduce((a, b) => a * b, 1);
      const size = m.name.endsWith('/kernel') ? 1 : 4;
      expect(files.report.tensors[i]).toMatchObject({ name: m.name, byteOffset: offset });
      expect(files.report.tensors[i]!.byteLength).toBe(n * size);
      offset += n * size;
    });
    expect(files.bin.length).toBe(offset);
    expect(files.modelJson.weightsManifest[0]!.weights.map((w) => w.name)).toEqual(
      shipped.manifest.map((m) => m.name),
    );
    expect(files.report.exact).toBe(true);

    const loaded = await loadOverHttp(files);
    const got = await weightsByName(loaded);
    for (const m of shipped.manifest) {
      expect(bitDiff(got.get(m.name)!, quantized.get(m.name)!), m.name).toBe(0);
    }
    // The quantization did something: the kernels are not the shipped ones.
    expect(bitDiff(got.get('fc1/kernel')!, shipped.weights.get('fc1/kernel')!)).toBeGreaterThan(0);

    const reference = await referenceModel(shipped, quantized);
    const original = await referenceModel(shipped, shipped.weights);
    const a = await predict(loaded, testSet);
    const b = await predict(reference, testSet);
    const f = await predict(original, testSet);
    expect(bitDiff(a.logits, b.logits)).toBe(0);
    expect(a.correct).toBe(b.correct);
    // Sanity of the quantized model itself: 4 bits costs this MLP little.
    expect(a.correct).toBeGreaterThan(f.correct - 0.05 * testSet.labels.length);
    for (const m of [loaded, reference, original]) m.dispose();
  });
});

describe('tfjs uint8/uint16 dequantization against the app’s (q − zeroPoint)·scale', () => {
  const arb = fc.record({
    values: fc.array(fc.float({ min: Math.fround(-1e4), max: Math.fround(1e4), noNaN: true }), {
      minLength: 1,
      maxLength: 200,
    }),
    bits: fc.integer({ min: 2, max: 16 }),
    scheme: fc.constantFrom('affine' as const, 'symmetric' as const),
    symRange: fc.constantFrom('restricted' as const, 'full' as const),
  });

  function encode(
    values: Float32Array,
    bits: number,
    scheme: 'affine' | 'symmetric',
    symRange: 'restricted' | 'full',
  ) {
    const t = quantizeUniform(values, [values.length], {
      bits,
      scheme,
      symRange,
      perChannel: false,
    });
    const convert = bits <= 8 ? uniformToTfjsUint8 : uniformToTfjsUint16;
    return { t, e: convert(t.codes, t.scale[0]!, t.zeroPoint[0]!, t.qmin) };
  }

  /** Stock tfjs-core's decodeWeights on the written weights file. */
  function stockDecode(e: TfjsUintEncoding, n: number): Float32Array {
    const files = writeTfjsModel({
      modelTopology: null,
      weights: [{ name: 'w', shape: [n], encoding: e }],
    });
    const specs = files.modelJson.weightsManifest[0]!.weights;
    const t = tf.io.decodeWeights(files.bin.slice().buffer, specs)['w']!;
    const out = t.dataSync() as Float32Array;
    t.dispose();
    return out;
  }

  it('agree bit for bit for every width 2..16 and scheme (stock decodeWeights)', () => {
    fc.assert(
      fc.property(arb, ({ values, bits, scheme, symRange }) => {
        const x = Float32Array.from(values);
        const { t, e } = encode(x, bits, scheme, symRange);
        expect(e.kind).toBe(bits <= 8 ? 'uint8' : 'uint16');
        expect(bitDiff(stockDecode(e, x.length), t.values)).toBe(0);
        expect(maxDequantError(e, t.values)).toEqual({ differing: 0, maxUlps: 0, maxAbs: 0 });
      }),
      { numRuns: 300 },
    );
  });

  it('the mirror of tfjs’s arithmetic matches stock decodeWeights even where it is off (min rounded to float32)', () => {
    let offSomewhere = 0;
    fc.assert(
      fc.property(arb, ({ values, bits, scheme, symRange }) => {
        const x = Float32Array.from(values);
        const { t, e } = encode(x, bits, scheme, symRange);
        // What a converter that keeps min as float32 would write.
        const rounded = { ...e, min: Math.fround(e.min) } as TfjsUintEncoding;
        const stock = stockDecode(rounded, x.length);
        expect(bitDiff(dequantizeLikeTfjs(rounded), stock)).toBe(0);
        const check = maxDequantError(rounded, t.values);
        expect(check.differing).toBe(bitDiff(stock, t.values));
        expect(check).toEqual(compareFloat32(stock, t.values));
        offSomewhere += check.differing;
      }),
      { numRuns: 300 },
    );
    // A float32 min does lose the exactness somewhere: the float64 min is what makes it hold.
    expect(offSomewhere).toBeGreaterThan(0);
  });
});

describe('float16', () => {
  const halfSpec = (n: number) => ({
    name: 'h',
    shape: [n],
    dtype: 'float32' as const,
    quantization: { dtype: 'float16' as const },
  });

  /** What stock tfjs-core's decodeWeights makes of half bit patterns. */
  function stockHalves(bits: Uint16Array): Float32Array {
    const t = tf.io.decodeWeights(bits.slice().buffer, [halfSpec(bits.length)])['h']!;
    const decoded = t.dataSync() as Float32Array;
    t.dispose();
    return decoded;
  }

  it('agrees with stock tfjs on all 65,536 half patterns, ±∞ and NaN included', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const decoded = stockHalves(all);
    let wrong = 0;
    for (let h = 0; h < all.length; h++) {
      const mine = halfBitsToFloat32(h);
      const nan = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (nan) {
        if (!Number.isNaN(decoded[h]) || !Number.isNaN(mine)) wrong++;
        continue;
      }
      if (!Object.is(mine, decoded[h])) wrong++;
      if (float32ToHalfBits(decoded[h]!) !== h) wrong++;
    }
    expect(wrong).toBe(0);
    // And the writer's bytes are those patterns (a JS NaN, whatever its half, as 0x7e00).
    const values = Float32Array.from(all, halfBitsToFloat32);
    const files = writeTfjsModel({
      modelTopology: null,
      weights: [{ name: 'h', shape: [all.length], encoding: { kind: 'float16', values } }],
    });
    const written = new Uint16Array(files.bin.buffer);
    const expected = all.map((h) => ((h & 0x7c00) === 0x7c00 && h & 0x3ff ? 0x7e00 : h));
    expect(written.filter((h, i) => h !== expected[i]).length).toBe(0);
    expect(files.modelJson.weightsManifest[0]!.weights[0]).toEqual(halfSpec(all.length));
  });

  it('the app’s float16 model round-trips losslessly through stock tf.loadLayersModel', async () => {
    const half = new Map(
      [...shipped.weights].map(([name, w]) => [name, toFloat16Array(w)] as const),
    );
    const files = writeTfjsModel({
      modelTopology: shipped.modelJson.modelTopology,
      weights: shipped.manifest.map((m) => ({
        name: m.name,
        shape: m.shape,
        encoding: { kind: 'float16', values: half.get(m.name)! },
      })),
      manifest: shipped.manifest,
    });
    expect(files.bin.length).toBe(shipped.bin.length / 2);
    expect(files.report.exact).toBe(true);
    const loaded = await weightsByName(await loadOverHttp(files));
    for (const m of shipped.manifest) {
      expect(bitDiff(loaded.get(m.name)!, half.get(m.name)!), m.name).toBe(0);
    }
  });
});

describe('float32 export', () => {
  it('reproduces the shipped weights.bin byte for byte and loads with the same predictions', async () => {
    const files = writeTfjsModel({
      modelTopology: shipped.modelJson.modelTopology,
      weights: exportTensors(shipped, (w) => ({ kind: 'float32', values: w })),
      manifest: shipped.manifest,
    });
    expect(Buffer.compare(Buffer.from(files.bin), Buffer.from(shipped.bin))).toBe(0);
    expect(files.report.float32Bytes).toBe(shipped.bin.length);
    const loaded = await loadOverHttp(files);
    const original = await referenceModel(shipped, shipped.weights);
    const a = await predict(loaded, testSet);
    const b = await predict(original, testSet);
    expect(bitDiff(a.logits, b.logits)).toBe(0);
    loaded.dispose();
    original.dispose();
  });
});

describe('compression.json sidecar', () => {
  it('keeps codes and qparams at their packed size, decoding to the values stock tfjs loads', async () => {
    const fc1 = shipped.weights.get('fc1/kernel')!;
    const fc2 = shipped.weights.get('fc2/kernel')!;
    const fc3 = shipped.weights.get('fc3/kernel')!;
    // fc1: int4 per-channel symmetric.
    const q1 = quantizeUniform(fc1, [784, 300], { bits: 4, scheme: 'symmetric', perChannel: true });
    // fc2: pruned to its larger half, then 3-bit per-tensor affine (zero stays exactly 0).
    const threshold = Float32Array.from(fc2, Math.abs).sort()[fc2.length >> 1]!;
    const mask = Uint8Array.from(fc2, (w) => (Math.abs(w) >= threshold ? 1 : 0));
    const pruned = Float32Array.from(fc2, (w, i) => (mask[i] ? w : 0));
    const q2 = quantizeUniform(pruned, [300, 100], {
      bits: 3,
      scheme: 'affine',
      perChannel: false,
    });
    // fc3: binary per channel.
    const q3 = binarize(fc3, [100, 10], { perChannel: true });
    const appValues = new Map([
      ['fc1/kernel', q1.values],
      ['fc2/kernel', q2.values],
      ['fc3/kernel', q3.values],
    ]);

    const sidecar = writeSidecar({
      model: 'mnist-mlp',
      tensors: [
        {
          name: 'fc1/kernel',
          shape: [784, 300],
          codec: {
            kind: 'uniform',
            bits: 4,
            qmin: q1.qmin,
            qmax: q1.qmax,
            axis: q1.axis,
            scales: q1.scale,
            zeroPoints: q1.zeroPoint,
            codes: q1.codes,
          },
        },
        {
          name: 'fc2/kernel',
          shape: [300, 100],
          mask,
          codec: {
            kind: 'uniform',
            bits: 3,
            qmin: q2.qmin,
            qmax: q2.qmax,
            axis: null,
            scales: q2.scale,
            zeroPoints: q2.zeroPoint,
            codes: q2.codes,
          },
        },
        {
          name: 'fc3/kernel',
          shape: [100, 10],
          codec: { kind: 'binary', axis: q3.axis, scales: q3.scale, codes: q3.codes },
        },
      ],
    });
    const kept = mask.reduce((a, b) => a + b, 0);
    expect(sidecar.tensors.map((t) => [t.format, t.packedBits])).toEqual([
      ['int4 per-channel symmetric', 784 * 300 * 4 + 300 * 32],
      ['uint3 per-tensor affine, sparse (bitmask)', kept * 3 + 300 * 100 + 32 + 32],
      ['binary ±α per-channel', 100 * 10 + 10 * 32],
    ]);
    const text = JSON.stringify(sidecar);
    // Compact: about the packed size in base64 (4/3) plus the scales, far below float32.
    expect(text.length).toBeLessThan((sidecar.totalPackedBits / 8) * 1.4 + 10_000);

    const parsed = JSON.parse(text) as typeof sidecar;
    for (const [i, q] of [q1, q2, q3].entries()) {
      const entry = parsed.tensors[i]!;
      const { values, codes } = decodeSidecarEntry(entry);
      expect(bitDiff(values, q.values), entry.name).toBe(0);
      // Pruned positions decode to the zero-point, the code the app gives a pruned 0.
      expect(codes.filter((c, j) => c !== q.codes[j]).length, entry.name).toBe(0);
    }

    // The weights file holds the same values as float32, which stock tfjs loads as they are.
    const files = writeTfjsModel({
      modelTopology: shipped.modelJson.modelTopology,
      weights: shipped.manifest.map((m) => {
        const values = appValues.get(m.name) ?? shipped.weights.get(m.name)!;
        return { name: m.name, shape: m.shape, encoding: { kind: 'float32', values } };
      }),
      manifest: shipped.manifest,
      userDefinedMetadata: { compressionSidecar: SIDECAR_FILE },
    });
    const model = await loadOverHttp(files);
    expect(model.getUserDefinedMetadata()).toEqual({ compressionSidecar: SIDECAR_FILE });
    const loaded = await weightsByName(model);
    for (const [name, values] of appValues) expect(bitDiff(loaded.get(name)!, values)).toBe(0);
    model.dispose();
  });
});
