import { blockOrder } from '../shared/blockOrder';
import { kernelPlanes } from '../shared/plan';
import type { GemmStep, IntPlan } from '../shared/plan';
import type { IntKernels } from './kernels';

/**
 * Runs an integer plan (shared/plan.ts) on the WebAssembly kernels: images in chunks, each chunk
 * through every layer as uint8 codes (im2col or row packing, one fused GEMM +
 * requantization per layer, max pooling on codes or fused into the convolution before it), the
 * last layer dequantized to float32 logits.
 * The test images and the last plan used stay resident in wasm memory: the plan's weights (a few
 * hundred kB, twice that for relaxed SIMD's two 8-bit weight planes) were copied per call before,
 * which was most of a single image's latency (30–50 µs). One plan at a time, so plans never pile
 * up in the module's memory.
 */

/** Images already in wasm memory: `count` images of `bytes` bytes each, raw pixels (0–255). */
export interface ResidentImages {
  readonly ptr: number;
  readonly count: number;
  readonly bytes: number;
  /** Their block order (shared/blockOrder.ts), made with them; none for fewer than MIN_BLOCKED. */
  readonly blocked?: Uint32Array;
}

/** Block orders by the pixels they were made from (testPixels gives one array per test set). */
const orders = new WeakMap<Uint8Array, Uint32Array>();

/** Runs of fewer images take them in their own order (a single image's latency, say). */
const MIN_BLOCKED = 64;

/**
 * The images of [start, start + count) in the order a run takes them: the block order of the
 * whole set restricted to the range, or null for their own order.
 */
function runOrder(
  images: ResidentImages,
  start: number,
  count: number,
  inOrder: boolean,
): Uint32Array | null {
  const all = images.blocked;
  if (inOrder || count < MIN_BLOCKED || !all) return null;
  return start === 0 && count === images.count
    ? all
    : all.filter((i) => i >= start && i < start + count);
}

/**
 * What stays in a kernels instance's memory between runs: test sets by key, and the last plan's
 * uploaded weights on top of them (`planMark`: the allocator's top before it), so that it alone
 * can be released when another plan, or another test set, comes.
 */
interface Resident {
  readonly images: Map<string, ResidentImages>;
  plan: {
    readonly plan: IntPlan;
    readonly gemms: Map<GemmStep, UploadedGemm>;
    readonly lut: number;
    readonly identity: boolean;
  } | null;
  planMark: number;
}

const resident = new WeakMap<IntKernels, Resident>();

function residentOf(k: IntKernels): Resident {
  let r = resident.get(k);
  if (!r) resident.set(k, (r = { images: new Map(), plan: null, planMark: 0 }));
  return r;
}

/** Frees the resident plan (it is the top of the allocator's stack). */
function dropPlan(k: IntKernels, r: Resident): void {
  if (!r.plan) return;
  k.fn.ik_release(r.planMark);
  r.plan = null;
}

/**
 * Copies a test set into wasm memory once per `key` (a dataset id). Allocated below every
 * scratch region, so call it outside a run (the worker is single-threaded: between runs).
 */
export function residentImages(
  k: IntKernels,
  key: string,
  pixels: Uint8Array,
  count: number,
): ResidentImages {
  const res = residentOf(k);
  const have = res.images.get(key);
  if (have && have.count === count) return have;
  dropPlan(k, res); // the images go below any plan
  const bytes = pixels.length / count;
  // The block order now, so that no timed run pays for it (100–250 ms for 10,000 images), once
  // per test set: both builds of the kernels (the Speed panel runs both) share it.
  let blocked: Uint32Array | undefined;
  if (count >= MIN_BLOCKED) {
    blocked = orders.get(pixels);
    if (blocked?.length !== count) orders.set(pixels, (blocked = blockOrder(pixels, count, bytes)));
  }
  const r: ResidentImages = { ptr: k.put(pixels), count, bytes, ...(blocked ? { blocked } : {}) };
  res.images.set(key, r);
  return r;
}

/** The plan's weights in wasm memory: uploaded once, kept until another plan runs. */
function residentPlan(
  k: IntKernels,
  plan: IntPlan,
): {
  readonly gemms: Map<GemmStep, UploadedGemm>;
  readonly lut: number;
  /**
   * The first layer's grid is the pixels' own (x/255 over [0, 1] at 8 bits: every byte its own
   * code, the default): the layers then read the resident images as they are, no lookup pass.
   */
  readonly identity: boolean;
} {
  const res = residentOf(k);
  if (res.plan?.plan === plan) return res.plan;
  dropPlan(k, res);
  res.planMark = k.fn.ik_mark();
  const gemms = new Map<GemmStep, UploadedGemm>();
  for (const s of plan.steps) if (s.kind === 'gemm') gemms.set(s, upload(k, s));
  res.plan = { plan, gemms, lut: k.put(plan.lut), identity: plan.lut.every((v, i) => v === i) };
  return res.plan;
}

