/**
 * The integer kernels (wasm/intkernels.c, built by scripts/build-wasm.sh into intkernels.wasm for
 * SIMD128 and intkernels-relaxed.wasm for relaxed SIMD): the choice of build by feature detection,
 * instantiation from bytes and typed access to the module's one memory. Loading the bytes is the
 * caller's business (the worker fetches the `?url` assets, Node tests read the files), so this
 * module runs anywhere WebAssembly SIMD128 does.
 */
import { PLANE_MAX_7BIT, PLANE_MAX_8BIT, gemmWeights, kernelPlanes } from '../shared/plan';
import type { KernelPath } from '../shared/plan';

export type { KernelPath };

/** Codes NHWC and a stride-1 convolution's geometry (ik_im2col, ik_conv_requant). */
type ConvInput = [
  x: number,
  b: number,
  h: number,
  w: number,
  c: number,
  kh: number,
  kw: number,
  padT: number,
  padL: number,
  oh: number,
  ow: number,
];
/** Packed rows and their sums (the ik_gemm_* exports). */
type GemmRows = [a: number, rowsum: number, m: number, kp: number];
/** A layer's packed weights, P (planes; 0: relaxed SIMD's signed form), zero-point factors, channels and int32 bias. */
type GemmWeightArgs = [w: number, planes: number, wzp: number, n: number, bias: number];
/** Fixed-point requantization into the next layer's uint8 codes. */
type RequantArgs = [
  mult: number,
  offs: number,
  shift: number,
  clampAcc: number,
  zp: number,
  lo: number,
  hi: number,
];

/** The module's exports, as wasm/intkernels.c declares them (pointers are byte offsets). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  /** 1: the SIMD128 build, 2: the relaxed-SIMD build. */
  ik_path(): number;
  ik_alloc(bytes: number): number;
  ik_mark(): number;
  ik_release(mark: number): void;
  ik_lut_u8(input: number, n: number, lut: number, out: number): void;
  ik_gather_u8(src: number, idx: number, n: number, bytes: number, lut: number, out: number): void;
  ik_pack_rows(
    x: number,
    m: number,
    k: number,
    kp: number,
    zx: number,
    raw: number,
    a: number,
    rowsum: number,
  ): void;
  ik_im2col(
    ...args: [...ConvInput, kp: number, zx: number, raw: number, a: number, rowsum: number]
  ): void;
  ik_gemm_acc(...args: [...GemmRows, ...GemmWeightArgs, out: number]): void;
  ik_gemm_requant(...args: [...GemmRows, ...GemmWeightArgs, ...RequantArgs, out: number]): void;
  ik_gemm_dequant(
    ...args: [...GemmRows, ...GemmWeightArgs, scale: number, fbias: number, out: number]
  ): void;
  /** The implicit GEMM of a convolution, a 2×2 max pool fused when `pool` (see wasm/intkernels.c). */
  ik_conv_requant(
    ...args: [
      ...ConvInput,
      zx: number,
      taps: number,
      nq: number,
      rows: number,
      ...GemmWeightArgs,
      ...RequantArgs,
      pool: number,
      out: number,
    ]
  ): void;
  /**
   * A 5×5 convolution through Winograd F(2×2, 5×5), the same codes as ik_conv_requant (SIMD128
   * build only; see wasm/intkernels.c and shared/plan.ts winogradWeights).
   */
  ik_conv_wino?(
    ...args: [
      x: number,
      b: number,
      h: number,
      w: number,
      c: number,
      padT: number,
      padL: number,
      oh: number,
      ow: number,
      zx: number,
      weights: number,
      planes: number,
      split: number,
      wzp: number,
      n: number,
      bias: number,
      ...RequantArgs,
      pool: number,
      out: number,
    ]
  ): void;
  ik_maxpool2(x: number, b: number, h: number, w: number, c: number, out: number): void;
  /**
   * Not integer: the float32 path's convolution, to the bit as tfjs's
   * (features/model/worker/kernels/floatKernels.ts); `pad` is scratch for the bordered image and
   * the kernel's blocks of 16 filters.
   */
  ik_fconv(
    ...args: [
      ...ConvInput,
      k: number,
      bias: number,
      n: number,
      relu: number,
      pool: number,
      pad: number,
      out: number,
    ]
  ): void;
  /**
   * Not integer: packs a dense layer's kernel and bias for ik_fgemm (floatKernels.ts); returns 1
   * where ik_fgemm may skip zero inputs with them (no bias −0, every weight finite).
   */
  ik_fpack(b: number, bias: number, k: number, n: number, packed: number): number;
  /** Not integer: a dense layer's float32 product, to the bit as tfjs's (floatKernels.ts). */
  ik_fgemm(
    a: number,
    m: number,
    k: number,
    packed: number,
    n: number,
    relu: number,
    skip: number,
    out: number,
  ): void;
}

