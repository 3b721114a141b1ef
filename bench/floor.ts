/**
 * Benchmark: the arithmetic floor of the Quantize tab's bit-width sweep on this machine, in Node
 * (V8, as the browser's worker): `npx tsx bench/floor.ts [--models fashion-cnn,…]`.
 *
 * The sweep (src/features/quantize/state/jobs.ts) evaluates the whole test set 18 times: 8
 * bit-widths weight-only, the same 8 with the activations fake-quantized, and the float16 and
 * bfloat16 references. Each of these passes is float32 arithmetic whose every sum the app forms as
 * tfjs (XNNPACK) does: the bias, then one product after another, rounded after each add, so that
 * the accuracies are tfjs's and PyTorch's to the image. Whatever the kernel, such a sum costs at
 * least one float add for each of its products that is not ±0 (a ±0 product may be left out
 * where the bias is not −0; the first product of a sum could be taken without an add where the
 * bias is +0, so one add per output is deducted too). WebAssembly SIMD adds four floats at once.
 *
 * This prints, per model:
 *  - the products that are not ±0 (input and weight both nonzero) of every pass of the sweep,
 *    counted on the real layer inputs of that pass (the same settings, the same calibrated
 *    activation quantizers, tfjs's forward pass); where two passes share their first layer's
 *    weights and input (compared by a hash of each batch), the second one's first layer is not
 *    counted (a cache could reuse it);
 *  - the floor: those adds ÷ (4 lanes × the best `f32x4.add` rate measured below) ÷ 2 cores, a
 *    perfect split over the two compute workers with nothing else running;
 *  - the same floor for the 10 passes that cannot run on integer kernels at all (weight-only and
 *    the references: their activations are float), with the 8 W+A passes at the integer rate
 *    (`i32x4.dot_i16x8_s`, eight products an instruction; not what the sweep measures, which is
 *    fake-quant, but the most any integer shortcut could give).
 * The rates: 12 independent chains of `f32x4.add` (and of `i32x4.dot_i16x8_s`) in a loop, best of
 * 7 calls, in a module this script assembles itself. Loads, multiplies, pooling, quantizing and
 * the loop's own instructions are all left out: the floor is below what any kernel can reach.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../src/platform/shared/config';
import type { Config } from '../src/platform/shared/config';
import { sweepActs } from '../src/platform/state/keys';
import { loadShippedDataset, loadShippedModel } from '../src/testing/shipped';
import type { ArchId, DatasetId } from '../src/features/model/shared/catalog';
import { compressSettings } from '../src/features/compress';
import { applySettings } from '../src/features/compress/worker';
import { actQuantizers } from '../src/features/quantize/worker';
import { SWEEP_BITS } from '../src/features/quantize/state/jobs';
import { fakeQuantAct } from '../src/features/model/worker';
import type { ActQParams } from '../src/features/model/worker';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const MODELS = (arg('models') ?? 'mnist-mlp,mnist-cnn,fashion-mlp,fashion-cnn').split(',');
const BATCH = 500;
const CORES = 2;
const TARGET_S = 3;

// ---- 1. This machine's rates -------------------------------------------------------------

const CHAINS = 12;
const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const f32 = (v: number) => [...new Uint8Array(new Float32Array([v]).buffer)];

/**
 * A function (param n i32) (result f32) that runs `op` on CHAINS independent v128 chains n
 * times: local 0 is n, locals 1..CHAINS the chains, local CHAINS + 1 the constant operand.
 */
function body(init: (i: number) => number[], op: number[], result: number[]): number[] {
  const code: number[] = [];
  for (let i = 1; i <= CHAINS + 1; i++) code.push(...init(i), 0x21, i); // local.set i
  code.push(0x03, 0x40); // loop
  for (let i = 1; i <= CHAINS; i++) code.push(0x20, i, 0x20, CHAINS + 1, ...op, 0x21, i);
  code.push(0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b); // n -= 1; br_if n; end
  code.push(0x20, 1);
  for (let i = 2; i <= CHAINS; i++) code.push(0x20, i, ...op);
  code.push(...result, 0x0b);
  const fn = [1, CHAINS + 1, 0x7b, ...code]; // one run of CHAINS + 1 v128 locals
  return [...leb(fn.length), ...fn];
}

