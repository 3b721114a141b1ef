/*
 * Integer inference kernels for quantized models, compiled to WebAssembly twice from this one file
 * (scripts/build-wasm.sh): with SIMD128 (intkernels.wasm, the portable path) and with relaxed SIMD
 * (intkernels-relaxed.wasm, `-mrelaxed-simd`, which defines __wasm_relaxed_simd__), whose
 * i32x4.relaxed_dot_i8x16_i7x16_add_s does 16 multiply-adds per instruction (AVX-VNNI's vpdpbusd,
 * or pmaddubsw + pmaddwd, on x86; sdot on Arm). The worker loads the relaxed build where the
 * runtime validates it and the SIMD128 build elsewhere; both give the same int32 accumulators.
 *
 * Why C: clang's wasm32 target, wasm-ld and <wasm_simd128.h> are in Debian (apt-get install
 * clang lld), so the binary can be rebuilt from this file with a distribution toolchain and
 * checked byte for byte (scripts/build-wasm.sh, scripts/check-wasm.mjs). Rust's wasm32 target is
 * not packaged there (it needs rustup), and AssemblyScript's SIMD support is thinner. There is no
 * libc: this file brings its own bump allocator over the module's one memory.
 *
 * Why SIMD128 and no scalar fallback: every browser the app supports (and Node ≥ 16) runs
 * WebAssembly SIMD128; the app's own tfjs backend already requires it for its fast path.
 *
 * The arithmetic is the one of integer engines (gemmlowp, TFLite, XNNPACK):
 *
 *   real activation  x = s_x · (u − z_x)        u: uint8 code, z_x its zero-point
 *   real weight      w = s_w[n] · (q − z_w[n])  q: int8 code (per tensor or per output channel)
 *   accumulator      acc[m][n] = Σ_k (u[m][k] − z_x) · (q[n][k] − z_w[n])        (int32, exact)
 *   next layer       u' = clamp(z_y + round(acc · M[n] + b[n] / s_y), lo, hi),  M[n] = s_x · s_w[n] / s_y
 *
 * M[n] is stored as a fixed-point multiplier M0[n] < 2^31 with one right shift per layer
 * (M[n] ≈ M0[n] / 2^shift), and acc · M0[n] is formed in 64 bits, the bias added there at the same
 * fixed point (int64 B[n] = round(b[n] / s_y · 2^shift)), and rounded once, half up (add
 * 2^(shift−1), shift right): TFLite's single-rounding mode, with the bias at the output's fixed
 * point instead of TFLite's int32 at s_x · s_w (see ik_gemm_requant). The fake-quant float path
 * rounds half to even; the two differ only when the sum is exactly halfway, which for a 31-bit
 * multiplier and a 40-odd-bit shift essentially never happens. ReLU is the clamp's lower
 * end (lo = max(qmin, z_y)); max pooling works on codes directly, since quantization is monotone.
 *
 * SIMD128 build: the activations are widened to int16 with the zero-point subtracted (pack_rows /
 * im2col), so the inner product is i32x4.dot_i16x8_s: (u − z_x) ∈ [−255, 255] times int8 codes in
 * [−128, 127] never overflows int32 for K < 2^16. Affine weights (uint8
 * codes) are stored as q − 128 with z_w − 128, and the weight zero-point enters as
 * − z_w[n] · Σ_k (u[m][k] − z_x), the row sums pack_rows/im2col return.
 *
 * Relaxed build: the dot product wants its second operand in 7 bits (0..127; above that the result
 * is implementation-defined: vpdpbusd reads it unsigned, pmaddubsw saturates, sdot reads it
 * signed). So the activations stay 8-bit as x = u − 128 (int8, the signed operand) and the weights
 * become the 7-bit operand: v = q + o ≥ 0 (o = −min q of the layer), split into P planes of 0..127
 * that add into the same accumulator (P = 1 up to 7-bit weights, 2 for [−127, 127], 3 only when a
 * layer spans all 256 codes). Where the engine's dot product reads the 7-bit operand's whole byte
 * unsigned and without saturating (vpdpbusd; the worker's load-time self-test tells), the planner
 * packs planes of 0..255 instead, and every weight of up to 8 bits takes one plane: the kernel is
 * the same, only the bytes differ. The kernel sums Σ_k x·v = Σ_k x·q + o·Σ_k x exactly, and the planner
 * (shared/plan.ts gemmWeights) passes G[n] = o + z_w[n] as the "zero-point" and
 * C[n] = (128 − z_x)·(Σ_k q[n][k] − K·z_w[n]) as the int32 bias, so that the same epilogue,
 * acc + C[n] − G[n]·Σ_k x[m][k], is again Σ_k (u − z_x)(q − z_w). Intermediate sums may wrap in
 * int32; the result does not, and wrapping arithmetic is exact modulo 2^32.
 *
 * Relaxed build, signed form (P = 0 in the GEMM exports; the planner picks it where the dot product
 * reads whole bytes unsigned, as for whole-byte planes, and a layer's q − z_w all fit in int8):
 * the operands swap roles. The weights d = q − z_w are the signed operand, one plane of int8, and
 * the activations stay the raw codes u (0..255) as the unsigned one, so the kernel sums
 * Σ_k u·d, and Σ_k (u − z_x)·d = Σ_k u·d − z_x·Σ_k d differs from it by a per-channel constant:
 * no row sums (no box filter, no per-output multiply in the epilogue), and the constant joins the
 * bias, which the planner folds into the 64-bit offsets where no accumulator can reach the clamp
 * (it then passes clamp_acc 0: no clamp).
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) name

#ifdef __wasm_relaxed_simd__
typedef int8_t act_t; /* x = u − 128; rows padded to a multiple of 4 */
#define IK_PATH 2u
#else
typedef int16_t act_t; /* x = u − z_x; rows padded to even */
#define IK_PATH 1u
#endif

/** Which build this is: 1 = SIMD128 (int16 rows, k in pairs), 2 = relaxed SIMD (int8, quads). */
uint32_t EXPORT(ik_path)(void) { return IK_PATH; }

/* ------------------------------------------------------------------------------------------ */
/* Memory: a bump allocator over the module's memory, grown on demand. JS keeps the marks.    */
/* ------------------------------------------------------------------------------------------ */

extern unsigned char __heap_base;
static uintptr_t heap_top = 0;

/** Allocates `bytes` bytes aligned to 16; returns 0 if the memory cannot grow. */
void *EXPORT(ik_alloc)(uint32_t bytes) {
  if (heap_top == 0) heap_top = (uintptr_t)&__heap_base;
  uintptr_t start = (heap_top + 15u) & ~(uintptr_t)15u;
  uintptr_t end = start + bytes;
  uintptr_t have = __builtin_wasm_memory_size(0) * 65536u;
  if (end > have) {
    uintptr_t pages = (end - have + 65535u) / 65536u;
    if (__builtin_wasm_memory_grow(0, pages) == (uintptr_t)-1) return 0;
  }
  heap_top = end;
  return (void *)start;
}

/** The allocator's current top: pass it to ik_release to free everything allocated after. */
uint32_t EXPORT(ik_mark)(void) {
  if (heap_top == 0) heap_top = (uintptr_t)&__heap_base;
  return (uint32_t)heap_top;
}

void EXPORT(ik_release)(uint32_t mark) { heap_top = mark; }

/* ------------------------------------------------------------------------------------------ */
/* Input and packing                                                                           */
/* ------------------------------------------------------------------------------------------ */

/** out[i] = lut[in[i]]: raw pixels to the first layer's codes (the LUT is computed in JS). */
void EXPORT(ik_lut_u8)(const uint8_t *in, uint32_t n, const uint8_t *lut, uint8_t *out) {
  for (uint32_t i = 0; i < n; i++) out[i] = lut[in[i]];
}

/**
 * Row i of out = row idx[i] of src (n rows of `bytes` bytes), through the LUT when lut is not 0: a
 * chunk of the resident images gathered in their block order (worker/run.ts), as the first layer's
 * codes.
 */
void EXPORT(ik_gather_u8)(const uint8_t *src, const uint32_t *idx, uint32_t n, uint32_t bytes,
                          const uint8_t *lut, uint8_t *out) {
  for (uint32_t i = 0; i < n; i++, out += bytes) {
    const uint8_t *row = src + (uintptr_t)idx[i] * bytes;
    if (lut)
      for (uint32_t j = 0; j < bytes; j++) out[j] = lut[row[j]];
    else
      __builtin_memcpy(out, row, bytes);
  }
}

#ifdef __wasm_relaxed_simd__
/**
 * dst[0..n) = src[0..n) − 128 as int8 (flipping the top bit), or the codes as they are when `raw`
 * (the signed form's unsigned operand); zx is not needed here.
 */
static inline void widen(const uint8_t *src, uint32_t n, int16_t zx, uint32_t raw, act_t *dst) {
  (void)zx;
  const v128_t top = wasm_i8x16_splat(raw ? 0 : (int8_t)0x80);
  const uint8_t flip = raw ? 0 : 0x80u;
  uint32_t i = 0;
  for (; i + 16 <= n; i += 16) wasm_v128_store(dst + i, wasm_v128_xor(wasm_v128_load(src + i), top));
  for (; i < n; i++) dst[i] = (int8_t)(src[i] ^ flip);
}

/** The lanes of v summed in fours into int32 lanes (16 int8 values). */
static inline v128_t sum_to_i32(v128_t v) {
  return wasm_i32x4_extadd_pairwise_i16x8(wasm_i16x8_extadd_pairwise_i8x16(v));
}

/** The value of a real 0 (code zx) in a row: zx − 128, or zx itself when raw. */
static inline act_t act_of_zero(int32_t zx, uint32_t raw) {
  return (act_t)(int8_t)(raw ? zx : zx ^ 0x80);
}

#define ACT_BLOCK 16u /* act_t per v128 */
#define ACT_QUANT 4u  /* act_t per dot-product step (a quad of k) */
/* P of the signed form (see the header): one plane of int8 weights against raw uint8 codes. */
#define P_SIGNED 0u
#else
/** dst[0..n) = src[0..n) − zx as int16 (raw: only the relaxed build's signed form has it). */
static inline void widen(const uint8_t *src, uint32_t n, int16_t zx, uint32_t raw, act_t *dst) {
  (void)raw;
  const v128_t vz = wasm_i16x8_splat(zx);
  uint32_t i = 0;
  for (; i + 8 <= n; i += 8) wasm_v128_store(dst + i, wasm_i16x8_sub(wasm_u16x8_load8x8(src + i), vz));
  for (; i < n; i++) dst[i] = (int16_t)(src[i] - zx);
}

/** The lanes of v summed in pairs into int32 lanes (8 int16 values). */
static inline v128_t sum_to_i32(v128_t v) { return wasm_i32x4_extadd_pairwise_i16x8(v); }

/** The value of a real 0 (code zx) in a row: 0. */
static inline act_t act_of_zero(int32_t zx, uint32_t raw) {
  (void)zx, (void)raw;
  return 0;
}

#define ACT_BLOCK 8u /* act_t per v128 */
#define ACT_QUANT 2u /* act_t per dot-product step (a pair of k) */
#define P_SIGNED 0u  /* the relaxed build's; here P is always 1 and read as one plane */
#endif

/**
 * Σ row[0..n) (n a multiple of ACT_BLOCK / 4, the padding of either build; the row is 4-byte
 * aligned): whole vectors, then a half and a quarter vector, then any rest one by one.
 */
static inline int32_t row_sum(const act_t *row, uint32_t n) {
  v128_t vs = wasm_i32x4_splat(0);
  uint32_t i = 0;
  for (; i + ACT_BLOCK <= n; i += ACT_BLOCK) vs = wasm_i32x4_add(vs, sum_to_i32(wasm_v128_load(row + i)));
  if (i + ACT_BLOCK / 2 <= n)
    vs = wasm_i32x4_add(vs, sum_to_i32(wasm_v128_load64_zero(row + i))), i += ACT_BLOCK / 2;
  if (i + ACT_BLOCK / 4 <= n)
    vs = wasm_i32x4_add(vs, sum_to_i32(wasm_v128_load32_zero(row + i))), i += ACT_BLOCK / 4;
  int32_t s = wasm_i32x4_extract_lane(vs, 0) + wasm_i32x4_extract_lane(vs, 1) +
              wasm_i32x4_extract_lane(vs, 2) + wasm_i32x4_extract_lane(vs, 3);
  for (; i < n; i++) s += row[i];
  return s;
}

/**
 * Rows of uint8 codes x[m][0..K) → A[m][0..Kp) (SIMD128: int16 x − zx, Kp even; relaxed: int8
 * x − 128, or the codes themselves when `raw` (the signed form), Kp a multiple of 4), zero-padded
 * to Kp, and, when rowsum is not 0, rowsum[m] = Σ_k A[m][k] (needed for weight zero-points; the
 * relaxed build's planes always need it, its signed form never).
 */
void EXPORT(ik_pack_rows)(const uint8_t *x, uint32_t M, uint32_t K, uint32_t Kp, int32_t zx,
                          uint32_t raw, act_t *A, int32_t *rowsum) {
  for (uint32_t m = 0; m < M; m++) {
    act_t *dst = A + (uintptr_t)m * Kp;
    widen(x + (uintptr_t)m * K, K, (int16_t)zx, raw, dst);
    for (uint32_t k = K; k < Kp; k++) dst[k] = 0;
    if (rowsum) rowsum[m] = row_sum(dst, Kp);
  }
}

/** Copies n act_t (n ≥ 1) in whole v128 blocks: may write up to one block past dst + n and read past src + n. */
static inline void copy_blocks(act_t *dst, const act_t *src, uint32_t n) {
  for (uint32_t i = 0; i < n; i += ACT_BLOCK) wasm_v128_store(dst + i, wasm_v128_load(src + i));
}

/**
 * The first two passes of the row sums' box filter over a bordered image pad [Hp][Wp][C]:
 * line[y][ox] = Σ_{kx < KW} Σ_c pad[y][ox + kx][c] (pix: scratch of Hp·Wp). The window sum of
 * output (oy, ox) is then Σ_{ky < KH} line[oy + ky][ox].
 */
static void box_lines(const act_t *pad, uint32_t Hp, uint32_t Wp, uint32_t C, uint32_t KW,
                      uint32_t OW, int32_t *pix, int32_t *line) {
  for (uint32_t i = 0; i < Hp * Wp; i++) {
    int32_t s = 0;
    for (uint32_t c = 0; c < C; c++) s += pad[(uintptr_t)i * C + c];
    pix[i] = s;
  }
  for (uint32_t y = 0; y < Hp; y++)
    for (uint32_t ox = 0; ox < OW; ox++) {
      int32_t s = 0;
      for (uint32_t kx = 0; kx < KW; kx++) s += pix[y * Wp + ox + kx];
      line[y * OW + ox] = s;
    }
}

/**
 * im2col for a stride-1 convolution over NHWC uint8 codes: row (b, oy, ox) of A holds the
 * KH×KW×C patch in (ky, kx, c) order (the layout of a tfjs/Keras kernel [KH, KW, C, N]) as
 * ik_pack_rows writes values, zero-padded to Kp. Taps outside the image (padding 'same') are
 * real 0, i.e. code zx. Each image is first converted into a bordered copy, so a patch is KH runs
 * of KW·C contiguous values. rowsum as in ik_pack_rows. A needs 16 bytes of slack after its last
 * row.
 *
 * The row sums are not read back from A (a row is written as overlapping 16-byte blocks, runs of
 * KW·C values, and reading it back costs a vector sum per row): they come from the bordered image,
 * as a box filter: the values of each pixel summed over its channels, then over KW pixels along
 * each line, then over KH lines, all in int32 (exact: a window holds at most 2^16 values of
 * |x| ≤ 255), KH adds per row. On mnist-cnn's 2,000 images (relaxed SIMD, Chromium) the two
 * im2col steps took 32-43 ms with per-row sums, 27-29 ms with the box filter.
 */