export interface IntKernels {
  readonly fn: KernelExports;
  readonly path: KernelPath;
  /** Why a faster build was not used (e.g. relaxed SIMD validated but its self-test failed). */
  readonly note: string | null;
  /**
   * The largest weight-plane byte the dot product reads exactly: 127 (relaxed SIMD's 7-bit
   * operand; SIMD128 has no planes), or 255 where the relaxed build passed the wide self-test
   * (the engine reads the operand unsigned, without saturating: AVX-VNNI's vpdpbusd), so that
   * 8-bit weights take one plane instead of two.
   */
  readonly planeMax: number;
  /**
   * Whether this is the relaxed build on an engine whose dot product takes two saturating steps
   * (x86 without AVX-VNNI: {@link saturatingDot}); configurations then run on SIMD128
   * (`simd128Instead` in shared/plan.ts).
   */
  readonly twoStepDot: boolean;
  /** `bytes` bytes, 16-byte aligned, from the bump allocator. Throws when memory is exhausted. */
  alloc(bytes: number): number;
  /** Runs `f`, then frees everything allocated during it (scratch buffers). */
  scoped<T>(f: () => T): T;
  /** Fresh views (memory growth detaches older ones): take them after the last alloc. */
  u8(ptr: number, n: number): Uint8Array;
  i8(ptr: number, n: number): Int8Array;
  i16(ptr: number, n: number): Int16Array;
  i32(ptr: number, n: number): Int32Array;
  f32(ptr: number, n: number): Float32Array;
  /** Copies `data` into fresh memory and returns its pointer. */
  put(
    data:
      Uint8Array | Int8Array | Int16Array | Int32Array | Uint32Array | Float32Array | BigInt64Array,
  ): number;
  /** Bytes of wasm memory in use (the allocator's top). */
  readonly usedBytes: number;
}

/** Whether this runtime runs WebAssembly SIMD128 (a minimal module using v128 validates). */
export function simd128Supported(): boolean {
  // (func (result v128) i32.const 0 i8x16.splat) — the usual feature probe.
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
    15, 253, 98, 11,
  ]);
  return WebAssembly.validate(probe);
}

/**
 * Whether this runtime runs relaxed SIMD's int8 dot product: a minimal module using
 * i32x4.relaxed_dot_i8x16_i7x16_add_s validates (Chrome and Edge 114+, Firefox 146+; not Safari;
 * Node 20 only with --experimental-wasm-relaxed-simd).
 */
export function relaxedSimdSupported(): boolean {
  // (func (result v128) v128.const 0 v128.const 0 v128.const 0 i32x4.relaxed_dot_i8x16_i7x16_add_s)
  const magic = [0, 97, 115, 109, 1, 0, 0, 0];
  const types = [1, 5, 1, 96, 0, 1, 123]; // one type: () -> v128
  const funcs = [3, 2, 1, 0];
  const konst = [253, 12, ...new Array<number>(16).fill(0)];
  const body = [0, ...konst, ...konst, ...konst, 253, 147, 2, 11]; // 0xfd 0x113: the dot product
  const code = [10, body.length + 2, 1, body.length, ...body];
  const probe = new Uint8Array([...magic, ...types, ...funcs, ...code]);
  return WebAssembly.validate(probe);
}

/** The faster build this runtime runs: relaxed SIMD where it validates, else SIMD128. */
export const bestKernelPath = (): KernelPath =>
  relaxedSimdSupported() ? 'relaxed-simd' : 'simd128';

/**
 * The int32 sums of rows `x` (m × kk uint8 codes, zero-point zx) by channels `w` (n × kk int8,
 * zero-points wzp or none) through the kernels' GEMM, with relaxed SIMD's planes of up to
 * `planeMax`, and where each differs from the exact sum: the self-tests' one GEMM.
 */