interface UploadedGemm {
  readonly step: GemmStep;
  readonly w: number;
  readonly wzp: number;
  readonly bias: number;
  readonly mult: number;
  readonly offs: number;
  readonly scale: number;
  readonly fbias: number;
  /** The implicit GEMM's tap offsets (a convolution's {@link GemmStep.taps}), or 0. */
  readonly taps: number;
  /** Winograd's transformed weights and split positions ({@link GemmStep.wino}), or 0. */
  readonly wino: number;
  readonly split: number;
}

function upload(k: IntKernels, s: GemmStep): UploadedGemm {
  return {
    step: s,
    w: k.put(s.weights),
    wzp: s.wzp ? k.put(s.wzp) : 0,
    bias: s.bias ? k.put(s.bias) : 0,
    mult: s.out.kind === 'requant' ? k.put(s.out.mult) : 0,
    offs: s.out.kind === 'requant' ? k.put(s.out.offs) : 0,
    scale: s.out.kind === 'dequant' ? k.put(s.out.scale) : 0,
    fbias: s.out.kind === 'dequant' ? k.put(s.out.bias) : 0,
    taps: s.taps ? k.put(s.taps) : 0,
    wino: s.wino ? k.put(s.wino.weights) : 0,
    split: s.wino ? k.put(s.wino.split) : 0,
  };
}

/**
 * Images per chunk: the largest packed buffer of a chunk stays near 1.25 MB, about the L2 cache
 * (measured on mnist-cnn with SIMD128 and im2col: 3 images per chunk 207 ms, 16 187 ms, 128 211
 * ms; the MLPs take 256 images per chunk). Convolutions that feed another layer pack nothing now
 * (ik_conv_requant), so the CNNs take 256 too; bounding the chunk by the activations instead
 * (2,000 / 10,000 images, relaxed SIMD) moved mnist-cnn 84 → 81 ms and fashion-cnn 404 → 465 ms
 * in one probe run each: within the noise, so not done.
 */
export function chunkSize(plan: IntPlan, budgetBytes = 1.25 * 2 ** 20): number {
  return Math.max(1, Math.min(256, Math.floor(budgetBytes / plan.maxPackBytes)));
}

export interface RunOptions {
  /** First image (default 0) and number of images (default all from there). */
  readonly start?: number;
  readonly count?: number;
  /** Images per chunk (default {@link chunkSize}). */
  readonly chunk?: number;
  /** When given, milliseconds per step name ('input', 'conv1 pack', 'conv1', 'pool1', …) add up here. */
  readonly timings?: Map<string, number>;
  /**
   * Take the images in their own order. By default a run of at least {@link MIN_BLOCKED} images
   * takes them in their block order (shared/blockOrder.ts), so that the GEMM's blocks of rows
   * leave out more zero inputs; the logits are the same either way, each in its image's row.
   */
  readonly inOrder?: boolean;
}