void EXPORT(ik_im2col)(const uint8_t *x, uint32_t B, uint32_t H, uint32_t W, uint32_t C,
                       uint32_t KH, uint32_t KW, int32_t padT, int32_t padL, uint32_t OH,
                       uint32_t OW, uint32_t Kp, int32_t zx, uint32_t raw, act_t *A,
                       int32_t *rowsum) {
  const uint32_t K = KH * KW * C, run = KW * C;
  const uint32_t Hp = OH + KH - 1, Wp = OW + KW - 1; /* the bordered image */
  const uint32_t mark = ik_mark();
  const uint32_t padElems = Hp * Wp * C + 2 * ACT_BLOCK;
  act_t *pad = (act_t *)ik_alloc(padElems * sizeof(act_t));
  /* The box filter's two passes: per bordered pixel, then per line and output column. */
  int32_t *pix = rowsum ? (int32_t *)ik_alloc(Hp * Wp * sizeof(int32_t)) : 0;
  int32_t *line = rowsum ? (int32_t *)ik_alloc(Hp * OW * sizeof(int32_t)) : 0;
  const act_t zero = act_of_zero(zx, raw);
  for (uint32_t i = 0; i < padElems; i++) pad[i] = zero;
  for (uint32_t b = 0; b < B; b++) {
    const uint8_t *img = x + (uintptr_t)b * H * W * C;
    for (uint32_t y = 0; y < H; y++)
      widen(img + (uintptr_t)y * W * C, W * C, (int16_t)zx, raw,
            pad + (((uintptr_t)y + padT) * Wp + padL) * C);
    if (rowsum) box_lines(pad, Hp, Wp, C, KW, OW, pix, line);
    for (uint32_t oy = 0; oy < OH; oy++) {
      for (uint32_t ox = 0; ox < OW; ox++) {
        const act_t *src = pad + ((uintptr_t)oy * Wp + ox) * C;
        for (uint32_t ky = 0; ky < KH; ky++) copy_blocks(A + ky * run, src + (uintptr_t)ky * Wp * C, run);
        for (uint32_t k = K; k < Kp; k++) A[k] = 0;
        if (rowsum) {
          int32_t s = 0;
          for (uint32_t ky = 0; ky < KH; ky++) s += line[(oy + ky) * OW + ox];
          *rowsum++ = s;
        }
        A += Kp;
      }
    }
  }
  ik_release(mark);
}

/* ------------------------------------------------------------------------------------------ */
/* GEMM: A [M][Kp] × packed int8 weights, 8 output channels at a time.                         */
/* ------------------------------------------------------------------------------------------ */

/*
 * A block's eight vectors of sums (four rows by two halves of eight channels), started at 0, or
 * at acc's values when `add` (a constant where inlined): block_4x8_runs adds one run after another.
 */
#define BLOCK_SUMS_START(add, acc)                                                                \
  const v128_t zero_ = wasm_i32x4_splat(0);                                                       \
  v128_t c00 = (add) ? (acc)[0][0] : zero_, c01 = (add) ? (acc)[0][1] : zero_;                    \
  v128_t c10 = (add) ? (acc)[1][0] : zero_, c11 = (add) ? (acc)[1][1] : zero_;                    \
  v128_t c20 = (add) ? (acc)[2][0] : zero_, c21 = (add) ? (acc)[2][1] : zero_;                    \
  v128_t c30 = (add) ? (acc)[3][0] : zero_, c31 = (add) ? (acc)[3][1] : zero_

#ifdef __wasm_relaxed_simd__
/*
 * Relaxed build. Weights are packed (shared/plan.ts packWeightsQuads) in blocks of 8 channels,
 * then by quads of k, then by plane: [n0k0 n0k1 n0k2 n0k3 n1k0 … n3k3][n4k0 … n7k3] (32 bytes per
 * quad and plane, each byte 0..127). A row's quad (x_k .. x_k+3) is splat to all lanes
 * (v128.load32_splat), so i32x4.relaxed_dot_i8x16_i7x16_add_s against one 16-byte half adds four
 * channels' partial sums into their lanes. The planes of a quad add into the same accumulators.
 */
/* The signed operand first: the activations x, or in the signed form (sw) the weights w. */
#define RDOT(acc, x, w)                                                              \
  acc = sw ? wasm_i32x4_relaxed_dot_i8x16_i7x16_add(w, x, acc)                     \
           : wasm_i32x4_relaxed_dot_i8x16_i7x16_add(x, w, acc)

/**
 * Four rows × eight channels with P planes (a constant where inlined), or one plane of signed
 * weights when sw (a constant too). The rows' quads are at a_r + 4q, or at a_r + taps[q] when taps
 * is not 0 (the implicit GEMM of ik_conv_requant; a constant 0 where inlined into gemm).
 */
static inline __attribute__((always_inline)) void block_4x8_p(const act_t *const a[4],
                                                              const uint32_t *taps,
                                                              const uint32_t *sel, uint32_t nq,
                                                              const int8_t *wb, uint32_t P,
                                                              uint32_t sw, uint32_t add,
                                                              v128_t acc[4][2]) {
  BLOCK_SUMS_START(add, acc);
  const act_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3];
  for (uint32_t i = 0; i < nq; i++) {
    const uint32_t q = sel ? sel[i] : i;
    const uint32_t k = taps ? taps[q] : 4 * q;
    const int8_t *w = wb + (uintptr_t)q * 32u * P;
    v128_t x0 = wasm_v128_load32_splat(a0 + k);
    v128_t x1 = wasm_v128_load32_splat(a1 + k);
    v128_t x2 = wasm_v128_load32_splat(a2 + k);
    v128_t x3 = wasm_v128_load32_splat(a3 + k);
    for (uint32_t p = 0; p < P; p++, w += 32) {
      v128_t wl = wasm_v128_load(w);
      v128_t wh = wasm_v128_load(w + 16);
      RDOT(c00, x0, wl);
      RDOT(c01, x0, wh);
      RDOT(c10, x1, wl);
      RDOT(c11, x1, wh);
      RDOT(c20, x2, wl);
      RDOT(c21, x2, wh);
      RDOT(c30, x3, wl);
      RDOT(c31, x3, wh);
    }
  }
  acc[0][0] = c00, acc[0][1] = c01, acc[1][0] = c10, acc[1][1] = c11;
  acc[2][0] = c20, acc[2][1] = c21, acc[3][0] = c30, acc[3][1] = c31;
}

static inline __attribute__((always_inline)) void block_4x8(const act_t *const a[4],
                                                            const uint32_t *taps,
                                                            const uint32_t *sel, uint32_t nq,
                                                            const int8_t *wb, uint32_t P,
                                                            uint32_t add, v128_t acc[4][2]) {
  switch (P) {
    case P_SIGNED: block_4x8_p(a, taps, sel, nq, wb, 1, 1, add, acc); break;
    case 1: block_4x8_p(a, taps, sel, nq, wb, 1, 0, add, acc); break;
    case 2: block_4x8_p(a, taps, sel, nq, wb, 2, 0, add, acc); break;
    default: block_4x8_p(a, taps, sel, nq, wb, P, 0, add, acc); break;
  }
}

/** One row × eight channels, as block_4x8_p. */
static inline __attribute__((always_inline)) void block_1x8_p(const act_t *a0, const uint32_t *taps,
                                                              const uint32_t *sel, uint32_t nq,
                                                              const int8_t *wb, uint32_t P,
                                                              uint32_t sw, v128_t acc[2]) {
  v128_t c0 = wasm_i32x4_splat(0), c1 = c0;
  for (uint32_t i = 0; i < nq; i++) {
    const uint32_t q = sel ? sel[i] : i;
    const int8_t *w = wb + (uintptr_t)q * 32u * P;
    v128_t x0 = wasm_v128_load32_splat(a0 + (taps ? taps[q] : 4 * q));
    for (uint32_t p = 0; p < P; p++, w += 32) {
      RDOT(c0, x0, wasm_v128_load(w));
      RDOT(c1, x0, wasm_v128_load(w + 16));
    }
  }
  acc[0] = c0, acc[1] = c1;
}

static inline __attribute__((always_inline)) void block_1x8(const act_t *a0, const uint32_t *taps,
                                                            const uint32_t *sel, uint32_t nq,
                                                            const int8_t *wb, uint32_t P,
                                                            v128_t acc[2]) {
  switch (P) {
    case P_SIGNED: block_1x8_p(a0, taps, sel, nq, wb, 1, 1, acc); break;
    case 1: block_1x8_p(a0, taps, sel, nq, wb, 1, 0, acc); break;
    case 2: block_1x8_p(a0, taps, sel, nq, wb, 2, 0, acc); break;
    default: block_1x8_p(a0, taps, sel, nq, wb, P, 0, acc); break;
  }
}
#else
/*
 * SIMD128 build. Weights are packed (shared/plan.ts packWeights) in blocks of 8 channels, then by
 * pairs of k: [n0k0 n0k1 n1k0 n1k1 … n7k0 n7k1] (16 bytes per pair). A row's pair (a_k, a_k+1) is
 * splat to all lanes (v128.load32_splat), so i32x4.dot_i16x8_s with the widened low or high half
 * of the 16 bytes gives four channels' partial sums directly in the lanes: no horizontal sums, and
 * the requantization works on whole vectors of channels. P is always 1.
 */
#define DOT(acc, x, w) acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(x, w))
/* Two rows' pairs (splat) against one step's eight channels (wl: 0..3, wh: 4..7). */
#define DOT_2x8(ca0, ca1, cb0, cb1, xa, xb, wl, wh) \
  DOT(ca0, xa, wl);                                 \
  DOT(ca1, xa, wh);                                 \
  DOT(cb0, xb, wl);                                 \
  DOT(cb1, xb, wh)

/**
 * Four rows × eight channels: acc[r][0] = channels 0..3, acc[r][1] = channels 4..7. The rows'
 * pairs are at a_r + 2q, or at a_r + taps[q] when taps is not 0 (see the relaxed build's).
 */
static inline __attribute__((always_inline)) void block_4x8(const act_t *const a[4],
                                                            const uint32_t *taps,
                                                            const uint32_t *sel, uint32_t nq,
                                                            const int8_t *wb, uint32_t P,
                                                            uint32_t add, v128_t acc[4][2]) {
  (void)P;
  BLOCK_SUMS_START(add, acc);
  const act_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3];
  for (uint32_t i = 0; i < nq; i++) {
    const uint32_t q = sel ? sel[i] : i;
    const uint32_t k = taps ? taps[q] : 2 * q;
    const int8_t *w = wb + (uintptr_t)q * 16u;
    v128_t wl = wasm_i16x8_load8x8(w);
    v128_t wh = wasm_i16x8_load8x8(w + 8);
    v128_t x0 = wasm_v128_load32_splat(a0 + k);
    v128_t x1 = wasm_v128_load32_splat(a1 + k);
    DOT_2x8(c00, c01, c10, c11, x0, x1, wl, wh);
    v128_t x2 = wasm_v128_load32_splat(a2 + k);
    v128_t x3 = wasm_v128_load32_splat(a3 + k);
    DOT_2x8(c20, c21, c30, c31, x2, x3, wl, wh);
  }
  acc[0][0] = c00, acc[0][1] = c01, acc[1][0] = c10, acc[1][1] = c11;
  acc[2][0] = c20, acc[2][1] = c21, acc[3][0] = c30, acc[3][1] = c31;
}

static inline __attribute__((always_inline)) void block_1x8(const act_t *a0, const uint32_t *taps,
                                                            const uint32_t *sel, uint32_t nq,
                                                            const int8_t *wb, uint32_t P,
                                                            v128_t acc[2]) {
  (void)P;
  v128_t c0 = wasm_i32x4_splat(0), c1 = c0;
  for (uint32_t i = 0; i < nq; i++) {
    const uint32_t q = sel ? sel[i] : i;
    const int8_t *w = wb + (uintptr_t)q * 16u;
    v128_t x0 = wasm_v128_load32_splat(a0 + (taps ? taps[q] : 2 * q));
    DOT(c0, x0, wasm_i16x8_load8x8(w));
    DOT(c1, x0, wasm_i16x8_load8x8(w + 8));
  }
  acc[0] = c0, acc[1] = c1;
}

/**
 * Two rows × sixteen channels, the dense GEMM's block on this build: the channel blocks at wa and
 * wb (8 channels each, packed as for block_4x8), acc[r][0..1] from wa, acc[r][2..3] from wb. A
 * step is as many instructions as block_4x8's (two splats and four weight loads instead of four
 * and two, the same 8 dot products and adds), but a list shared by two rows leaves out more of k:
 * in the block order (shared/blockOrder.ts) 27.2% of MNIST's pixel pairs are nonzero in some row
 * of a block of two against 32.0% of four, and Fashion-MNIST's 59.9% against 63.3%. W8A8 passes in
 * Node (a probe timing intLogits, medians of 30, two alternating runs): mnist-mlp 8.04–8.09 →
 * 7.25–7.33 ms, fashion-mlp 64.3–65.5 → 59.2–59.3 ms; mnist-cnn (its dense layers only) the same.
 * The relaxed build keeps four rows by eight channels (its planes; not measured here, where its
 * dot product saturates and the app runs SIMD128).
 */
static inline __attribute__((always_inline)) void block_2x16(const act_t *a0, const act_t *a1,
                                                             const uint32_t *sel, uint32_t nq,
                                                             const int8_t *wa, const int8_t *wb,
                                                             v128_t acc[2][4]) {
  v128_t c00 = wasm_i32x4_splat(0), c01 = c00, c02 = c00, c03 = c00;
  v128_t c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  for (uint32_t i = 0; i < nq; i++) {
    const uint32_t q = sel ? sel[i] : i;
    const v128_t w0 = wasm_i16x8_load8x8(wa + (uintptr_t)q * 16u);
    const v128_t w1 = wasm_i16x8_load8x8(wa + (uintptr_t)q * 16u + 8);
    const v128_t w2 = wasm_i16x8_load8x8(wb + (uintptr_t)q * 16u);
    const v128_t w3 = wasm_i16x8_load8x8(wb + (uintptr_t)q * 16u + 8);
    const v128_t x0 = wasm_v128_load32_splat(a0 + 2 * q);
    const v128_t x1 = wasm_v128_load32_splat(a1 + 2 * q);
    DOT(c00, x0, w0);
    DOT(c01, x0, w1);
    DOT(c02, x0, w2);
    DOT(c03, x0, w3);
    DOT(c10, x1, w0);
    DOT(c11, x1, w1);
    DOT(c12, x1, w2);
    DOT(c13, x1, w3);
  }
  acc[0][0] = c00, acc[0][1] = c01, acc[0][2] = c02, acc[0][3] = c03;
  acc[1][0] = c10, acc[1][1] = c11, acc[1][2] = c12, acc[1][3] = c13;
}
#endif

/*
 * Epilogue variants, constants where inlined: F_FINISH adds the int32 bias and the row-sum term
 * (finish), F_CLAMP clamps the sums to ±clamp_acc before requantizing. The signed form with its
 * bias folded into the offsets needs neither.
 */
#define F_FINISH 1u
#define F_CLAMP 2u
#define F_ALL (F_FINISH | F_CLAMP)

/** The planes of P: P itself, one in the signed form (P = 0). */
#define PLANES(P) ((P) ? (P) : 1u)

/**
 * block_4x8 over a convolution's every step, run by run: the KH runs of `per` steps each, run ky
 * at a_r + ky·line, each run's sums added to the runs' before it. The same sums as through taps
 * (convTaps lays k out in these runs), but each step's address is counted from its run's start
 * instead of read from the list.
 */
