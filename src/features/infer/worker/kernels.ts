/**
 * The integer kernels (wasm/intkernels.c, built by scripts/build-wasm.sh into intkernels.wasm):
 * instantiation from bytes and typed access to the module's one memory. Loading the bytes is the
 * caller's business (the worker fetches the `?url` asset, Node tests read the file), so this
 * module runs anywhere WebAssembly SIMD128 does.
 */

/** The module's exports, as wasm/intkernels.c declares them (pointers are byte offsets). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  ik_alloc(bytes: number): number;
  ik_mark(): number;
  ik_release(mark: number): void;
  ik_lut_u8(input: number, n: number, lut: number, out: number): void;
  ik_pack_rows(
    x: number,
    m: number,
    k: number,
    kp: number,
    zx: number,
    a: number,
    rowsum: number,
  ): void;
  ik_im2col(
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
    kp: number,
    zx: number,
    a: number,
    rowsum: number,
  ): void;
  ik_gemm_acc(
    a: number,
    rowsum: number,
    m: number,
    kp: number,
    w: number,
    wzp: number,
    n: number,
    bias: number,
    out: number,
  ): void;
  ik_gemm_requant(
    a: number,
    rowsum: number,
    m: number,
    kp: number,
    w: number,
    wzp: number,
    n: number,
    bias: number,
    mult: number,
    offs: number,
    shift: number,
    clampAcc: number,
    zp: number,
    lo: number,
    hi: number,
    out: number,
  ): void;
  ik_gemm_dequant(
    a: number,
    rowsum: number,
    m: number,
    kp: number,
    w: number,
    wzp: number,
    n: number,
    bias: number,
    scale: number,
    fbias: number,
    out: number,
  ): void;
  ik_maxpool2(x: number, b: number, h: number, w: number, c: number, out: number): void;
}

/** Which instruction set the kernels use. Only SIMD128 is built today (see wasm/README.md). */
export type KernelPath = 'simd128';

export interface IntKernels {
  readonly fn: KernelExports;
  readonly path: KernelPath;
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
    data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | BigInt64Array,
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

export async function instantiateKernels(bytes: BufferSource): Promise<IntKernels> {
  if (!simd128Supported())
    throw new Error('This runtime lacks WebAssembly SIMD128: the integer kernels need it.');
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const fn = instance.exports as unknown as KernelExports;
  const buf = () => fn.memory.buffer;
  const alloc = (bytes: number): number => {
    const p = fn.ik_alloc(Math.max(0, Math.ceil(bytes)));
    if (p === 0) throw new RangeError(`The integer kernels could not get ${bytes} more bytes.`);
    return p;
  };
  const put = (
    data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | BigInt64Array,
  ): number => {
    const p = alloc(data.byteLength);
    new Uint8Array(buf(), p, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    return p;
  };
  const kernels: IntKernels = {
    fn,
    path: 'simd128',
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