function rateModule(): WebAssembly.Module {
  const fAdd = [0xfd, 0xe4, 0x01];
  const dot = [0xfd, 0xba, 0x01];
  const adds = body(
    (i) => [0x43, ...f32(i === CHAINS + 1 ? 1e-3 : i), 0xfd, 0x13], // f32x4.splat
    fAdd,
    [0xfd, 0x1f, 0], // f32x4.extract_lane 0
  );
  const dots = body(
    (i) => [0x41, ...leb(i), 0xfd, 0x10], // i16x8.splat (i < 64: one LEB byte, positive)
    dot,
    [0xfd, 0x1b, 0, 0xb2], // i32x4.extract_lane 0, f32.convert_i32_s
  );
  const name = (s: string) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]),
    ...section(3, [2, 0, 0]),
    ...section(7, [2, ...name('adds'), 0, 0, ...name('dots'), 0, 1]),
    ...section(10, [2, ...adds, ...dots]),
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}

/** Best rate (operations a second on one thread) of an exported chain loop, best of 7. */
function bestRate(run: (n: number) => number): number {
  const n = 10_000_000;
  run(n / 10); // compiled by the optimizing tier
  let best = 0;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    run(n);
    best = Math.max(best, (n * CHAINS) / ((performance.now() - t0) / 1000));
  }
  return best;
}

const rates = new WebAssembly.Instance(rateModule()).exports as Record<
  'adds' | 'dots',
  (n: number) => number
>;
const addLanes = 4 * bestRate(rates.adds); // float adds a second, one core
const dotProducts = 8 * bestRate(rates.dots); // int16 products a second, one core

// ---- 2. The sweep's products ----------------------------------------------------------------

type Settings = NonNullable<Parameters<typeof applySettings>[1]>;
type Item = { bits: number; acts: boolean } | { format: 'float16' | 'bfloat16' };
const items: Item[] = [
  ...SWEEP_BITS.flatMap((bits) => [
    { bits, acts: false },
    { bits, acts: true },
  ]),
  { format: 'float16' },
  { format: 'bfloat16' },
];
const label = (it: Item) =>
  'format' in it ? it.format : `${it.bits}-bit ${it.acts ? 'W+A' : 'W'}`;

/** For each input position of a layer, how many products with a nonzero weight it enters. */
function reachTable(layer: tf.layers.Layer, inShape: readonly number[]): Float64Array {
  const kernel = layer.getWeights()[0]!;
  const w = kernel.dataSync() as Float32Array;
  if (layer.getClassName() === 'Dense') {
    const [inputs, units] = kernel.shape as [number, number];
    const t = new Float64Array(inputs);
    for (let i = 0; i < inputs; i++) {
      let c = 0;
      for (let u = 0; u < units; u++) if (w[i * units + u] !== 0) c++;
      t[i] = c;
    }
    return t;
  }
  const cfg = layer.getConfig();
  const [kh, kw, cin, f] = kernel.shape as [number, number, number, number];
  const [h, wd] = [inShape[0]!, inShape[1]!];
  const same = cfg.padding === 'same';
  if (String(cfg.strides) !== '1,1' || String(cfg.dilationRate) !== '1,1')
    throw new Error(`${layer.name}: stride and dilation 1 only`);
  const [oh, ow] = same ? [h, wd] : [h - kh + 1, wd - kw + 1];
  const [pt, pl] = same ? [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)] : [0, 0];
  const nz = new Float64Array(kh * kw * cin);
  for (let k = 0; k < kh * kw * cin; k++) {
    let c = 0;
    for (let o = 0; o < f; o++) if (w[k * f + o] !== 0) c++;
    nz[k] = c;
  }
  const t = new Float64Array(h * wd * cin);
  for (let iy = 0; iy < h; iy++)
    for (let ix = 0; ix < wd; ix++)
      for (let ky = 0; ky < kh; ky++) {
        const oy = iy + pt - ky;
        if (oy < 0 || oy >= oh) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ox = ix + pl - kx;
          if (ox < 0 || ox >= ow) continue;
          for (let ci = 0; ci < cin; ci++)
            t[(iy * wd + ix) * cin + ci]! += nz[(ky * kw + kx) * cin + ci]!;
        }
      }
  return t;
}

/** A pass's adds, and a hash of its first weighted layer's input in each batch. */
type Count = { adds: number; firstInput: number[] };

/** FNV-1a over the bits of v (a hash that matched by chance could only lower the floor). */
function hash(v: Float32Array): number {
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i]!, 0x01000193);
  return h >>> 0;
}