static inline __attribute__((always_inline)) void block_4x8_runs(const act_t *const a[4],
                                                                 uint32_t KH, uint32_t per,
                                                                 uint32_t line, const int8_t *wb,
                                                                 uint32_t P, v128_t acc[4][2]) {
  const uintptr_t run = (uintptr_t)per * ACT_QUANT * 8u * PLANES(P); /* a run's weight bytes */
  for (uint32_t i = 0; i < 4; i++) acc[i][0] = acc[i][1] = wasm_i32x4_splat(0);
  for (uint32_t ky = 0; ky < KH; ky++) {
    const uintptr_t at = (uintptr_t)ky * line;
    const act_t *const r[4] = {a[0] + at, a[1] + at, a[2] + at, a[3] + at};
    block_4x8(r, 0, 0, per, wb + ky * run, P, 1, acc);
  }
}

/** What a GEMM does with each row's vector of four channels (n..n+3) once the sums are done. */
typedef struct epilogue epilogue_t;
typedef void (*emit_fn)(const epilogue_t *e, uint32_t m, uint32_t n, v128_t acc, uint32_t flags);

struct epilogue {
  const int32_t *bias, *wzp, *rowsum;
  uint32_t N;
  /* ik_gemm_acc */
  int32_t *out32;
  /* ik_gemm_requant */
  const int32_t *mult;
  const int64_t *offs;
  int32_t shift;
  v128_t lo_clamp_acc, hi_clamp_acc, zp, lo, hi;
  uint8_t *out8;
  /* ik_gemm_dequant */
  const float *scale, *fbias;
  float *outf;
};

/** acc + bias − z_w · rowsum for four channels n..n+3 of one row (nothing without F_FINISH). */
static inline __attribute__((always_inline)) v128_t finish(v128_t acc, const epilogue_t *e,
                                                           uint32_t m, uint32_t n, uint32_t flags) {
  if (!(flags & F_FINISH)) return acc;
  if (e->bias) acc = wasm_i32x4_add(acc, wasm_v128_load(e->bias + n));
  if (e->wzp)
    acc = wasm_i32x4_sub(acc, wasm_i32x4_mul(wasm_v128_load(e->wzp + n), wasm_i32x4_splat(e->rowsum[m])));
  return acc;
}

/*
 * Skipping zeros. A quad (SIMD128: pair) of k whose values are 0 in every row of a block adds
 * nothing to any of its sums, so the block can leave it out and get the same int32 sums, exactly.
 * Such quads are common where a layer's input is 0 for a real 0 (SIMD128's rows hold u − z_x; the
 * relaxed build's signed form the raw codes, with z_x = 0 after a ReLU): MNIST's background pixels
 * (about 80% of an image), the inactive units of a ReLU. active() lists the quads of k that are
 * not zero in all of a block's rows; the block then runs over that list alone, reading each quad's
 * weights at its own place, when the list leaves out at least one quad in SKIP_MIN (otherwise the
 * list's indexing would cost more than it saves). SEL_MAX bounds the list (a static buffer: the
 * module runs one call at a time); longer rows run dense.
 */
#define SEL_MAX 8192u
#define SKIP_MIN 4u
static uint32_t sel_buf[SEL_MAX];

/** The quads q < nq (at a_r + taps[q], or + ACT_QUANT·q) not zero in all of rows a[0..nr) into sel. */
static inline __attribute__((always_inline)) uint32_t active(const act_t *const a[], uint32_t nr,
                                                             const uint32_t *taps, uint32_t nq,
                                                             uint32_t *sel) {
  uint32_t ns = 0, q = 0;
  if (!taps)
    /* Four quads a step, without branches (as flist): each row's 16 bytes ORed, then one lane a
       quad. */
    for (; q + 4 <= nq; q += 4) {
      v128_t v = wasm_v128_load(a[0] + ACT_QUANT * q);
      for (uint32_t r = 1; r < nr; r++) v = wasm_v128_or(v, wasm_v128_load(a[r] + ACT_QUANT * q));
      const uint32_t m = wasm_i32x4_bitmask(wasm_i32x4_ne(v, wasm_i32x4_splat(0)));
      sel[ns] = q, ns += m & 1;
      sel[ns] = q + 1, ns += (m >> 1) & 1;
      sel[ns] = q + 2, ns += (m >> 2) & 1;
      sel[ns] = q + 3, ns += m >> 3;
    }
  for (; q < nq; q++) {
    const uint32_t k = taps ? taps[q] : ACT_QUANT * q;
    uint32_t v = 0;
    for (uint32_t r = 0; r < nr; r++) {
      uint32_t quad;
      __builtin_memcpy(&quad, a[r] + k, 4); /* 4 bytes: a quad of int8 or a pair of int16 */
      v |= quad;
    }
    sel[ns] = q;
    ns += v != 0;
  }
  return ns;
}

/**
 * A call's trial of its lists of non-zero inputs (the integer kernels' here, the float product's
 * below): its first SKIP_TRIAL lists, their inputs and how many of those were listed. Listing
 * reads each input once more, a cost that matters where a block has few channels to run them
 * against (a convolution's 16 or 32), so each kernel stops listing once its trial shows too few
 * zeros to pay for it.
 */
#define SKIP_TRIAL 64u
typedef struct {
  uint32_t lists, inputs, active;
} skip_t;

/** Counts a list of ns of n inputs toward the call's trial. */
static inline void skip_count(skip_t *st, uint32_t n, uint32_t ns) {
  if (st->lists < SKIP_TRIAL) st->lists++, st->inputs += n, st->active += ns;
}

/**
 * The list of a block's active quads, or 0 where running all nq of them is as good. The call
 * stops listing once its trial has found fewer than one quad in SKIP_MIN to leave out.
 */
static inline __attribute__((always_inline)) const uint32_t *skipping(skip_t *st,
                                                                      const act_t *const a[],
                                                                      uint32_t nr,
                                                                      const uint32_t *taps,
                                                                      uint32_t nq, uint32_t *ns) {
  if (nq > SEL_MAX) return 0;
  if (st->lists == SKIP_TRIAL && st->inputs - st->active < st->inputs / SKIP_MIN) return 0;
  *ns = active(a, nr, taps, nq, sel_buf);
  skip_count(st, nq, *ns);
  return *ns <= nq - nq / SKIP_MIN ? sel_buf : 0;
}

/** Runs the GEMM over all rows and channel blocks, handing every vector of sums to emit. */
/* Inlined into each export with its emit function, so that emit is a direct, inlined call: out of
   line (clang's choice once the relaxed build specialized its blocks), emit went through
   call_indirect and the sums through the shadow stack, and the GEMM ran 5–15% slower. */
static inline __attribute__((always_inline)) void gemm(const act_t *A, uint32_t M, uint32_t Kp, const int8_t *Wp, uint32_t P,
                        const epilogue_t *e, emit_fn emit, uint32_t flags) {
  const uint32_t N = e->N;
  const uintptr_t block = (uintptr_t)8 * Kp * PLANES(P); /* bytes of one 8-channel block of weights */
  skip_t st = {0, 0, 0};
  uint32_t m = 0;
#ifndef __wasm_relaxed_simd__
  /* SIMD128: two rows by sixteen channels (block_2x16), the last block alone standing in for the
     pair's second where N has an odd number of them (its sums dropped). */
  for (; m + 2 <= M; m += 2) {
    const act_t *a = A + (uintptr_t)m * Kp;
    const act_t *const rows[2] = {a, a + Kp};
    /* The steps: the list's, or all of k (written this way, not as a select of the two: that
       ran mnist-mlp's pass 3-5% slower in Node, clang 14). */
    uint32_t ns = Kp / ACT_QUANT;
    const uint32_t *sel = skipping(&st, rows, 2, 0, Kp / ACT_QUANT, &ns);
    if (!sel) ns = Kp / ACT_QUANT;
    for (uint32_t n = 0; n < N; n += 16) {
      const int8_t *wa = Wp + (uintptr_t)(n / 8) * block;
      const int8_t *wb2 = n + 8 < N ? wa + block : wa;
      v128_t acc[2][4];
      block_2x16(rows[0], rows[1], sel, ns, wa, wb2, acc);
      for (uint32_t r = 0; r < 2; r++)
        for (uint32_t j = 0; j < 4 && n + 4 * j < N; j++)
          emit(e, m + r, n + 4 * j, finish(acc[r][j], e, m + r, n + 4 * j, flags), flags);
    }
  }
#else
  for (; m + 4 <= M; m += 4) {
    const int8_t *wb = Wp;
    const act_t *a = A + (uintptr_t)m * Kp;
    const act_t *const rows[4] = {a, a + Kp, a + 2 * Kp, a + 3 * Kp};
    uint32_t ns = 0;
    const uint32_t *sel = skipping(&st, rows, 4, 0, Kp / ACT_QUANT, &ns);
    for (uint32_t n = 0; n < N; n += 8, wb += block) {
      v128_t acc[4][2];
      if (sel)
        block_4x8(rows, 0, sel, ns, wb, P, 0, acc);
      else
        block_4x8(rows, 0, 0, Kp / ACT_QUANT, wb, P, 0, acc);
      for (uint32_t r = 0; r < 4; r++) {
        emit(e, m + r, n, finish(acc[r][0], e, m + r, n, flags), flags);
        if (n + 4 < N) emit(e, m + r, n + 4, finish(acc[r][1], e, m + r, n + 4, flags), flags);
      }
    }
  }
#endif
  for (; m < M; m++) {
    const int8_t *wb = Wp;
    const act_t *const row[1] = {A + (uintptr_t)m * Kp};
    uint32_t ns = 0;
    const uint32_t *sel = skipping(&st, row, 1, 0, Kp / ACT_QUANT, &ns);
    for (uint32_t n = 0; n < N; n += 8, wb += block) {
      v128_t acc[2];
      if (sel)
        block_1x8(row[0], 0, sel, ns, wb, P, acc);
      else
        block_1x8(row[0], 0, 0, Kp / ACT_QUANT, wb, P, acc);
      emit(e, m, n, finish(acc[0], e, m, n, flags), flags);
      if (n + 4 < N) emit(e, m, n + 4, finish(acc[1], e, m, n + 4, flags), flags);
    }
  }
}

static inline __attribute__((always_inline)) void emit_i32(const epilogue_t *e, uint32_t m, uint32_t n, v128_t acc,
                                                           uint32_t flags) {
  (void)flags;
  int32_t *out = e->out32 + (uintptr_t)m * e->N + n;
  if (n + 4 <= e->N) {
    wasm_v128_store(out, acc);
    return;
  }
  int32_t tmp[4];
  wasm_v128_store(tmp, acc);
  for (uint32_t i = 0; n + i < e->N; i++) out[i] = tmp[i];
}

/**
 * The raw accumulators: out[m][n] = Σ_k A[m][k]·W[n][k] + bias[n] − wzp[n]·rowsum[m] (int32,
 * exact; W the sum of the P planes in the relaxed build, P = 1 in the SIMD128 build). bias and wzp
 * may be 0 (none); bias and wzp have Np entries. For tests and for callers
 * that requantize themselves.
 */
void EXPORT(ik_gemm_acc)(const act_t *A, const int32_t *rowsum, uint32_t M, uint32_t Kp,
                         const int8_t *Wp, uint32_t P, const int32_t *wzp, uint32_t N, const int32_t *bias,
                         int32_t *out) {
  epilogue_t e = {0};
  e.bias = bias, e.wzp = wzp, e.rowsum = rowsum, e.N = N, e.out32 = out;
  gemm(A, M, Kp, Wp, P, &e, emit_i32, F_FINISH);
}

/** Fixed-point requantization of four channels: see the header and ik_gemm_requant. */
static inline __attribute__((always_inline)) void emit_u8(const epilogue_t *e, uint32_t m, uint32_t n, v128_t acc,
                                                          uint32_t flags) {
  if (flags & F_CLAMP) acc = wasm_i32x4_min(wasm_i32x4_max(acc, e->lo_clamp_acc), e->hi_clamp_acc);
  v128_t mult = wasm_v128_load(e->mult + n);
  v128_t p0 = wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(acc, mult), wasm_v128_load(e->offs + n));
  v128_t p1 = wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(acc, mult), wasm_v128_load(e->offs + n + 2));
  v128_t r;
  /* The shift count through an empty asm, so that clang sees it as a new value here. Otherwise
     clang 14 (the SIMD128 build's) hoists the splat of the loop-invariant count out of the GEMM's
     loops and then, no longer seeing a splat, lowers each vector shift to extract_lane,
     i32.shr_s / i64.shr_s, replace_lane per lane: 280 scalar shifts in the binary, and 8% of
     fashion-cnn's W8A8 pass in a sampled profile (perf, Node). With it the binary has only
     i32x4.shr_s and i64x2.shr_s; the convolutions ran 1–17% faster (Node, alternating). clang 19
     (the relaxed build's) keeps the vector shifts either way. */
  uint32_t sh = (uint32_t)e->shift;
  __asm__ volatile("" : "+r"(sh));
  if (e->shift >= 32) {
    /* (p >> 32) >> (shift − 32): the high words of the four products, then a 32-bit shift. The
       same floor as one 64-bit shift, without i64x2.shr_s, which x86 lacks before AVX-512 (V8
       emulates it in several instructions). */
    r = wasm_i32x4_shr(wasm_i32x4_shuffle(p0, p1, 1, 3, 5, 7), sh - 32u);
  } else {
    p0 = wasm_i64x2_shr(p0, sh);
    p1 = wasm_i64x2_shr(p1, sh);
    r = wasm_i32x4_shuffle(p0, p1, 0, 2, 4, 6);
  }
  r = wasm_i32x4_add(r, e->zp);
  r = wasm_i32x4_min(wasm_i32x4_max(r, e->lo), e->hi);
  v128_t h = wasm_i16x8_narrow_i32x4(r, r);
  v128_t b = wasm_u8x16_narrow_i16x8(h, h);
  uint8_t *out = e->out8 + (uintptr_t)m * e->N + n;
  if (n + 4 <= e->N) {
    wasm_v128_store32_lane(out, b, 0);
    return;
  }
  uint8_t tmp[16];
  wasm_v128_store(tmp, b);
  for (uint32_t i = 0; n + i < e->N; i++) out[i] = tmp[i];
}

/** The requantization's fields of an epilogue (ik_gemm_requant, ik_conv_requant). */
static void requant_epilogue(epilogue_t *e, const int32_t *mult, const int64_t *offs, int32_t shift,
                             int32_t clamp_acc, int32_t zp, int32_t lo, int32_t hi) {
  e->mult = mult, e->offs = offs, e->shift = shift;
  e->lo_clamp_acc = wasm_i32x4_splat(clamp_acc ? -clamp_acc : INT32_MIN);
  e->hi_clamp_acc = wasm_i32x4_splat(clamp_acc ? clamp_acc : INT32_MAX);
  e->zp = wasm_i32x4_splat(zp);
  e->lo = wasm_i32x4_splat(lo);
  e->hi = wasm_i32x4_splat(hi);
}

/** The epilogue a requantizing layer needs: none of finish and clamp when it has no use for them. */
static inline uint32_t requant_flags(const epilogue_t *e, int32_t clamp_acc) {
  return e->bias || e->wzp || clamp_acc ? F_ALL : 0u;
}

/**
 * One quantized layer: out[m][n] = clamp(zp + ((acc[m][n]·mult[n] + offs[n]) >> shift), lo, hi)
 * as uint8 codes, acc as in ik_gemm_acc (bias may be 0 there: see below). mult and offs have Np
 * entries; offs[n] = round(b[n] / s_y · 2^shift) + 2^(shift − 1) carries the float bias at the
 * output's fixed point (finer than TFLite's int32 bias at s_x·s_w, which at 1–2-bit weights,
 * M ≈ 0.03, is up to 1.5% of an output step off) and the rounding. Accumulators are first
 * clamped to ±clamp_acc (chosen by the planner so that clamping never changes an output and the
 * 64-bit sum cannot overflow); clamp_acc 0: not clamped (the planner's promise that no
 * accumulator comes near it). Without bias, zero-points and clamp, the epilogue is the
 * multiply, shift, zero-point and range alone.
 */