function gemmCheck(
  k: IntKernels,
  x: Uint8Array,
  w: Int8Array,
  m: number,
  n: number,
  zx: number,
  wzp: Int32Array | null,
  planeMax: number,
): { wrong: boolean[]; got: Int32Array; want: number[]; form: string } {
  const kk = x.length / m;
  const g = gemmWeights(w, wzp, n, kk, zx, k.path, planeMax);
  return k.scoped(() => {
    const a = k.alloc(m * g.kp * 2 + 16);
    const rowsum = k.alloc(m * 4);
    k.fn.ik_pack_rows(k.put(x), m, kk, g.kp, zx, g.signed ? 1 : 0, a, rowsum);
    const out = k.alloc(m * n * 4);
    const bias = g.bias ? k.put(g.bias) : 0;
    const wz = g.wzp ? k.put(g.wzp) : 0;
    k.fn.ik_gemm_acc(a, rowsum, m, g.kp, k.put(g.weights), kernelPlanes(g), wz, n, bias, out); // prettier-ignore
    const got = Int32Array.from(k.i32(out, m * n));
    const want: number[] = [];
    for (let r = 0; r < m; r++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        const z = wzp?.[j] ?? 0;
        for (let i = 0; i < kk; i++) s += (x[r * kk + i]! - zx) * (w[j * kk + i]! - z);
        want.push(s);
      }
    const form = g.signed ? 'signed form' : `${g.planes} plane${g.planes > 1 ? 's' : ''}`;
    return { wrong: want.map((v, i) => got[i] !== v), got, want, form };
  });
}

/**
 * Runs one small GEMM through the kernels (5 rows, so both the 4-row block and the tail; 12
 * channels; weight codes spanning all of int8, i.e. three relaxed-SIMD planes, or one of whole
 * bytes at `planeMax` 255; weight and input zero-points) and compares every int32 sum with the
 * exact one. Returns null when all agree, else what differed. Relaxed SIMD lets engines differ only
 * outside the 7-bit range the kernels keep to; an engine that still computes the dot product
 * wrongly (Node 20's V8 11.3 behind its flag doubles it) is caught here before any number reaches
 * the user. At `planeMax` 255 the sums tell the three known readings of a byte over 127 apart:
 * unsigned (AVX-VNNI's vpdpbusd: exact), saturating pairs (SSSE3's pmaddubsw: the rows of 255s
 * against channels of 127s sum 2·127·255 per pair, over int16) and signed (Arm's sdot); and the
 * same weights without zero-points run again in the signed form (gemmWeights), where the raw codes
 * are the operand read unsigned.
 */
export function selfTest(k: IntKernels, planeMax: number = PLANE_MAX_7BIT): string | null {
  const m = 5;
  const kk = 9;
  const n = 12;
  const zx = 77;
  const x = Uint8Array.from({ length: m * kk }, (_, i) => (i * 37 + 11) % 256);
  const w = Int8Array.from({ length: n * kk }, (_, i) => ((i * 53 + 5) % 256) - 128);
  w[0] = -128;
  w[1] = 127;
  // Extremes: a row of 255s and one of 0s (x = 127 and −128 as the relaxed build packs them), a
  // channel of 127s (the plane's byte 255 at offset 128) and one of −128s (byte 0).
  x.fill(255, 0, kk);
  x.fill(0, 4 * kk, 5 * kk);
  w.fill(127, 2 * kk, 3 * kk);
  w.fill(-128, 3 * kk, 4 * kk);
  const zps = Int32Array.from({ length: 16 }, (_, j) => (j < n ? ((j * 29) % 41) - 20 : 0));
  zps[2] = 0;
  zps[3] = 0;
  const run = (wzp: Int32Array | null): string | null => {
    const { wrong, got, want, form } = gemmCheck(k, x, w, m, n, zx, wzp, planeMax);
    const count = wrong.filter(Boolean).length;
    const i = wrong.indexOf(true);
    return count === 0
      ? null
      : `${count} of ${m * n} sums wrong (${form}: ${got[i]} instead of ${want[i]})`;
  };
  return run(zps) ?? (k.path === 'relaxed-simd' && planeMax >= PLANE_MAX_8BIT ? run(null) : null);
}