/** Float32 logits [count][classes] of the plan on `images`. */
export function intLogits(
  k: IntKernels,
  plan: IntPlan,
  images: ResidentImages,
  options: RunOptions = {},
): Float32Array {
  if (plan.path !== k.path)
    throw new Error(`A plan for the ${plan.path} kernels cannot run on the ${k.path} ones.`);
  if (plan.planeMax > k.planeMax)
    throw new Error(
      `A plan with weight planes up to ${plan.planeMax} cannot run on kernels that read ${k.planeMax}.`,
    );
  const [ih, iw, ic] = plan.input;
  if (images.bytes !== ih * iw * ic)
    throw new RangeError(`Images of ${images.bytes} bytes: the plan takes ${ih}×${iw}×${ic}.`);
  const start = options.start ?? 0;
  const count = options.count ?? images.count - start;
  if (start < 0 || count < 0 || start + count > images.count)
    throw new RangeError(`Images ${start}..${start + count} of ${images.count}.`);
  const chunk = options.chunk ?? chunkSize(plan);
  const classes = plan.classes;
  const out = new Float32Array(count * classes);
  const fn = k.fn;
  const t = options.timings;
  let t0 = 0;
  const lap = t
    ? (name: string) => {
        const now = performance.now();
        t.set(name, (t.get(name) ?? 0) + now - t0);
        t0 = now;
      }
    : null;
  const { gemms, lut, identity } = residentPlan(k, plan);
  const order = runOrder(images, start, count, options.inOrder ?? false);
  k.scoped(() => {
    let maxRows = 1;
    for (const s of plan.steps)
      if (s.kind === 'gemm') maxRows = Math.max(maxRows, s.conv ? s.conv.oh * s.conv.ow : 1);
    const bufA = k.alloc(chunk * plan.maxActBytes);
    const bufB = k.alloc(chunk * plan.maxActBytes);
    const pack = k.alloc(chunk * plan.maxPackBytes + 16); // im2col writes ≤ 16 bytes past the end
    const rowsum = k.alloc(chunk * maxRows * 4);
    const logits = k.alloc(chunk * classes * 4);
    const idx = order ? k.alloc(chunk * 4) : 0;
    for (let done = 0; done < count; done += chunk) {
      const b = Math.min(chunk, count - done);
      if (lap) t0 = performance.now();
      let pixels = images.ptr + (start + done) * images.bytes;
      if (order) {
        // This chunk's images in their block order, as the first layer's codes.
        new Uint32Array(k.u8(0, 0).buffer, idx, b).set(order.subarray(done, done + b));
        fn.ik_gather_u8(images.ptr, idx, b, images.bytes, identity ? 0 : lut, bufA);
        pixels = bufA;
      } else if (!identity) fn.ik_lut_u8(pixels, b * images.bytes, lut, bufA);
      lap?.('input');
      let cur = identity || order ? pixels : bufA;
      let next = bufB;
      /** The next layer reads what this one wrote; the images are never written. */
      const swap = () => {
        [cur, next] = [next, cur === pixels ? bufA : cur];
      };
      for (const s of plan.steps) {
        if (s.kind === 'maxpool2') {
          fn.ik_maxpool2(cur, b, s.h, s.w, s.c, next);
          lap?.(s.name);
          swap();
          continue;
        }
        const g = gemms.get(s)!;
        if (s.conv && s.wino && s.out.kind === 'requant') {
          // Winograd F(2×2, 5×5): the same codes as the implicit GEMM below, fewer multiplies.
          const c = s.conv;
          const q = s.out;
          if (!fn.ik_conv_wino) throw new Error('These kernels have no Winograd convolution.');
          fn.ik_conv_wino(cur, b, c.h, c.w, c.c, c.padT, c.padL, c.oh, c.ow, s.inZp, g.wino, s.wino.planes, g.split, g.wzp, s.n, g.bias, g.mult, g.offs, q.shift, q.clampAcc, q.zp, q.lo, q.hi, s.pool ? 1 : 0, next); // prettier-ignore
          lap?.(s.name);
          swap();
          continue;
        }
        if (s.conv && s.taps && s.out.kind === 'requant') {
          // The implicit GEMM: no packed rows, straight from the codes to the next layer's (pooled
          // when the plan fused the max pool after it).
          const c = s.conv;
          const q = s.out;
          const nq = s.kp / (k.path === 'simd128' ? 2 : 4);
          fn.ik_conv_requant(cur, b, c.h, c.w, c.c, c.kh, c.kw, c.padT, c.padL, c.oh, c.ow, s.inZp, g.taps, nq, s.wzp ? 1 : 0, g.w, kernelPlanes(s), g.wzp, s.n, g.bias, g.mult, g.offs, q.shift, q.clampAcc, q.zp, q.lo, q.hi, s.pool ? 1 : 0, next); // prettier-ignore
          lap?.(s.name);
          swap();
          continue;
        }
        let rows: number;
        let a = pack; // the GEMM's rows
        // Row sums only matter for weights with zero-points; the signed form packs raw codes.
        const rs = s.wzp ? rowsum : 0;
        const raw = s.signed ? 1 : 0;
        const P = kernelPlanes(s);
        if (s.conv) {
          const c = s.conv;
          fn.ik_im2col(cur, b, c.h, c.w, c.c, c.kh, c.kw, c.padT, c.padL, c.oh, c.ow, s.kp, s.inZp, raw, pack, rs); // prettier-ignore
          rows = b * c.oh * c.ow;
        } else {
          // The signed form takes the codes as they are: rows of a whole number of quads need
          // no packing at all.
          if (s.signed && s.k === s.kp && !rs) a = cur;
          else fn.ik_pack_rows(cur, b, s.k, s.kp, s.inZp, raw, pack, rs);
          rows = b;
        }
        lap?.(`${s.name} pack`);
        if (s.out.kind === 'requant') {
          const q = s.out;
          fn.ik_gemm_requant(a, rs, rows, s.kp, g.w, P, g.wzp, s.n, g.bias, g.mult, g.offs, q.shift, q.clampAcc, q.zp, q.lo, q.hi, next); // prettier-ignore
          lap?.(s.name);
          swap();
        } else {
          fn.ik_gemm_dequant(
            a,
            rowsum,
            rows,
            s.kp,
            g.w,
            P,
            g.wzp,
            s.n,
            g.bias,
            g.scale,
            g.fbias,
            logits,
          );
          const z = k.f32(logits, b * classes);
          if (s.out.relu) for (let i = 0; i < z.length; i++) z[i] = Math.max(0, z[i]!);
          if (!order) out.set(z, done * classes);
          else
            for (let i = 0; i < b; i++)
              for (let c = 0, to = (order[done + i]! - start) * classes; c < classes; c++)
                out[to + c] = z[i * classes + c]!;
          lap?.(s.name);
        }
      }
    }
  });
  return out;
}