void EXPORT(ik_gemm_requant)(const act_t *A, const int32_t *rowsum, uint32_t M, uint32_t Kp,
                             const int8_t *Wp, uint32_t P, const int32_t *wzp, uint32_t N, const int32_t *bias,
                             const int32_t *mult, const int64_t *offs, int32_t shift,
                             int32_t clamp_acc, int32_t zp, int32_t lo, int32_t hi, uint8_t *out) {
  epilogue_t e = {0};
  e.bias = bias, e.wzp = wzp, e.rowsum = rowsum, e.N = N, e.out8 = out;
  requant_epilogue(&e, mult, offs, shift, clamp_acc, zp, lo, hi);
  if (requant_flags(&e, clamp_acc))
    gemm(A, M, Kp, Wp, P, &e, emit_u8, F_ALL);
  else
    gemm(A, M, Kp, Wp, P, &e, emit_u8, 0);
}

/** One image's output rows of ik_conv_requant, from the bordered image pad (flags as in gemm). */
static inline __attribute__((always_inline)) void conv_rows(const act_t *pad, uint32_t M,
                                                            uint32_t OW, uint32_t line_elems,
                                                            uint32_t C, uint32_t KH,
                                                            const uint32_t *taps,
                                                            uint32_t nq, const int8_t *Wq,
                                                            uint32_t P, const epilogue_t *e,
                                                            uint32_t flags, skip_t *st) {
  const uint32_t N = e->N;
  const uintptr_t block = (uintptr_t)8 * nq * ACT_QUANT * PLANES(P); /* bytes of one 8-channel block */
  uint32_t m = 0, oy = 0, ox = 0; /* (oy, ox): output pixel m */
  for (; m + 4 <= M; m += 4) {
    const act_t *r[4];
    for (uint32_t i = 0; i < 4; i++) {
      r[i] = pad + (uintptr_t)oy * line_elems + (uintptr_t)ox * C;
      if (++ox == OW) ox = 0, oy++;
    }
    const int8_t *wb = Wq;
    uint32_t ns = 0;
    const uint32_t *sel = skipping(st, r, 4, taps, nq, &ns);
    for (uint32_t n = 0; n < N; n += 8, wb += block) {
      v128_t acc[4][2];
      if (sel)
        block_4x8(r, taps, sel, ns, wb, P, 0, acc);
      else
        block_4x8_runs(r, KH, nq / KH, line_elems, wb, P, acc);
      for (uint32_t i = 0; i < 4; i++) {
        emit_u8(e, m + i, n, finish(acc[i][0], e, m + i, n, flags), flags);
        if (n + 4 < N) emit_u8(e, m + i, n + 4, finish(acc[i][1], e, m + i, n + 4, flags), flags);
      }
    }
  }
  for (; m < M; m++) {
    const act_t *const r0[1] = {pad + (uintptr_t)oy * line_elems + (uintptr_t)ox * C};
    if (++ox == OW) ox = 0, oy++;
    const int8_t *wb = Wq;
    uint32_t ns = 0;
    const uint32_t *sel = skipping(st, r0, 1, taps, nq, &ns);
    for (uint32_t n = 0; n < N; n += 8, wb += block) {
      v128_t acc[2];
      if (sel)
        block_1x8(r0[0], taps, sel, ns, wb, P, acc);
      else
        block_1x8(r0[0], taps, 0, nq, wb, P, acc);
      emit_u8(e, m, n, finish(acc[0], e, m, n, flags), flags);
      if (n + 4 < N) emit_u8(e, m, n + 4, finish(acc[1], e, m, n + 4, flags), flags);
    }
  }
}

/**
 * One image's output of ik_conv_requant with a 2×2 max pool (stride 2, 'valid') fused: the four
 * rows of each block are the four pixels of one pooling window, their sums (finished: each row's
 * own row-sum term) reduced by i32x4.max, and only the maximum requantized. Exact: the
 * requantization (a non-negative multiplier, a floor, a clamp) never decreases, so the largest
 * sum gives the largest code. A fourth of the epilogues, no pooling pass, and the window's pixels
 * of an odd last row or column are not computed at all.
 */
static inline __attribute__((always_inline)) void conv_pooled(const act_t *pad, uint32_t OW,
                                                              uint32_t PH, uint32_t PW,
                                                              uint32_t line_elems, uint32_t C,
                                                              uint32_t KH, const uint32_t *taps,
                                                              uint32_t nq,
                                                              const int8_t *Wq, uint32_t P,
                                                              const epilogue_t *e, uint32_t flags,
                                                              skip_t *st) {
  const uint32_t N = e->N;
  const uintptr_t block = (uintptr_t)8 * nq * ACT_QUANT * PLANES(P); /* bytes of one 8-channel block */
  for (uint32_t py = 0, pm = 0; py < PH; py++)
    for (uint32_t px = 0; px < PW; px++, pm++) {
      const uint32_t m0 = 2 * py * OW + 2 * px; /* the window's conv pixels m0, m0 + 1, + OW, + OW + 1 */
      const uint32_t ms[4] = {m0, m0 + 1, m0 + OW, m0 + OW + 1};
      const act_t *r0 = pad + (uintptr_t)(2 * py) * line_elems + (uintptr_t)(2 * px) * C;
      const act_t *const r[4] = {r0, r0 + C, r0 + line_elems, r0 + line_elems + C};
      const int8_t *wb = Wq;
      uint32_t ns = 0;
      const uint32_t *sel = skipping(st, r, 4, taps, nq, &ns);
      for (uint32_t n = 0; n < N; n += 8, wb += block) {
        v128_t acc[4][2];
        if (sel)
          block_4x8(r, taps, sel, ns, wb, P, 0, acc);
        else
          block_4x8_runs(r, KH, nq / KH, line_elems, wb, P, acc);
        for (uint32_t h = 0; h < 2 && n + 4 * h < N; h++) {
          const uint32_t c = n + 4 * h;
          v128_t a = wasm_i32x4_max(finish(acc[0][h], e, ms[0], c, flags),
                                    finish(acc[1][h], e, ms[1], c, flags));
          v128_t b = wasm_i32x4_max(finish(acc[2][h], e, ms[2], c, flags),
                                    finish(acc[3][h], e, ms[3], c, flags));
          emit_u8(e, pm, c, wasm_i32x4_max(a, b), flags);
        }
      }
    }
}

/**
 * A stride-1 convolution over NHWC uint8 codes as an implicit GEMM, requantized as
 * ik_gemm_requant does (the same epilogue, the same results as ik_im2col + ik_gemm_requant). No
 * im2col: each image goes into a bordered copy as ik_im2col makes it, and the GEMM reads a row's
 * quads (SIMD128: pairs) of k straight from it, at the window's top-left + taps[q]. For that the
 * planner lays k out with each of the KH runs of KW·C values padded to a whole number of quads
 * (shared/plan.ts, convTaps), and gives the padding taps zero weight in every plane, so that the
 * bytes they read past a run (the next pixels, or the copy's slack) add nothing; the row sums come
 * from the box filter over the real taps. A block that runs every step (no zeros to skip) runs
 * its loop once per run instead (block_4x8_runs): the same addresses, counted from the run's
 * start rather than read from taps, which took the CNNs' second convolution from 98–124 ms to 77–95 ms on mnist-cnn's 2,000
 * test images (W8A8, Node, three alternating runs each). nq = Kp / 4 (relaxed) or Kp / 2 (SIMD128); rows is
 * nonzero when the weights have zero-points (relaxed SIMD's planes: always; its signed form, P 0,
 * never: the bordered copy then holds the raw codes). pool: a 2×2 max pool follows, fused
 * (conv_pooled): out is then [B][OH/2][OW/2][N], as ik_maxpool2 of the unfused output.
 */
void EXPORT(ik_conv_requant)(const uint8_t *x, uint32_t B, uint32_t H, uint32_t W, uint32_t C,
                             uint32_t KH, uint32_t KW, int32_t padT, int32_t padL, uint32_t OH,
                             uint32_t OW, int32_t zx, const uint32_t *taps, uint32_t nq,
                             uint32_t rows, const int8_t *Wq, uint32_t P, const int32_t *wzp,
                             uint32_t N, const int32_t *bias, const int32_t *mult,
                             const int64_t *offs, int32_t shift, int32_t clamp_acc, int32_t zp,
                             int32_t lo, int32_t hi, uint32_t pool, uint8_t *out) {
  const uint32_t Hp = OH + KH - 1, Wp = OW + KW - 1, M = OH * OW;
  const uint32_t PH = OH / 2, PW = OW / 2, outRows = pool ? PH * PW : M;
  const uint32_t raw = P == P_SIGNED;
  const uint32_t mark = ik_mark();
  const uint32_t padElems = Hp * Wp * C + 2 * ACT_BLOCK; /* the slack the padding taps read */
  act_t *pad = (act_t *)ik_alloc(padElems * sizeof(act_t));
  int32_t *pix = rows ? (int32_t *)ik_alloc(Hp * Wp * sizeof(int32_t)) : 0;
  int32_t *line = rows ? (int32_t *)ik_alloc(Hp * OW * sizeof(int32_t)) : 0;
  int32_t *rowsum = rows ? (int32_t *)ik_alloc(M * sizeof(int32_t)) : 0;
  const act_t zero = act_of_zero(zx, raw);
  for (uint32_t i = 0; i < padElems; i++) pad[i] = zero; /* the border stays; the inside is rewritten */
  epilogue_t e = {0};
  e.bias = bias, e.wzp = wzp, e.rowsum = rowsum, e.N = N;
  requant_epilogue(&e, mult, offs, shift, clamp_acc, zp, lo, hi);
  const uint32_t flags = requant_flags(&e, clamp_acc);
  const uint32_t line_elems = Wp * C;
  skip_t st = {0, 0, 0};
  for (uint32_t b = 0; b < B; b++) {
    const uint8_t *img = x + (uintptr_t)b * H * W * C;
    for (uint32_t y = 0; y < H; y++)
      widen(img + (uintptr_t)y * W * C, W * C, (int16_t)zx, raw,
            pad + (((uintptr_t)y + padT) * Wp + padL) * C);
    if (rows) {
      box_lines(pad, Hp, Wp, C, KW, OW, pix, line);
      for (uint32_t oy = 0, m = 0; oy < OH; oy++)
        for (uint32_t ox = 0; ox < OW; ox++, m++) {
          int32_t s = 0;
          for (uint32_t ky = 0; ky < KH; ky++) s += line[(oy + ky) * OW + ox];
          rowsum[m] = s;
        }
    }
    e.out8 = out + (uintptr_t)b * outRows * N;
    if (pool) {
      if (flags)
        conv_pooled(pad, OW, PH, PW, line_elems, C, KH, taps, nq, Wq, P, &e, F_ALL, &st);
      else
        conv_pooled(pad, OW, PH, PW, line_elems, C, KH, taps, nq, Wq, P, &e, 0, &st);
    } else if (flags)
      conv_rows(pad, M, OW, line_elems, C, KH, taps, nq, Wq, P, &e, F_ALL, &st);
    else
      conv_rows(pad, M, OW, line_elems, C, KH, taps, nq, Wq, P, &e, 0, &st);
  }
  ik_release(mark);
}

#ifndef __wasm_relaxed_simd__
/* ------------------------------------------------------------------------------------------ */
/* Winograd F(2×2, 5×5): a 5×5 convolution with 2.8× fewer multiplies, exactly (SIMD128)      */
/* ------------------------------------------------------------------------------------------ */

/*
 * Each 2×2 block of outputs (a tile) comes from its 6×6 window d of inputs (u − z_x) and a
 * channel's 5×5 weights g as
 *
 *   576 · Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A        (Winograd's minimal filtering, points 0, ±1, ±2, ∞)
 *
 * with the integer matrices below (G's rows and Aᵀ scaled by 24 each way: 576 = 24²). Summed over
 * the input channels, the middle product is 36 GEMMs, one per position of the 6×6 transform, each
 * of K = C: 36·C multiplies per output channel and tile where the direct convolution does
 * 4·25·C = 100·C. Everything is integer and wraps modulo 2³²: the transformed inputs Bᵀ d B fit
 * int16 (|·| ≤ 10·10·255 = 25,500), the transformed weights G g Gᵀ fit int16 (|·| ≤ 31·5·128)
 * except at the four positions that take G's ±2 rows twice (|·| ≤ 31·31·128): there the weights
 * are split as g = 16·g_hi + g_lo (g_hi = g >> 4, g_lo = g & 15), each transformed on its own
 * (|·| ≤ 961·15), in two GEMMs whose sums recombine as 16·M_hi + M_lo. The sums may wrap; the
 * output transform gives 576·Y modulo 2³², times 9⁻¹ modulo 2³² gives 64·Y modulo 2³², which is
 * 64·Y itself as long as |Y| < 2²⁵ (the planner takes this path only for K·255·128 < 2²⁵), and an
 * arithmetic shift by 6 gives Y: the direct convolution's accumulator, bit for bit. The planner
 * (shared/plan.ts winogradWeights) transforms and packs the weights; the tile's inputs are
 * transformed here.
 */
#define WINO_INV9 954437177u /* 9 · 954437177 ≡ 1 (mod 2³²) */
/* Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
   and Aᵀ = [6 −4 −4 1 1 0; 0 −4 4 2 −2 24], written out in wino_bt and wino_at; G in plan.ts. */

/** Bᵀ v for six vectors of int16 (one column or row of a window), written out straight. */
static inline __attribute__((always_inline)) void wino_bt(const v128_t v[6], v128_t o[6]) {
  const v128_t c = wasm_i16x8_sub(v[4], v[2]);                        /* d4 − d2 */
  const v128_t a = wasm_i16x8_sub(v[4], wasm_i16x8_shl(v[2], 2));     /* d4 − 4·d2 */
  const v128_t b = wasm_i16x8_sub(wasm_i16x8_shl(v[1], 2), v[3]);     /* 4·d1 − d3 */
  const v128_t d13 = wasm_i16x8_sub(v[1], v[3]);                      /* d1 − d3 */
  const v128_t e = wasm_i16x8_shl(d13, 1);                            /* 2·d1 − 2·d3 */
  o[0] = wasm_i16x8_add(wasm_i16x8_shl(wasm_i16x8_sub(v[0], v[2]), 2), c); /* 4d0 − 5d2 + d4 */
  o[1] = wasm_i16x8_sub(a, b);                                        /* −4d1 − 4d2 + d3 + d4 */
  o[2] = wasm_i16x8_add(a, b);                                        /* 4d1 − 4d2 − d3 + d4 */
  o[3] = wasm_i16x8_sub(c, e);                                        /* −2d1 − d2 + 2d3 + d4 */
  o[4] = wasm_i16x8_add(c, e);                                        /* 2d1 − d2 − 2d3 + d4 */
  o[5] = wasm_i16x8_add(wasm_i16x8_shl(d13, 2), wasm_i16x8_sub(v[5], v[3])); /* 4d1 − 5d3 + d5 */
}

/** Aᵀ m for six vectors of int32 (wrapping): the two outputs. */
static inline __attribute__((always_inline)) void wino_at(const v128_t m[6], v128_t *y0,
                                                          v128_t *y1) {
  const v128_t m0 = m[0], m5 = m[5];
  /* 6·m0 − 4·(m1 + m2) + (m3 + m4) */
  *y0 = wasm_i32x4_add(wasm_i32x4_sub(wasm_i32x4_add(wasm_i32x4_shl(m0, 2), wasm_i32x4_shl(m0, 1)),
                                      wasm_i32x4_shl(wasm_i32x4_add(m[1], m[2]), 2)),
                       wasm_i32x4_add(m[3], m[4]));
  /* 4·(m2 − m1) + 2·(m3 − m4) + 24·m5 */
  *y1 = wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_shl(wasm_i32x4_sub(m[2], m[1]), 2),
                                      wasm_i32x4_shl(wasm_i32x4_sub(m[3], m[4]), 1)),
                       wasm_i32x4_add(wasm_i32x4_shl(m5, 4), wasm_i32x4_shl(m5, 3)));
}