/**
 * Whether relaxed SIMD's dot product runs here as two steps that saturate: x86 without AVX-VNNI,
 * where V8 lowers it to SSSE3's pmaddubsw (byte products summed in pairs into int16, saturating)
 * and pmaddwd. Told from the signed form's whole-byte operand (rows of raw codes 255): pairs of
 * 255·127 overflow int16 and come out wrong, pairs of 255·1 do not and come out exact. Arm's sdot
 * (one instruction) reads the byte signed and gets both wrong; AVX-VNNI's vpdpbusd gets both
 * right (`planeMax` 255 then). False for SIMD128, which has no such operand.
 */
export function saturatingDot(k: IntKernels): boolean {
  if (k.path !== 'relaxed-simd' || k.planeMax >= PLANE_MAX_8BIT) return false;
  const m = 4;
  const kk = 8;
  const n = 8;
  const x = new Uint8Array(m * kk).fill(255);
  const w = new Int8Array(n * kk).fill(1);
  w.fill(127, 0, kk);
  const { wrong } = gemmCheck(k, x, w, m, n, 0, null, PLANE_MAX_8BIT);
  return wrong[0] === true && wrong[1] === false;
}

/**
 * Loads the kernels of `path` (default: the best this runtime validates) with `bytesOf`. The
 * relaxed build is used only if it loads and passes {@link selfTest}; otherwise the SIMD128 one
 * is, and `note` says why.
 */
export async function loadKernels(
  bytesOf: (path: KernelPath) => Promise<BufferSource>,
  path: KernelPath = bestKernelPath(),
): Promise<IntKernels> {
  let note: string | null = null;
  if (path === 'relaxed-simd') {
    try {
      const k = await instantiateKernels(await bytesOf(path));
      if (k.path !== 'relaxed-simd') throw new Error(`it is the ${k.path} build`);
      const failed = selfTest(k);
      if (!failed) {
        // Whole-byte planes only where this engine's dot product reads them exactly.
        if (!selfTest(k, PLANE_MAX_8BIT))
          Object.defineProperty(k, 'planeMax', { value: PLANE_MAX_8BIT });
        else if (saturatingDot(k)) Object.defineProperty(k, 'twoStepDot', { value: true });
        return k;
      }
      note = `relaxed SIMD validates here but computed wrong sums (${failed}): using SIMD128`;
    } catch (e) {
      note = `the relaxed-SIMD kernels did not load (${e instanceof Error ? e.message : String(e)}): using SIMD128`;
    }
  }
  const k = await instantiateKernels(await bytesOf('simd128'), note);
  const failed = selfTest(k);
  if (failed) throw new Error(`The integer kernels compute wrong sums on this engine: ${failed}.`);
  return k;
}

export async function instantiateKernels(
  bytes: BufferSource,
  note: string | null = null,
): Promise<IntKernels> {
  if (!simd128Supported())
    throw new Error('This runtime lacks WebAssembly SIMD128: the integer kernels need it.');
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const fn = instance.exports as unknown as KernelExports;
  const id = typeof fn.ik_path === 'function' ? fn.ik_path() : 0;
  const path: KernelPath | null = id === 1 ? 'simd128' : id === 2 ? 'relaxed-simd' : null;
  if (!path) throw new Error('These are not the integer kernels this app was built with.');
  const buf = () => fn.memory.buffer;
  const alloc = (bytes: number): number => {
    const p = fn.ik_alloc(Math.max(0, Math.ceil(bytes)));
    if (p === 0) throw new RangeError(`The integer kernels could not get ${bytes} more bytes.`);
    return p;
  };
  const put = (
    data:
      Uint8Array | Int8Array | Int16Array | Int32Array | Uint32Array | Float32Array | BigInt64Array,
  ): number => {
    const p = alloc(data.byteLength);
    new Uint8Array(buf(), p, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    return p;
  };
  const kernels: IntKernels = {
    fn,
    path,
    note,
    planeMax: PLANE_MAX_7BIT,
    twoStepDot: false,
    alloc,
    scoped<T>(f: () => T): T {
      const mark = fn.ik_mark();
      try {
        return f();
      } finally {
        fn.ik_release(mark);
      }
    },
    u8: (p, n) => new Uint8Array(buf(), p, n),
    i8: (p, n) => new Int8Array(buf(), p, n),
    i16: (p, n) => new Int16Array(buf(), p, n),
    i32: (p, n) => new Int32Array(buf(), p, n),
    f32: (p, n) => new Float32Array(buf(), p, n),
    put,
    get usedBytes() {
      return fn.ik_mark();
    },
  };
  return kernels;
}