/** Adds of one pass (products not ±0, less one per output), layer by layer over the test set. */
function countPass(
  layers: readonly tf.layers.Layer[],
  x: tf.Tensor,
  actQ: ReadonlyMap<string, ActQParams>,
  firstLayerReused: (batch: number, inputHash: number) => boolean,
): Count {
  const weighted = layers.filter((l) => l.getWeights().length > 0);
  const tables = new Map<string, Float64Array>();
  let adds = 0;
  let firstAdds = 0;
  const firstInput: number[] = [];
  let reused = true;
  const n = x.shape[0]!;
  for (let start = 0, b = 0; start < n; start += BATCH, b++) {
    const size = Math.min(BATCH, n - start);
    tf.tidy(() => {
      let h = x.slice(start, size);
      for (const layer of layers) {
        const q = actQ.get(layer.name);
        if (q) h = fakeQuantAct(h, q);
        if (weighted.includes(layer)) {
          const per = h.shape.slice(1);
          const width = per.reduce((a, v) => a * v, 1);
          if (!tables.has(layer.name)) tables.set(layer.name, reachTable(layer, per));
          const t = tables.get(layer.name)!;
          const v = h.dataSync() as Float32Array;
          // Input i of the batch is input i % width of its image.
          const isFirst = layer === weighted[0];
          if (isFirst) {
            firstInput.push(hash(v));
            reused &&= firstLayerReused(b, firstInput[b]!);
          }
          let products = 0;
          for (let i = 0; i < v.length; i++) if (v[i] !== 0) products += t[i % width]!;
          const out = layer.computeOutputShape([null, ...per]) as number[];
          const outputs = size * out.slice(1).reduce((a, d) => a * d, 1);
          const layerAdds = Math.max(0, products - outputs);
          if (isFirst) firstAdds += layerAdds;
          adds += layerAdds;
        }
        h = layer.apply(h, { training: false }) as tf.Tensor;
      }
    });
  }
  // The first layer's adds are left out where every batch's input (and the weights) equal an
  // earlier pass's.
  if (reused) adds -= firstAdds;
  return { adds, firstInput };
}

await tf.setBackend('wasm');
setThreadsCount(1);
await tf.ready();

const g = (v: number) => `${(v / 1e9).toFixed(2)} G`;
console.log(
  `Arithmetic floor of the bit-width sweep (18 passes over the whole test set): Node ${process.version}, tfjs ${tf.version.tfjs}`,
);
console.log(
  `This machine, one thread: f32x4.add ${g(addLanes)} float adds/s; i32x4.dot_i16x8_s ${g(dotProducts)} int16 products/s (best of 7; ${CHAINS} independent chains)`,
);

const config: Config = {
  ...DEFAULT_CONFIG,
  view: 'quantize',
  weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 8 },
};
const acts = sweepActs(config.acts);

for (const id of MODELS) {
  const [dataset, arch] = id.split('-') as [DatasetId, ArchId];
  const m = await loadShippedModel(dataset, arch);
  const d = loadShippedDataset(dataset);
  const count = d.testLabels.length;
  const actQ = await actQuantizers(m, d, acts, {});
  const none = new Map<string, ActQParams>();
  const firstInputs = new Map<string, { weights: Float32Array; input: number[] }>();
  let all = 0;
  let floatOnly = 0;
  let waAdds = 0;
  const rows: string[] = [];
  for (const it of items) {
    const s: Settings = {
      ...compressSettings(config),
      weights:
        'format' in it
          ? { ...config.weights, format: it.format }
          : { ...config.weights, format: 'int', bits: it.bits },
      overrides: {},
    };
    applySettings(m, s);
    const first = m.layers.find((l) => l.getWeights().length > 0)!;
    const weights = first.getWeights()[0]!.dataSync() as Float32Array;
    const same = (a: Float32Array, b: Float32Array) =>
      a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    // An earlier pass with the same first-layer weights, whose inputs this one's may equal.
    const earlier = [...firstInputs.values()].find((e) => same(e.weights, weights));
    const withActs = 'acts' in it && it.acts;
    const c = countPass(m.layers, d.testX, withActs ? actQ : none, (b, input) =>
      earlier ? earlier.input[b] === input : false,
    );
    firstInputs.set(label(it), { weights, input: c.firstInput });
    all += c.adds;
    if (withActs) waAdds += c.adds;
    else floatOnly += c.adds;
    rows.push(`${label(it)} ${g(c.adds)}`);
  }
  const floor = all / addLanes / CORES;
  // W+A on integer kernels: their products (the same ones, nonzero in both) at 8 a dot.
  const mixed = floatOnly / addLanes / CORES + waAdds / dotProducts / CORES;
  console.log(`\n${id} (${count.toLocaleString('en')} test images): adds per pass`);
  console.log(`  ${rows.join(', ')}`);
  console.log(
    `  all 18 passes: ${g(all)} adds → floor ${floor.toFixed(2)} s on ${CORES} cores (the ${TARGET_S} s target is ${(TARGET_S / floor).toFixed(2)}× it)`,
  );
  console.log(
    `  with the 8 W+A passes at the integer rate instead: floor ${mixed.toFixed(2)} s (the 10 float passes alone ${(floatOnly / addLanes / CORES).toFixed(2)} s)`,
  );
  m.model.dispose();
  d.testX.dispose();
}