/**
 * The transformed inputs of one tile, x̂[p][c] for the 36 positions p (stride `pstride` int16
 * between positions), from the 6×6 window at (iy, ix) of image img (H × W × C codes, z_x = zx;
 * outside the image: a real 0). C is a multiple of 8. rs, when not 0, gets the window's 36 sums
 * over the channels of u − z_x (for the row sums of weights with zero-points).
 */
static inline __attribute__((always_inline)) void wino_in(const uint8_t *img, uint32_t H,
                                                          uint32_t W, uint32_t C, int32_t iy,
                                                          int32_t ix, int16_t zx, int16_t *xh,
                                                          uint32_t pstride, int32_t *rs) {
  if (rs)
    for (uint32_t i = 0; i < 36; i++) rs[i] = 0;
  const v128_t z = wasm_i16x8_splat(zx);
  const uint32_t inside = iy >= 0 && ix >= 0 && iy + 6 <= (int32_t)H && ix + 6 <= (int32_t)W;
  for (uint32_t c = 0; c < C; c += 8) {
    v128_t t[6][6]; /* t[i][s] = (Bᵀ d)[i][s] */
#pragma clang loop unroll(full)
    for (uint32_t s = 0; s < 6; s++) {
      v128_t col[6], o[6];
#pragma clang loop unroll(full)
      for (uint32_t r = 0; r < 6; r++) {
        const int32_t y = iy + (int32_t)r, x = ix + (int32_t)s;
        if (inside || (y >= 0 && x >= 0 && y < (int32_t)H && x < (int32_t)W))
          col[r] = wasm_i16x8_sub(
              wasm_u16x8_load8x8(img + ((uintptr_t)y * W + (uintptr_t)x) * C + c), z);
        else
          col[r] = wasm_i16x8_splat(0);
        if (rs) {
          v128_t v = wasm_i32x4_extadd_pairwise_i16x8(col[r]);
          rs[r * 6 + s] += wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) +
                           wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3);
        }
      }
      wino_bt(col, o);
#pragma clang loop unroll(full)
      for (uint32_t i = 0; i < 6; i++) t[i][s] = o[i];
    }
#pragma clang loop unroll(full)
    for (uint32_t i = 0; i < 6; i++) { /* x̂[i][·] = Bᵀ t[i][·] */
      v128_t o[6];
      wino_bt(t[i], o);
#pragma clang loop unroll(full)
      for (uint32_t j = 0; j < 6; j++) wasm_v128_store(xh + (uintptr_t)(i * 6 + j) * pstride + c, o[j]);
    }
  }
}

/**
 * Four tiles' rows (x̂ at one position, C int16 each) × eight channels of one weight plane
 * ([pair][n0k0 n0k1 … n7k0 n7k1] int16): tile r's sums of channels 0..3 stored at m + r·ms, of
 * channels 4..7 at m + r·ms + hs (int32).
 */
static inline __attribute__((always_inline)) void wino_block(const int16_t *x, uint32_t C,
                                                             const int16_t *w, int32_t *m,
                                                             uint32_t ms, uint32_t hs) {
  const v128_t zero = wasm_i32x4_splat(0);
  v128_t c00 = zero, c01 = zero, c10 = zero, c11 = zero;
  v128_t c20 = zero, c21 = zero, c30 = zero, c31 = zero;
  const int16_t *x0 = x, *x1 = x + C, *x2 = x + 2 * C, *x3 = x + 3 * C;
  for (uint32_t k = 0; k < C; k += 2, w += 16) {
    v128_t wl = wasm_v128_load(w);
    v128_t wh = wasm_v128_load(w + 8);
    v128_t a0 = wasm_v128_load32_splat(x0 + k);
    v128_t a1 = wasm_v128_load32_splat(x1 + k);
    DOT_2x8(c00, c01, c10, c11, a0, a1, wl, wh);
    v128_t a2 = wasm_v128_load32_splat(x2 + k);
    v128_t a3 = wasm_v128_load32_splat(x3 + k);
    DOT_2x8(c20, c21, c30, c31, a2, a3, wl, wh);
  }
  wasm_v128_store(m, c00), wasm_v128_store(m + hs, c01);
  wasm_v128_store(m + ms, c10), wasm_v128_store(m + ms + hs, c11);
  wasm_v128_store(m + 2 * ms, c20), wasm_v128_store(m + 2 * ms + hs, c21);
  wasm_v128_store(m + 3 * ms, c30), wasm_v128_store(m + 3 * ms + hs, c31);
}

/**
 * A stride-1 5×5 convolution over NHWC uint8 codes through Winograd F(2×2, 5×5) (above),
 * requantized as ik_conv_requant does, with the same results: OH and OW even (whole tiles), C a
 * multiple of 8, K = 25·C with K·255·128 < 2²⁵. Wh: the planner's transformed weights, NP planes
 * of Np/8 blocks × C/2 pairs × 16 int16 (winogradWeights): the 36 positions, then one more plane
 * for each position that split[p] marks (its g_lo; the position's own plane holds g_hi). wzp, bias
 * and the requantization as in ik_conv_requant (SIMD128's form: no planes, no signed form). pool:
 * each tile is a 2×2 max pool's window, fused as in conv_pooled. Tiles run four at a time across
 * the images of the call, the last block padded with zero tiles whose outputs are dropped.
 */
void EXPORT(ik_conv_wino)(const uint8_t *x, uint32_t B, uint32_t H, uint32_t W, uint32_t C,
                          int32_t padT, int32_t padL, uint32_t OH, uint32_t OW, int32_t zx,
                          const int16_t *Wh, uint32_t NP, const uint8_t *split,
                          const int32_t *wzp, uint32_t N, const int32_t *bias,
                          const int32_t *mult, const int64_t *offs, int32_t shift,
                          int32_t clamp_acc, int32_t zp, int32_t lo, int32_t hi, uint32_t pool,
                          uint8_t *out) {
  const uint32_t TH = OH / 2, TW = OW / 2, T = TH * TW, all = B * T;
  const uint32_t Np = (N + 7) & ~7u, NV = Np / 4, outRows = pool ? T : OH * OW;
  const uint32_t mark = ik_mark();
  /* x̂ of four tiles, [36][4][C]; their sums by tile and vector of four channels, [4][NV][NP]
     (the 36 positions, then the g_lo planes), so that each output transform reads 36 vectors in
     a row */
  int16_t *xh = (int16_t *)ik_alloc(36u * 4u * C * sizeof(int16_t));
  int32_t *msum = (int32_t *)ik_alloc(4u * NV * NP * 4u * sizeof(int32_t));
  /* each plane's position, and each g_lo plane's g_hi position (at most 36 + 36 planes) */
  uint32_t xpos[72], hi_of[72];
  if (NP > 72) NP = 72;
  for (uint32_t p = 0, extra = 36; p < 36; p++) {
    xpos[p] = p;
    if (split[p] && extra < NP) xpos[extra] = p, hi_of[extra++] = p;
  }
  epilogue_t e = {0};
  e.bias = bias, e.wzp = wzp, e.N = N, e.out8 = out;
  requant_epilogue(&e, mult, offs, shift, clamp_acc, zp, lo, hi);
  const v128_t inv9 = wasm_i32x4_splat((int32_t)WINO_INV9);
  const uintptr_t plane = (uintptr_t)Np * C; /* int16 per weight plane */
  const uint32_t rec = NP * 4u;               /* int32 per (tile, vector) record of sums */
  int32_t rs[4][36];
  uint32_t tb[4], ty[4], tx[4];
  for (uint32_t t0 = 0; t0 < all; t0 += 4) {
    const uint32_t nt = all - t0 < 4 ? all - t0 : 4;
    for (uint32_t i = 0; i < 4; i++) {
      if (i >= nt) {
        for (uint32_t p = 0; p < 36; p++)
          for (uint32_t c = 0; c < C; c++) xh[(p * 4 + i) * C + c] = 0;
        continue;
      }
      const uint32_t t = t0 + i, in = t % T;
      tb[i] = t / T, ty[i] = in / TW, tx[i] = in % TW;
      wino_in(x + (uintptr_t)tb[i] * H * W * C, H, W, C, 2 * (int32_t)ty[i] - padT,
              2 * (int32_t)tx[i] - padL, (int16_t)zx, xh + i * C, 4 * C, wzp ? rs[i] : 0);
    }
    for (uint32_t p = 0; p < NP; p++) {
      const int16_t *xp = xh + (uintptr_t)xpos[p] * 4 * C;
      const int16_t *wp = Wh + p * plane;
      for (uint32_t n = 0; n < Np; n += 8, wp += 8 * C)
        wino_block(xp, C, wp, msum + ((uintptr_t)(n / 4) * NP + p) * 4, NV * rec, rec);
    }
    for (uint32_t i = 0; i < nt; i++) {
      int32_t rsum[4] = {0, 0, 0, 0}; /* the four outputs' windows: sums of u − z_x */
      if (wzp)
        for (uint32_t o = 0; o < 4; o++)
          for (uint32_t r = 0; r < 5; r++)
            for (uint32_t s = 0; s < 5; s++) rsum[o] += rs[i][(r + o / 2) * 6 + s + o % 2];
      const uint32_t m0 = (tb[i] * OH + 2 * ty[i]) * OW + 2 * tx[i];
      for (uint32_t n = 0; n < N; n += 4) {
        int32_t *mr = msum + ((uintptr_t)i * NV + n / 4) * rec;
        for (uint32_t p = 36; p < NP; p++) /* 16·M_hi + M_lo at the split positions */
          wasm_v128_store(mr + 4 * hi_of[p], wasm_i32x4_add(wasm_i32x4_shl(wasm_v128_load(mr + 4 * hi_of[p]), 4),
                                                            wasm_v128_load(mr + 4 * p)));
        v128_t u0[6], u1[6]; /* (Aᵀ M)[0..1][s] */
#pragma clang loop unroll(full)
        for (uint32_t s = 0; s < 6; s++) {
          v128_t col[6];
#pragma clang loop unroll(full)
          for (uint32_t r = 0; r < 6; r++) col[r] = wasm_v128_load(mr + 4 * (r * 6 + s));
          wino_at(col, &u0[s], &u1[s]);
        }
        v128_t y[2][2];
        wino_at(u0, &y[0][0], &y[0][1]);
        wino_at(u1, &y[1][0], &y[1][1]);
        v128_t acc[4];
        for (uint32_t o = 0; o < 4; o++) {
          /* 576·Y → 64·Y (times 9⁻¹ modulo 2³²) → Y */
          v128_t v = wasm_i32x4_shr(wasm_i32x4_mul(y[o / 2][o % 2], inv9), 6);
          if (bias) v = wasm_i32x4_add(v, wasm_v128_load(bias + n));
          if (wzp) v = wasm_i32x4_sub(v, wasm_i32x4_mul(wasm_v128_load(wzp + n), wasm_i32x4_splat(rsum[o])));
          acc[o] = v;
        }
        if (pool) {
          v128_t v = wasm_i32x4_max(wasm_i32x4_max(acc[0], acc[1]), wasm_i32x4_max(acc[2], acc[3]));
          emit_u8(&e, tb[i] * outRows + ty[i] * TW + tx[i], n, v, F_CLAMP);
        } else
          for (uint32_t o = 0; o < 4; o++) emit_u8(&e, m0 + (o / 2) * OW + o % 2, n, acc[o], F_CLAMP);
      }
    }
  }
  ik_release(mark);
}
#endif

static inline __attribute__((always_inline)) void emit_f32(const epilogue_t *e, uint32_t m, uint32_t n, v128_t acc,
                                                           uint32_t flags) {
  (void)flags;
  v128_t f = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc), wasm_v128_load(e->scale + n));
  if (e->fbias) f = wasm_f32x4_add(f, wasm_v128_load(e->fbias + n));
  float *out = e->outf + (uintptr_t)m * e->N + n;
  if (n + 4 <= e->N) {
    wasm_v128_store(out, f);
    return;
  }
  float tmp[4];
  wasm_v128_store(tmp, f);
  for (uint32_t i = 0; n + i < e->N; i++) out[i] = tmp[i];
}

/**
 * The last layer: float32 logits out[m][n] = scale[n] · acc[m][n] + fbias[n] (acc as in
 * ik_gemm_acc; the float bias, if any, added after scaling as the float path adds it).
 */
void EXPORT(ik_gemm_dequant)(const act_t *A, const int32_t *rowsum, uint32_t M, uint32_t Kp,
                             const int8_t *Wp, uint32_t P, const int32_t *wzp, uint32_t N, const int32_t *bias,
                             const float *scale, const float *fbias, float *out) {
  epilogue_t e = {0};
  e.bias = bias, e.wzp = wzp, e.rowsum = rowsum, e.N = N;
  e.scale = scale, e.fbias = fbias, e.outf = out;
  gemm(A, M, Kp, Wp, P, &e, emit_f32, F_FINISH);
}

/* ------------------------------------------------------------------------------------------ */
/* Pooling                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** 2×2 max pooling, stride 2, 'valid' (odd edges dropped), NHWC uint8 codes. */
void EXPORT(ik_maxpool2)(const uint8_t *x, uint32_t B, uint32_t H, uint32_t W, uint32_t C,
                         uint8_t *out) {
  const uint32_t OH = H / 2, OW = W / 2;
  for (uint32_t b = 0; b < B; b++) {
    const uint8_t *img = x + (uintptr_t)b * H * W * C;
    for (uint32_t oy = 0; oy < OH; oy++) {
      const uint8_t *r0 = img + (uintptr_t)(2 * oy) * W * C;
      const uint8_t *r1 = r0 + (uintptr_t)W * C;
      for (uint32_t ox = 0; ox < OW; ox++) {
        const uint8_t *p00 = r0 + (uintptr_t)(2 * ox) * C, *p01 = p00 + C;
        const uint8_t *p10 = r1 + (uintptr_t)(2 * ox) * C, *p11 = p10 + C;
        uint32_t c = 0;
        for (; c + 16 <= C; c += 16) {
          v128_t v = wasm_u8x16_max(wasm_u8x16_max(wasm_v128_load(p00 + c), wasm_v128_load(p01 + c)),
                                    wasm_u8x16_max(wasm_v128_load(p10 + c), wasm_v128_load(p11 + c)));
          wasm_v128_store(out + c, v);
        }
        for (; c < C; c++) {
          uint8_t a = p00[c] > p01[c] ? p00[c] : p01[c];
          uint8_t b2 = p10[c] > p11[c] ? p10[c] : p11[c];
          out[c] = a > b2 ? a : b2;
        }
        out += C;
      }
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Float32: convolutions and dense layers (the float path's, not the integer path's)            */
/* ------------------------------------------------------------------------------------------ */

/*
 * Not integer arithmetic: the float32 path's convolutions and dense layers, which run faster here
 * than on tfjs's wasm backend (XNNPACK), measured in Node on one thread (floatKernels.ts gives the
 * figures): a convolution with one input channel, whose inner products are only KH·KW long, at
 * about twice XNNPACK's rate, wider ones and dense layers at about 1.3 times. Each takes two
 * output pixels (or rows) by 16 filters (or columns) at a time: eight accumulators, four weight
 * vectors per step. The sums are formed in XNNPACK's order (the bias first, then each product,
 * rounded, added in order: a convolution's taps in row-major kernel order, each tap's input
 * channels in order, a padded tap adding 0·w; a dense layer's k in order) with no fused
 * multiply-add, so the output equals tfjs's to the bit (tested against tfjs's FusedConv2D and
 * _FusedMatMul in src/features/model/worker/kernels/floatKernels.test.ts).
 */
#pragma STDC FP_CONTRACT OFF

/** acc[j] += x · w[j] for four vectors of filters: each product rounded, then added. */
static inline __attribute__((always_inline)) void fmac16(v128_t acc[4], v128_t x,
                                                         const v128_t w[4]) {
  for (uint32_t j = 0; j < 4; j++) acc[j] = wasm_f32x4_add(acc[j], wasm_f32x4_mul(x, w[j]));
}

/** The 16 filters' weights of one tap. */
static inline __attribute__((always_inline)) void fload16(const float *k, v128_t w[4]) {
  for (uint32_t j = 0; j < 4; j++) w[j] = wasm_v128_load(k + 4 * j);
}

/** Stores 16 sums at o, ReLU'd (max(+0, x), as tfjs) when `relu`. */
static inline __attribute__((always_inline)) void fstore16(float *o, v128_t acc[4],
                                                           uint32_t relu) {
  const v128_t z = wasm_f32x4_const_splat(0.0f);
  for (uint32_t j = 0; j < 4; j++) wasm_v128_store(o + 4 * j, relu ? wasm_f32x4_pmax(z, acc[j]) : acc[j]);
}

/**
 * The 2×2 max pool of 16 filters' ReLU outputs t: pixels (0, 0), (0, 1), (1, 0), (1, 1) at
 * t, t + 16, t + 32, t + 48, into out.
 */
static inline __attribute__((always_inline)) void fpool16(const float *t, float *out) {
  for (uint32_t j = 0; j < 16; j += 4) {
    const v128_t top = wasm_f32x4_pmax(wasm_v128_load(t + j), wasm_v128_load(t + 16 + j));
    const v128_t bottom = wasm_f32x4_pmax(wasm_v128_load(t + 32 + j), wasm_v128_load(t + 48 + j));
    wasm_v128_store(out + j, wasm_f32x4_pmax(top, bottom));
  }
}

static inline __attribute__((always_inline)) void fconv_px(const float *r, uint32_t Wp,
                                                           const float *k, const float *bias,
                                                           uint32_t N, uint32_t KH, uint32_t KW,
                                                           uint32_t C, uint32_t two,
                                                           uint32_t relu, float *o) {
  v128_t a[4], b[4], w[4];
  fload16(bias, a);
  fload16(bias, b);
  const float *kk = k;
  for (uint32_t ky = 0; ky < KH; ky++) {
    const float *row = r + (uintptr_t)ky * Wp * C;
    for (uint32_t t = 0; t < KW * C; t++, kk += 16) {
      fload16(kk, w);
      fmac16(a, wasm_v128_load32_splat(row + t), w);
      if (two) fmac16(b, wasm_v128_load32_splat(row + t + C), w);
    }
  }
  fstore16(o, a, relu);
  if (two) fstore16(o + N, b, relu);
}

/**
 * One bordered image's convolution with ReLU and a 2×2 max pool (stride 2, 'valid') fused: each
 * pooled pixel is the maximum of its window's four ReLU outputs, each summed as fconv_px sums
 * it, so the result is tfjs's MaxPool of tfjs's FusedConv2D output to the bit (the four values
 * are ≥ +0 and not NaN after the ReLU, where any maximum is the same number). A fourth of the
 * output written, no pooling pass, and an odd last row or column of the convolution not
 * computed at all, as the pool leaves it out.
 */
static inline __attribute__((always_inline)) void fconv_pooled(const float *pad, uint32_t Wp,
                                                               const float *kp, const float *bias,
                                                               uint32_t N, uint32_t KH,
                                                               uint32_t KW, uint32_t C,
                                                               uint32_t OH, uint32_t OW,
                                                               float *o) {
  const uint32_t PH = OH / 2, PW = OW / 2, taps = KH * KW * C;
  for (uint32_t c = 0; c < N; c += 16) {
    const float *kc = kp + (uintptr_t)c * taps;
    for (uint32_t py = 0; py < PH; py++) {
      const float *r = pad + (uintptr_t)(2 * py) * Wp * C;
      float *orow = o + (uintptr_t)py * PW * N + c;
      for (uint32_t px = 0; px < PW; px++) {
        float t[64]; /* the window's pixels (0, 0), (0, 1), (1, 0), (1, 1) by 16 filters */
        fconv_px(r + (uintptr_t)(2 * px) * C, Wp, kc, bias + c, 16, KH, KW, C, 1, 1, t);
        fconv_px(r + ((uintptr_t)Wp + 2 * px) * C, Wp, kc, bias + c, 16, KH, KW, C, 1, 1, t + 32);
        fpool16(t, orow + (uintptr_t)px * N);
      }
    }
  }
}

/*
 * The convolution skips zeros too (see "Skipping zeros in the float path" below for why that is
 * exact where fzero_safe holds): each pair of output pixels runs over the inputs of its windows
 * that are not ±0 in both, in the same order and with the same products as fconv_px, so the same
 * bits. The lists cost little because they are made once per image, not per window: for each row
 * of the bordered image, the positions i where the input at i or at i + C (the same tap of the
 * pair's second window) is not ±0, ascending, and for each pixel column how many of them lie
 * before it, so that a pair's inputs on one row of its windows are one run of that row's list.
 * Reading each input through the list costs about a sixth more per input run, and a run that
 * ends at an unpredictable length costs a branch miss: an image runs over its lists when they
 * leave out at least an eighth of its inputs, or half where the runs are short (fewer than four
 * channels: KW·C inputs a row). Measured in Node, one thread, the shipped CNNs on 1,000 test
 * images each, pooled as the app runs them, against the build before (two runs, medians of 9):
 * the second convolution (16 channels) 75–76 → 70–71 ms on Fashion-MNIST (26% of its pairs'
 * inputs are 0 in both; 53% at 2-bit weights) and 75–76 → 66–68 ms on MNIST; the first (one
 * channel) 21–23 → 14–15 ms on MNIST (78% of its pairs' taps 0), while Fashion-MNIST's first
 * (46% left out, in runs of two or three) was no faster over lists and stays dense.
 */
#define FPAIRS_PAY(listed, all, C) ((C) >= 4 ? (listed) * 8u <= (all) * 7u : (listed) * 2u <= (all))
static uint32_t fzero_safe(const float *w, uint32_t nw, const float *bias, uint32_t nb);

/**
 * Pair lists of a bordered image pad [Hp][Wp][C]: for each row y, the positions i < Wp·C where
 * pad[y][i] or pad[y][i + C] (within the row) is not ±0, ascending, at rl + y·Wp·C (rl has room
 * for four more after the last row), and for each pixel column x ≤ Wp how many of them lie
 * before x·C, at rc + y·(Wp + 1).
 */
static uint32_t fpair_lists(const float *pad, uint32_t Hp, uint32_t Wp, uint32_t C, uint32_t *rl,
                            uint32_t *rc) {
  const uint32_t WC = Wp * C;
  uint32_t listed = 0;
  for (uint32_t y = 0; y < Hp; y++) {
    const float *row = pad + (uintptr_t)y * WC;
    uint32_t *l = rl + (uintptr_t)y * WC, *cnt = rc + (uintptr_t)y * (Wp + 1);
    uint32_t ns = 0;
    if (C % 4 == 0) {
      for (uint32_t x = 0; x < Wp; x++) {
        cnt[x] = ns;
        for (uint32_t i = x * C; i < (x + 1) * C; i += 4) {
          v128_t v = wasm_v128_load(row + i);
          if (x + 1 < Wp) v = wasm_v128_or(v, wasm_v128_load(row + i + C));
          /* The sign bit aside (±0 alike), as flist. */
          v = wasm_i32x4_shl(v, 1);
          const uint32_t m = wasm_i32x4_bitmask(wasm_i32x4_ne(v, wasm_i32x4_splat(0)));
          l[ns] = i, ns += m & 1;
          l[ns] = i + 1, ns += (m >> 1) & 1;
          l[ns] = i + 2, ns += (m >> 2) & 1;
          l[ns] = i + 3, ns += m >> 3;
        }
      }
    } else {
      for (uint32_t i = 0; i < WC; i++) {
        if (i % C == 0) cnt[i / C] = ns;
        uint32_t u, v = 0;
        __builtin_memcpy(&u, row + i, 4);
        if (i + C < WC) __builtin_memcpy(&v, row + i + C, 4);
        l[ns] = i;
        ns += ((u | v) << 1) != 0;
      }
    }
    cnt[Wp] = ns;
    listed += ns;
  }
  return FPAIRS_PAY(listed, Hp * WC, C);
}

/** As fconv_px (two pixels, (oy, ox) and (oy, ox + 1), by 16 filters) over the pair lists. */
static inline __attribute__((always_inline)) void fconv_px2l(const float *pad, uint32_t Wp,
                                                             uint32_t C, uint32_t KH,
                                                             uint32_t KW, const uint32_t *rl,
                                                             const uint32_t *rc,
                                                             const float *k16, const float *bias,
                                                             uint32_t oy, uint32_t ox, uint32_t N,
                                                             uint32_t relu, float *o) {
  v128_t a[4], b[4], w[4];
  fload16(bias, a);
  fload16(bias, b);
  const uint32_t WC = Wp * C, KWC = KW * C;
  for (uint32_t ky = 0; ky < KH; ky++) {
    const uint32_t y = oy + ky;
    const uint32_t *cnt = rc + (uintptr_t)y * (Wp + 1), *l = rl + (uintptr_t)y * WC;
    const float *row = pad + (uintptr_t)y * WC;
    /* Input i of this row is tap ky·KW·C + (i − ox·C) of the kernel (wrapping, exact in the end). */
    const uint32_t base = ky * KWC - ox * C;
    for (uint32_t j = cnt[ox], end = cnt[ox + KW]; j < end; j++) {
      const uint32_t i = l[j];
      fload16(k16 + (uintptr_t)((base + i) * 16u), w);
      fmac16(a, wasm_v128_load32_splat(row + i), w);
      fmac16(b, wasm_v128_load32_splat(row + i + C), w);
    }
  }
  fstore16(o, a, relu);
  fstore16(o + N, b, relu);
}

/**
 * One bordered image's convolution over its pair lists (fpair_lists: rl, rc), the kernel kp as
 * ik_fconv packs it; with `pool` (ReLU only) its 2×2 max pool, fused as in fconv_pooled, into
 * o [OH/2][OW/2][N], else o [OH][OW][N].
 */
static void fconv_listed(const uint32_t *rl, const uint32_t *rc, const float *pad, uint32_t Wp,
                         const float *kp, const float *bias, uint32_t N, uint32_t KH, uint32_t KW,
                         uint32_t C, uint32_t OH, uint32_t OW, uint32_t relu, uint32_t pool,
                         float *o) {
  const uint32_t taps = KH * KW * C;
  for (uint32_t c = 0; c < N; c += 16) {
    const float *kc = kp + (uintptr_t)c * taps;
    if (pool) {
      const uint32_t PH = OH / 2, PW = OW / 2;
      for (uint32_t py = 0; py < PH; py++)
        for (uint32_t px = 0; px < PW; px++) {
          float t[64]; /* the window's pixels (0, 0), (0, 1), (1, 0), (1, 1) by 16 filters */
          fconv_px2l(pad, Wp, C, KH, KW, rl, rc, kc, bias + c, 2 * py, 2 * px, 16, 1, t);
          fconv_px2l(pad, Wp, C, KH, KW, rl, rc, kc, bias + c, 2 * py + 1, 2 * px, 16, 1, t + 32);
          fpool16(t, o + ((uintptr_t)py * PW + px) * N + c);
        }
      continue;
    }
    for (uint32_t oy = 0; oy < OH; oy++) {
      float *orow = o + (uintptr_t)oy * OW * N + c;
      uint32_t ox = 0;
      for (; ox + 2 <= OW; ox += 2)
        fconv_px2l(pad, Wp, C, KH, KW, rl, rc, kc, bias + c, oy, ox, N, relu, orow + (uintptr_t)ox * N);
      if (ox < OW) {
        /* The last pixel alone: the pair's second sums are dropped. */
        float t[32];
        fconv_px2l(pad, Wp, C, KH, KW, rl, rc, kc, bias + c, oy, ox, 16, relu, t);
        __builtin_memcpy(orow + (uintptr_t)ox * N, t, 16 * sizeof(float));
      }
    }
  }
}

/*
 * Leaving out zero weights. Quantized to few bits, most weights are 0 (per tensor, symmetric: at
 * 3 bits 68–71% of the shipped CNNs' second convolution's weights, at 2 bits all of them), and
 * their products need no multiply or add: for the same reason as a zero input's (see "Skipping
 * zeros in the float path" below), a product x·0 is ±0 when x is finite, so where no bias is −0,
 * every weight is finite (fzero_safe) and every input is finite (ffinite), leaving them out gives
 * every sum to the bit. The pair kernels above take 16 filters at a time, so they could leave out
 * a tap only where all 16 weights are 0; here the four lanes of a vector are four images instead:
 * for each filter, the list of its nonzero weights in the sums' order (each with its input's
 * offset), and for each run of up to FW_MAX_R output pixels of one row (one accumulator each;
 * with more, V8 spills them: runs of 8 took 40% longer than runs of 5), each listed weight
 * splatted once and multiplied into the run's inputs of four images at once. Zero inputs are not
 * left out on this path (a vector holds four images'), so it runs where at most half the weights
 * are nonzero (FW_PAY). Measured in Node, one thread, 1,000 test images, the convolutions pooled
 * as the app runs them, weights quantized per tensor (median of 9, against the pair kernels):
 * Fashion-MNIST's second convolution 61 → 32 ms at 3 bits and 45 → 4 ms at 2 bits, its first
 * 22 → 16 and 22 → 8 ms; MNIST's second 67 → 34 and 63 → 3 ms. Over every weight (8 bits) this
 * path would take 93 ms against the pair kernels' 71.
 */
#define FW_PAY(nonzero, all) ((nonzero) * 2u <= (all))
#define FW_MAX_R 7u

/** A nonzero weight of one filter: its input's offset in a bordered 4-image block, its value. */
typedef struct {
  uint32_t off;
  float w;
} fw_tap;

/** R output pixels of four images, over one filter's taps (the pixels' inputs side by side). */
static inline __attribute__((always_inline)) void fw_run(const float *p4, const fw_tap *l,
                                                         uint32_t nl, float bias, uint32_t R,
                                                         float *s, uint32_t sstep) {
  v128_t acc[FW_MAX_R];
  for (uint32_t j = 0; j < R; j++) acc[j] = wasm_f32x4_splat(bias);
  for (const fw_tap *e = l, *end = l + nl; e < end; e++) {
    const v128_t w = wasm_v128_load32_splat(&e->w);
    const float *q = p4 + e->off;
    for (uint32_t j = 0; j < R; j++)
      acc[j] = wasm_f32x4_add(acc[j], wasm_f32x4_mul(wasm_v128_load(q + 4 * j), w));
  }
  for (uint32_t j = 0; j < R; j++) wasm_v128_store(s + j * sstep, acc[j]);
}

/** fw_run with R (1 ≤ R ≤ FW_MAX_R) known at compile time: the accumulators stay in registers. */
static void fw_run_r(const float *p4, const fw_tap *l, uint32_t nl, float bias, uint32_t R,
                     float *s, uint32_t sstep) {
  switch (R) {
#define FW_CASE(r) \
  case r: fw_run(p4, l, nl, bias, r, s, sstep); break;
    FW_CASE(1) FW_CASE(2) FW_CASE(3) FW_CASE(4) FW_CASE(5) FW_CASE(6) FW_CASE(7)
#undef FW_CASE
  }
}

/** Pixels a run: OW itself up to FW_MAX_R, else its largest divisor from 4 up, else FW_MAX_R. */
static uint32_t fw_width(uint32_t OW) {
  if (OW <= FW_MAX_R) return OW;
  for (uint32_t r = FW_MAX_R; r >= 4; r--)
    if (OW % r == 0) return r;
  return FW_MAX_R;
}

/** 1 when no value of x [n] is infinite or NaN. */
static uint32_t ffinite(const float *x, uint32_t n) {
  const v128_t inf = wasm_i32x4_splat(0x7f800000);
  v128_t bad = wasm_i32x4_splat(0);
  uint32_t i = 0;
  for (; i + 4 <= n; i += 4)
    bad = wasm_v128_or(bad, wasm_i32x4_eq(wasm_v128_and(wasm_v128_load(x + i), inf), inf));
  uint32_t tail = 0;
  for (; i < n; i++) {
    uint32_t u;
    __builtin_memcpy(&u, x + i, 4);
    tail |= (u & 0x7f800000u) == 0x7f800000u;
  }
  return !wasm_v128_any_true(bad) && !tail;
}

/** Transposes the 4×4 floats of v[0..3] (v[i] lane j ↔ v[j] lane i). */
static inline __attribute__((always_inline)) void ftranspose4(v128_t v[4]) {
  const v128_t t0 = wasm_i32x4_shuffle(v[0], v[1], 0, 4, 1, 5);
  const v128_t t1 = wasm_i32x4_shuffle(v[0], v[1], 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(v[2], v[3], 0, 4, 1, 5);
  const v128_t t3 = wasm_i32x4_shuffle(v[2], v[3], 2, 6, 3, 7);
  v[0] = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
  v[1] = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
  v[2] = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
  v[3] = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}

/**
 * Four images img[0..3] [H][W][C], rows × cols of each, into the block p4 [Hp][C][Wp][4] at row
 * padT, column padL: lane i of p4's vector (y, c, x) is image i's input (y, x, c).
 */
static void fw_interleave(const float *const img[4], uint32_t W, uint32_t C, uint32_t rows,
                          uint32_t cols, uint32_t padT, uint32_t padL, uint32_t Wp, float *p4) {
  for (uint32_t y = 0; y < rows; y++) {
    float *dst = p4 + ((uintptr_t)(y + padT) * C * Wp + padL) * 4;
    const uintptr_t src = (uintptr_t)y * W * C;
    uint32_t x = 0;
    if (C % 4 == 0) {
      /* Four channels of a pixel from each image: one transpose gives each channel's vector. */
      for (; x < cols; x++)
        for (uint32_t c = 0; c < C; c += 4) {
          v128_t v[4];
          for (uint32_t i = 0; i < 4; i++) v[i] = wasm_v128_load(img[i] + src + (uintptr_t)x * C + c);
          ftranspose4(v);
          for (uint32_t q = 0; q < 4; q++) wasm_v128_store(dst + ((uintptr_t)(c + q) * Wp + x) * 4, v[q]);
        }
    } else if (C == 1) {
      /* Four pixels from each image: one transpose gives each pixel's vector. */
      for (; x + 4 <= cols; x += 4) {
        v128_t v[4];
        for (uint32_t i = 0; i < 4; i++) v[i] = wasm_v128_load(img[i] + src + x);
        ftranspose4(v);
        for (uint32_t q = 0; q < 4; q++) wasm_v128_store(dst + (uintptr_t)(x + q) * 4, v[q]);
      }
    }
    for (; x < cols; x++)
      for (uint32_t c = 0; c < C; c++)
        for (uint32_t i = 0; i < 4; i++)
          dst[((uintptr_t)c * Wp + x) * 4 + i] = img[i][src + (uintptr_t)x * C + c];
  }
}

/**
 * ik_fconv's convolution over each filter's nonzero weights (above), four images at a time: the
 * same arguments, and where the memory is there (else 0 and nothing written) the same output.
 * The rows are done in bands (two with the pool, else one), each band's sums for every filter
 * kept in s, then ReLU'd, pooled and written out.
 */
static uint32_t fconv_weights(const float *x, uint32_t B, uint32_t H, uint32_t W, uint32_t C,
                              uint32_t KH, uint32_t KW, uint32_t padT, uint32_t padL, uint32_t OH,
                              uint32_t OW, const float *k, const float *bias, uint32_t N,
                              uint32_t relu, uint32_t pool, float *out) {
  const uint32_t Hp = OH + KH - 1, Wp = OW + KW - 1, taps = KH * KW * C;
  const uint32_t rows = H < Hp - padT ? H : Hp - padT, cols = W < Wp - padL ? W : Wp - padL;
  const uint32_t p = pool && relu, PH = OH / 2, PW = OW / 2, band = p ? 2 : 1;
  /* The pool leaves an odd last row or column out: it is not computed. */
  const uint32_t CH = p ? 2 * PH : OH, CW = p ? 2 * PW : OW, R = fw_width(CW);
  float *p4 = (float *)ik_alloc(Hp * Wp * C * 16);
  float *s = (float *)ik_alloc(band * CW * N * 16);
  fw_tap *lists = (fw_tap *)ik_alloc(N * taps * sizeof(fw_tap));
  uint32_t *counts = (uint32_t *)ik_alloc(N * 4);
  if (!p4 || !s || !lists || !counts) return 0;
  /* The block holds four bordered images as [Hp][C][Wp][4], so that the inputs of a run of
     pixels are side by side. Tap t = (ky·KW + kx)·C + c of filter f is k[t·N + f]; its input is
     ((ky·C + c)·Wp + kx)·4 floats from the output pixel's. */
  for (uint32_t f = 0; f < N; f++) {
    fw_tap *l = lists + (uintptr_t)f * taps;
    uint32_t n = 0;
    for (uint32_t ky = 0, t = 0; ky < KH; ky++)
      for (uint32_t kx = 0; kx < KW; kx++)
        for (uint32_t c = 0; c < C; c++, t++) {
          const float w = k[(uintptr_t)t * N + f];
          uint32_t u;
          __builtin_memcpy(&u, &w, 4);
          if (u << 1) l[n++] = (fw_tap){((ky * C + c) * Wp + kx) * 4, w};
        }
    counts[f] = n;
  }
  /* The border stays 0; a last block's missing images are copies of its first (lanes not written
     out). */
  __builtin_memset(p4, 0, (uintptr_t)Hp * Wp * C * 16);
  const uint32_t per = p ? PH * PW * N : OH * OW * N;
  const v128_t z = wasm_f32x4_const_splat(0.0f);
  for (uint32_t b = 0; b < B; b += 4) {
    const uint32_t nb = B - b < 4 ? B - b : 4;
    const float *img[4];
    for (uint32_t i = 0; i < 4; i++) img[i] = x + (uintptr_t)(b + (i < nb ? i : 0)) * H * W * C;
    fw_interleave(img, W, C, rows, cols, padT, padL, Wp, p4);
    float *o = out + (uintptr_t)b * per;
    for (uint32_t oy0 = 0; oy0 < CH; oy0 += band) {
      for (uint32_t f = 0; f < N; f++)
        for (uint32_t r = 0; r < band; r++)
          for (uint32_t ox = 0; ox < CW; ox += R)
            fw_run_r(p4 + ((uintptr_t)(oy0 + r) * C * Wp + ox) * 4, lists + (uintptr_t)f * taps,
                     counts[f], bias[f], CW - ox < R ? CW - ox : R,
                     s + (((uintptr_t)r * CW + ox) * N + f) * 4, N * 4);
      /* ReLU (max(+0, x), as fstore16) and the pool (as fpool16) on four filters of four images,
         transposed to four filters of each image. */
      if (p) {
        const uintptr_t right = (uintptr_t)N * 4, down = (uintptr_t)CW * N * 4;
        for (uint32_t px = 0; px < PW; px++)
          for (uint32_t f = 0; f < N; f += 4) {
            v128_t v[4];
            for (uint32_t q = 0; q < 4; q++) {
              const float *t = s + ((uintptr_t)(2 * px) * N + f + q) * 4;
              const v128_t top = wasm_f32x4_pmax(wasm_f32x4_pmax(z, wasm_v128_load(t)),
                                                 wasm_f32x4_pmax(z, wasm_v128_load(t + right)));
              const v128_t bottom =
                  wasm_f32x4_pmax(wasm_f32x4_pmax(z, wasm_v128_load(t + down)),
                                  wasm_f32x4_pmax(z, wasm_v128_load(t + down + right)));
              v[q] = wasm_f32x4_pmax(top, bottom);
            }
            ftranspose4(v);
            for (uint32_t i = 0; i < nb; i++)
              wasm_v128_store(o + (uintptr_t)i * per + ((uintptr_t)(oy0 / 2) * PW + px) * N + f, v[i]);
          }
      } else {
        for (uint32_t ox = 0; ox < OW; ox++)
          for (uint32_t f = 0; f < N; f += 4) {
            v128_t v[4];
            for (uint32_t q = 0; q < 4; q++) {
              const v128_t a = wasm_v128_load(s + ((uintptr_t)ox * N + f + q) * 4);
              v[q] = relu ? wasm_f32x4_pmax(z, a) : a;
            }
            ftranspose4(v);
            for (uint32_t i = 0; i < nb; i++)
              wasm_v128_store(o + (uintptr_t)i * per + ((uintptr_t)oy0 * OW + ox) * N + f, v[i]);
          }
      }
    }
  }
  return 1;
}

/**
 * Float32 convolution, stride 1, of B images x [B][H][W][C] with kernel k [KH][KW][C][N] (tfjs's
 * layout) and bias [N], N a multiple of 16, into out [B][OH][OW][N] (NHWC), padT/padL zero rows
 * and columns before the image (any after it are implied by OH, OW), ReLU when `relu`. `pad` is
 * scratch for (OH + KH − 1)·(OW + KW − 1)·C floats (the bordered image) and N·KH·KW·C more (the
 * kernel by blocks of 16 filters). `pool` (with relu only): a 2×2 max pool, stride 2, 'valid',
 * follows, fused (fconv_pooled): out is then [B][OH/2][OW/2][N].
 */
void EXPORT(ik_fconv)(const float *x, uint32_t B, uint32_t H, uint32_t W, uint32_t C,
                      uint32_t KH, uint32_t KW, uint32_t padT, uint32_t padL, uint32_t OH,
                      uint32_t OW, const float *k, const float *bias, uint32_t N, uint32_t relu,
                      uint32_t pool, float *pad, float *out) {
  const uint32_t Hp = OH + KH - 1, Wp = OW + KW - 1, taps = KH * KW * C;
  const uint32_t rows = H < Hp - padT ? H : Hp - padT, cols = W < Wp - padL ? W : Wp - padL;
  /* Over pair lists (fconv_listed) where the weights leave the sums' bits unchanged that way and
     the module has memory for the lists. */
  const uint32_t mark = ik_mark();
  uint32_t *rl = 0, *rc = 0;
  if (fzero_safe(k, taps * N, bias, N)) {
    /* Over each filter's nonzero weights (fconv_weights) where they are few enough and every
       input is finite. */
    uint32_t nonzero = 0;
    for (uint32_t i = 0; i < taps * N; i++) {
      uint32_t u;
      __builtin_memcpy(&u, k + i, 4);
      nonzero += (u << 1) != 0;
    }
    if (FW_PAY(nonzero, taps * N) && ffinite(x, B * H * W * C) &&
        fconv_weights(x, B, H, W, C, KH, KW, padT, padL, OH, OW, k, bias, N, relu, pool, out)) {
      ik_release(mark);
      return;
    }
    ik_release(mark);
    rl = (uint32_t *)ik_alloc((Hp * Wp * C + 4) * 4);
    rc = (uint32_t *)ik_alloc(Hp * (Wp + 1) * 4);
    if (!rc) rl = 0;
  }
  /* The kernel by blocks of 16 filters: kp[N/16][KH][KW][C][16], after the padded image. */
  float *kp = pad + (uintptr_t)Hp * Wp * C;
  for (uint32_t c = 0; c < N; c += 16)
    for (uint32_t t = 0; t < taps; t++)
      __builtin_memcpy(kp + ((uintptr_t)c * taps + (uintptr_t)t * 16), k + (uintptr_t)t * N + c,
                       16 * sizeof(float));
  __builtin_memset(pad, 0, (uintptr_t)Hp * Wp * C * sizeof(float));
  for (uint32_t b = 0; b < B; b++) {
    const float *img = x + (uintptr_t)b * H * W * C;
    for (uint32_t y = 0; y < rows; y++)
      __builtin_memcpy(pad + ((uintptr_t)(y + padT) * Wp + padL) * C, img + (uintptr_t)y * W * C,
                       cols * C * sizeof(float));
    if (rl && fpair_lists(pad, Hp, Wp, C, rl, rc)) {
      const uint32_t p = pool && relu;
      fconv_listed(rl, rc, pad, Wp, kp, bias, N, KH, KW, C, OH, OW, relu, p,
                   out + (uintptr_t)b * (p ? (OH / 2) * (OW / 2) : OH * OW) * N);
      continue;
    }
    if (pool && relu) {
      fconv_pooled(pad, Wp, kp, bias, N, KH, KW, C, OH, OW,
                   out + (uintptr_t)b * (OH / 2) * (OW / 2) * N);
      continue;
    }
    float *o = out + (uintptr_t)b * OH * OW * N;
    for (uint32_t c = 0; c < N; c += 16) {
      const float *kc = kp + (uintptr_t)c * taps;
      for (uint32_t oy = 0; oy < OH; oy++) {
        const float *r = pad + (uintptr_t)oy * Wp * C;
        float *orow = o + (uintptr_t)oy * OW * N + c;
        uint32_t ox = 0;
        for (; ox + 2 <= OW; ox += 2)
          fconv_px(r + (uintptr_t)ox * C, Wp, kc, bias + c, N, KH, KW, C, 1, relu,
                   orow + (uintptr_t)ox * N);
        if (ox < OW)
          fconv_px(r + (uintptr_t)ox * C, Wp, kc, bias + c, N, KH, KW, C, 0, relu,
                   orow + (uintptr_t)ox * N);
      }
    }
  }
  ik_release(mark);
}

/* A dense layer's product (tfjs's _FusedMatMul), in the order above. */

/*
 * Skipping zeros in the float path. A product x·w with x = ±0 and w finite is ±0, and adding ±0 to
 * a sum s leaves s unchanged unless s is −0; a sum that starts at a bias other than −0 never is
 * −0 (in round-to-nearest, a + b is −0 only when both are). So where no bias is −0 and every
 * weight is finite (fzero_safe), leaving out the inputs that are ±0 gives every sum to the bit,
 * in the same order. ik_fgemm's pairs of rows each run over the list of their inputs that are
 * not 0 in both (flist), made once and used for every panel of 16 columns. Listing costs a pass
 * over the inputs, so a call stops listing once its trial (skip_t) shows too few zeros to pay for
 * it with its `blocks` panels (fskip_on). MNIST's background pixels and a ReLU's inactive
 * units are such zeros: mnist-mlp's float32 pass over 2,000 images took 42–52 ms instead of 61–90
 * in three alternating runs (Node, one thread). The convolution skips over lists made once per
 * image row instead (fpair_lists, above): lists per pixel pair, tried the same way as the
 * product's, cost as much as they saved (the CNNs' first convolution, 1,275 images: 28–29 ms
 * without lists, 44–49 ms listing but not using them, 28 ms skipping).
 */

/** 1 when no bias is −0 and every weight is finite: skipping zero inputs is then exact. */
static uint32_t fzero_safe(const float *w, uint32_t nw, const float *bias, uint32_t nb) {
  for (uint32_t i = 0; i < nb; i++) {
    uint32_t u;
    __builtin_memcpy(&u, bias + i, 4);
    if (u == 0x80000000u) return 0;
  }
  const v128_t inf = wasm_i32x4_splat(0x7f800000);
  v128_t bad = wasm_i32x4_splat(0);
  uint32_t i = 0;
  for (; i + 4 <= nw; i += 4)
    bad = wasm_v128_or(bad, wasm_i32x4_eq(wasm_v128_and(wasm_v128_load(w + i), inf), inf));
  if (wasm_v128_any_true(bad)) return 0;
  for (; i < nw; i++) {
    uint32_t u;
    __builtin_memcpy(&u, w + i, 4);
    if ((u & 0x7f800000u) == 0x7f800000u) return 0;
  }
  return 1;
}

/**
 * Lists in sel the inputs t < n where x0[t] or x1[t] is not ±0 (four at a time, without
 * branches); returns their number.
 */
static inline __attribute__((always_inline)) uint32_t flist(const float *x0, const float *x1,
                                                            uint32_t n, uint32_t *sel) {
  uint32_t ns = 0, t = 0;
  for (; t + 4 <= n; t += 4) {
    /* The sign bit aside (±0 alike): a lane is 0 only where both are ±0. */
    const v128_t v = wasm_i32x4_shl(wasm_v128_or(wasm_v128_load(x0 + t), wasm_v128_load(x1 + t)), 1);
    const uint32_t m = wasm_i32x4_bitmask(wasm_i32x4_ne(v, wasm_i32x4_splat(0)));
    sel[ns] = t, ns += m & 1;
    sel[ns] = t + 1, ns += (m >> 1) & 1;
    sel[ns] = t + 2, ns += (m >> 2) & 1;
    sel[ns] = t + 3, ns += m >> 3;
  }
  for (; t < n; t++) {
    uint32_t u0, u1;
    __builtin_memcpy(&u0, x0 + t, 4);
    __builtin_memcpy(&u1, x1 + t, 4);
    sel[ns] = t;
    ns += ((u0 | u1) << 1) != 0;
  }
  return ns;
}

/**
 * Whether a call still makes lists: after its trial (skip_t), only if they left out enough for
 * `blocks` panels of 16 to gain more than the listing costs, by a count of operations (about 22
 * per input and panel, 25 per listed one, 4 to list one).
 */
static inline uint32_t fskip_on(const skip_t *st, uint32_t blocks) {
  if (st->lists < SKIP_TRIAL) return 1;
  return (int64_t)blocks * (22 * (int64_t)st->inputs - 25 * (int64_t)st->active) >
         4 * (int64_t)st->inputs;
}

/** Whether a block with ns of its n inputs listed runs over the list (else over all n). */
#define FLIST_PAYS(ns, n) ((ns) < (n) - (n) / 8u)

/** A list of the inputs of one block, counted toward the call's trial; n when not made. */
static inline __attribute__((always_inline)) uint32_t flist_counted(skip_t *st, uint32_t blocks,
                                                                    const float *x0,
                                                                    const float *x1, uint32_t n,
                                                                    uint32_t *sel) {
  if (!fskip_on(st, blocks)) return n;
  const uint32_t ns = flist(x0, x1, n, sel);
  skip_count(st, n, ns);
  return ns;
}

/**
 * Packs b [K][N] (tfjs's Dense kernel) and bias [N] for ik_fgemm: panels of 16 columns,
 * bp[P][K][16], then the bias padded to P·16 (P = ⌈N/16⌉; padding columns are zero). Returns 1
 * when ik_fgemm may skip zero inputs with these weights (fzero_safe), else 0.
 */
uint32_t EXPORT(ik_fpack)(const float *b, const float *bias, uint32_t K, uint32_t N, float *bp) {
  const uint32_t P = (N + 15) / 16;
  float *pb = bp + (uintptr_t)P * K * 16;
  for (uint32_t p = 0; p < P; p++) {
    const uint32_t n0 = p * 16, w = N - n0 < 16 ? N - n0 : 16;
    float *panel = bp + (uintptr_t)p * K * 16;
    for (uint32_t k = 0; k < K; k++) {
      float *dst = panel + (uintptr_t)k * 16;
      const float *src = b + (uintptr_t)k * N + n0;
      for (uint32_t j = 0; j < 16; j++) dst[j] = j < w ? src[j] : 0.0f;
    }
    for (uint32_t j = 0; j < 16; j++) pb[n0 + j] = j < w ? bias[n0 + j] : 0.0f;
  }
  return fzero_safe(b, K * N, bias, N);
}

static inline __attribute__((always_inline)) void fgemm_store(float *o, uint32_t n, v128_t c0,
                                                              v128_t c1, v128_t c2, v128_t c3,
                                                              uint32_t relu) {
  if (relu) {
    const v128_t z = wasm_f32x4_const_splat(0.0f);
    c0 = wasm_f32x4_pmax(z, c0), c1 = wasm_f32x4_pmax(z, c1);
    c2 = wasm_f32x4_pmax(z, c2), c3 = wasm_f32x4_pmax(z, c3);
  }
  if (n >= 16) {
    wasm_v128_store(o, c0), wasm_v128_store(o + 4, c1);
    wasm_v128_store(o + 8, c2), wasm_v128_store(o + 12, c3);
    return;
  }
  float t[16];
  wasm_v128_store(t, c0), wasm_v128_store(t + 4, c1);
  wasm_v128_store(t + 8, c2), wasm_v128_store(t + 12, c3);
  for (uint32_t j = 0; j < n; j++) o[j] = t[j];
}

#define FG_STEP(a, c0, c1, c2, c3)                                                                \
  do {                                                                                            \
    const v128_t s = wasm_v128_load32_splat(a);                                                   \
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(s, w0));                                               \
    c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(s, w1));                                               \
    c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(s, w2));                                               \
    c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(s, w3));                                               \
  } while (0)

/*
 * The product leaves out zero weights too (pruned layers, few-bit weights), as fconv_weights does
 * for a convolution's filters: where at most half the weights are nonzero, and fewer than three
 * quarters as many as the inputs are (the pair lists above leave out zero inputs, and this path
 * cannot: a vector holds four rows), each column runs over its list of nonzero weights, k in
 * order, on a block of up to 4·FW_MAX_R rows whose inputs are transposed to [K][4·FW_MAX_R], so
 * that each weight, splatted once, multiplies the inputs of R vectors of four rows side by side.
 * Exact where ik_fpack found the weights safe (fzero_safe) and every input is finite (ffinite).
 * Measured in Node, one thread, 1,000 test images, magnitude-pruned shipped MLPs (median of 9,
 * against the pair lists): Fashion-MNIST's first layer (784 × 300) 11.2 → 8.0 ms at 70%
 * sparsity, → 3.3 ms at 90%, → 2.0 ms at 95%; its second (300 × 100) 1.05 → 0.47 ms at 90%;
 * MNIST's first 5.7 → 3.3 ms at 90% (its inputs are 81% zeros, which the pair lists leave out:
 * at 70% it stays on them).
 */
#define FG_ROWS (4u * FW_MAX_R)

/** ik_fgemm over each column's nonzero weights; 0 (nothing written) where memory is short. */
static uint32_t fgemm_weights(const float *a, uint32_t M, uint32_t K, const float *bp, uint32_t N,
                              const fw_tap *lists, const uint32_t *counts, uint32_t relu,
                              float *out) {
  const uint32_t P = (N + 15) / 16;
  const float *pb = bp + (uintptr_t)P * K * 16;
  float *t = (float *)ik_alloc(K * FG_ROWS * 4);
  if (!t) return 0;
  const v128_t z = wasm_f32x4_const_splat(0.0f);
  for (uint32_t m0 = 0; m0 < M; m0 += FG_ROWS) {
    const uint32_t rows = M - m0 < FG_ROWS ? M - m0 : FG_ROWS, R = (rows + 3) / 4;
    /* The rows' inputs, transposed four rows by four k at a time; the last vector's missing
       rows 0 (not written out). */
    for (uint32_t r = 0; r < 4 * R; r += 4) {
      const float *src[4];
      for (uint32_t i = 0; i < 4; i++) src[i] = r + i < rows ? a + (uintptr_t)(m0 + r + i) * K : 0;
      uint32_t k = 0;
      for (; k + 4 <= K; k += 4) {
        v128_t v[4];
        for (uint32_t i = 0; i < 4; i++) v[i] = src[i] ? wasm_v128_load(src[i] + k) : z;
        ftranspose4(v);
        for (uint32_t q = 0; q < 4; q++) wasm_v128_store(t + (uintptr_t)(k + q) * FG_ROWS + r, v[q]);
      }
      for (; k < K; k++)
        for (uint32_t i = 0; i < 4; i++) t[(uintptr_t)k * FG_ROWS + r + i] = src[i] ? src[i][k] : 0.0f;
    }
    for (uint32_t n = 0; n < N; n++) {
      float res[FG_ROWS];
      fw_run_r(t, lists + (uintptr_t)n * K, counts[n], pb[n], R, res, 4);
      if (relu)
        for (uint32_t j = 0; j < R; j++)
          wasm_v128_store(res + 4 * j, wasm_f32x4_pmax(z, wasm_v128_load(res + 4 * j)));
      for (uint32_t r = 0; r < rows; r++) out[(uintptr_t)(m0 + r) * N + n] = res[r];
    }
  }
  return 1;
}

/**
 * The lists of fgemm_weights (each column's nonzero weights of the packed bp, offsets into its
 * transposed block) where it pays for a call with these inputs, else 0; `counts` gets each
 * column's length.
 */
static fw_tap *fgemm_lists(const float *a, uint32_t M, uint32_t K, const float *bp, uint32_t N,
                           uint32_t **counts) {
  uint32_t nonzero = 0;
  for (uint32_t n = 0; n < N; n++) {
    const float *w = bp + (uintptr_t)(n / 16) * K * 16 + n % 16;
    for (uint32_t k = 0; k < K; k++) {
      uint32_t u;
      __builtin_memcpy(&u, w + (uintptr_t)k * 16, 4);
      nonzero += (u << 1) != 0;
    }
  }
  /* At most half nonzero, and at least 4 a row of inputs on average: with fewer, transposing the
     inputs costs more than the weights save. */
  if (!FW_PAY(nonzero, K * N) || nonzero < 4 * K) return 0;
  /* The inputs' density from the first rows (images are alike): nonzero / (K·N) must be under
     3/4 of it. */
  const uint32_t sample = (M < 64 ? M : 64) * K;
  v128_t live = wasm_i32x4_splat(0);
  uint32_t i = 0, inputs = 0;
  for (; i + 4 <= sample; i += 4)
    live = wasm_i32x4_sub(live, wasm_i32x4_ne(wasm_i32x4_shl(wasm_v128_load(a + i), 1),
                                              wasm_i32x4_splat(0)));
  for (; i < sample; i++) {
    uint32_t u;
    __builtin_memcpy(&u, a + i, 4);
    inputs += (u << 1) != 0;
  }
  inputs += wasm_i32x4_extract_lane(live, 0) + wasm_i32x4_extract_lane(live, 1) +
            wasm_i32x4_extract_lane(live, 2) + wasm_i32x4_extract_lane(live, 3);
  if ((uint64_t)nonzero * sample * 4 >= (uint64_t)inputs * K * N * 3 || !ffinite(a, M * K))
    return 0;
  fw_tap *lists = (fw_tap *)ik_alloc(N * K * sizeof(fw_tap));
  *counts = (uint32_t *)ik_alloc(N * 4);
  if (!lists || !*counts) return 0;
  for (uint32_t n = 0; n < N; n++) {
    const float *w = bp + (uintptr_t)(n / 16) * K * 16 + n % 16;
    fw_tap *l = lists + (uintptr_t)n * K;
    uint32_t c = 0;
    for (uint32_t k = 0; k < K; k++) {
      const float v = w[(uintptr_t)k * 16];
      uint32_t u;
      __builtin_memcpy(&u, &v, 4);
      if (u << 1) l[c++] = (fw_tap){k * FG_ROWS, v};
    }
    (*counts)[n] = c;
  }
  return lists;
}

/**
 * out [M][N] = a [M][K] · b + bias, ReLU when `relu`, b and the bias packed by ik_fpack (bp).
 * `skip`: what ik_fpack returned (1: each pair of rows runs over its inputs that are not ±0 in
 * both only, where that pays, or each column over its nonzero weights, where most are 0:
 * fgemm_weights; the same sums to the bit).
 */
void EXPORT(ik_fgemm)(const float *a, uint32_t M, uint32_t K, const float *bp, uint32_t N,
                      uint32_t relu, uint32_t skip, float *out) {
  const uint32_t P = (N + 15) / 16;
  const float *pb = bp + (uintptr_t)P * K * 16;
  /* Each row pair's list, made once for all P panels (the worker passes chunks of rows, whose
     lists take at most 128 KB; a call whose lists would pass 64 MB runs dense). */
  const uint32_t mark = ik_mark(), pairs = M / 2;
  /* Over each column's nonzero weights (fgemm_weights) where that pays. */
  if (skip) {
    uint32_t *wcounts = 0;
    const fw_tap *wlists = fgemm_lists(a, M, K, bp, N, &wcounts);
    if (wlists && fgemm_weights(a, M, K, bp, N, wlists, wcounts, relu, out)) {
      ik_release(mark);
      return;
    }
    ik_release(mark);
  }
  uint32_t *lists = 0, *counts = 0;
  if (skip && pairs && (uint64_t)pairs * K <= (16u << 20)) {
    lists = (uint32_t *)ik_alloc(pairs * K * 4);
    counts = (uint32_t *)ik_alloc(pairs * 4);
    if (!counts) lists = 0;
    skip_t st = {0, 0, 0};
    if (lists)
      for (uint32_t i = 0; i < pairs; i++) {
        const float *a0 = a + (uintptr_t)2 * i * K;
        counts[i] = flist_counted(&st, P, a0, a0 + K, K, lists + (uintptr_t)i * K);
      }
  }
  for (uint32_t p = 0; p < P; p++) {
    const float *panel = bp + (uintptr_t)p * K * 16, *bias = pb + p * 16;
    const uint32_t n = N - p * 16;
    uint32_t m = 0;
    for (; m + 2 <= M; m += 2) {
      const float *a0 = a + (uintptr_t)m * K, *a1 = a0 + K;
      v128_t c0 = wasm_v128_load(bias), c1 = wasm_v128_load(bias + 4);
      v128_t c2 = wasm_v128_load(bias + 8), c3 = wasm_v128_load(bias + 12);
      v128_t d0 = c0, d1 = c1, d2 = c2, d3 = c3;
      const uint32_t ns = lists ? counts[m / 2] : K;
      if (FLIST_PAYS(ns, K)) {
        const uint32_t *sel = lists + (uintptr_t)(m / 2) * K;
        for (uint32_t i = 0; i < ns; i++) {
          const uint32_t k = sel[i];
          const float *w = panel + (uintptr_t)k * 16;
          const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 4);
          const v128_t w2 = wasm_v128_load(w + 8), w3 = wasm_v128_load(w + 12);
          FG_STEP(a0 + k, c0, c1, c2, c3);
          FG_STEP(a1 + k, d0, d1, d2, d3);
        }
      } else {
        const float *w = panel;
        for (uint32_t k = 0; k < K; k++, w += 16) {
          const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 4);
          const v128_t w2 = wasm_v128_load(w + 8), w3 = wasm_v128_load(w + 12);
          FG_STEP(a0 + k, c0, c1, c2, c3);
          FG_STEP(a1 + k, d0, d1, d2, d3);
        }
      }
      fgemm_store(out + (uintptr_t)m * N + p * 16, n, c0, c1, c2, c3, relu);
      fgemm_store(out + (uintptr_t)(m + 1) * N + p * 16, n, d0, d1, d2, d3, relu);
    }
    if (m < M) {
      const float *a0 = a + (uintptr_t)m * K;
      v128_t c0 = wasm_v128_load(bias), c1 = wasm_v128_load(bias + 4);
      v128_t c2 = wasm_v128_load(bias + 8), c3 = wasm_v128_load(bias + 12);
      const float *w = panel;
      for (uint32_t k = 0; k < K; k++, w += 16) {
        const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 4);
        const v128_t w2 = wasm_v128_load(w + 8), w3 = wasm_v128_load(w + 12);
        FG_STEP(a0 + k, c0, c1, c2, c3);
      }
      fgemm_store(out + (uintptr_t)m * N + p * 16, n, c0, c1, c2, c3, relu);
    }
  }
  ik_release(mark);
}
