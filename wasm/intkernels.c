/*
 * Integer inference kernels for quantized models, compiled to WebAssembly with SIMD128.
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
 * The activations are widened to int16 with the zero-point subtracted (pack_rows / im2col), so
 * the inner product is i32x4.dot_i16x8_s over 8 lanes: (u − z_x) ∈ [−255, 255] times
 * q − 128-offset codes in [−128, 127] never overflows int32 for K < 2^16. Affine weights (uint8
 * codes) are stored as q − 128 with z_w − 128, and the weight zero-point enters as
 * − z_w[n] · Σ_k (u[m][k] − z_x), the row sums pack_rows/im2col return.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) name

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
 * Rows of uint8 codes x[m][0..K) → int16 A[m][0..Kp) = x − zx, zero-padded to Kp (a multiple
 * of 8), and rowsum[m] = Σ_k A[m][k].
 */
void EXPORT(ik_pack_rows)(const uint8_t *x, uint32_t M, uint32_t K, uint32_t Kp, int32_t zx,
                          int16_t *A, int32_t *rowsum) {
  const v128_t vz = wasm_i16x8_splat((int16_t)zx);
  for (uint32_t m = 0; m < M; m++) {
    const uint8_t *src = x + (uintptr_t)m * K;
    int16_t *dst = A + (uintptr_t)m * Kp;
    v128_t vs = wasm_i32x4_splat(0);
    uint32_t k = 0;
    for (; k + 8 <= K; k += 8) {
      v128_t v = wasm_i16x8_sub(wasm_u16x8_load8x8(src + k), vz);
      wasm_v128_store(dst + k, v);
      vs = wasm_i32x4_add(vs, wasm_i32x4_extadd_pairwise_i16x8(v));
    }
    int32_t s = wasm_i32x4_extract_lane(vs, 0) + wasm_i32x4_extract_lane(vs, 1) +
                wasm_i32x4_extract_lane(vs, 2) + wasm_i32x4_extract_lane(vs, 3);
    for (; k < K; k++) {
      int16_t v = (int16_t)((int32_t)src[k] - zx);
      dst[k] = v;
      s += v;
    }
    for (; k < Kp; k++) dst[k] = 0;
    rowsum[m] = s;
  }
}

/**
 * im2col for a stride-1 convolution over NHWC uint8 codes: row (b, oy, ox) of A holds the
 * KH×KW×C patch in (ky, kx, c) order (the layout of a tfjs/Keras kernel [KH, KW, C, N]) minus zx,
 * zero-padded to Kp. Taps outside the image (padding 'same') are real 0, i.e. code zx: 0 in A.
 */
void EXPORT(ik_im2col)(const uint8_t *x, uint32_t B, uint32_t H, uint32_t W, uint32_t C,
                       uint32_t KH, uint32_t KW, int32_t padT, int32_t padL, uint32_t OH,
                       uint32_t OW, uint32_t Kp, int32_t zx, int16_t *A, int32_t *rowsum) {
  const v128_t vz = wasm_i16x8_splat((int16_t)zx);
  const uint32_t K = KH * KW * C;
  for (uint32_t b = 0; b < B; b++) {
    const uint8_t *img = x + (uintptr_t)b * H * W * C;
    for (uint32_t oy = 0; oy < OH; oy++) {
      for (uint32_t ox = 0; ox < OW; ox++) {
        int16_t *dst = A;
        int32_t s = 0;
        v128_t vs = wasm_i32x4_splat(0);
        for (uint32_t ky = 0; ky < KH; ky++) {
          int32_t iy = (int32_t)oy + (int32_t)ky - padT;
          for (uint32_t kx = 0; kx < KW; kx++) {
            int32_t ix = (int32_t)ox + (int32_t)kx - padL;
            if (iy < 0 || iy >= (int32_t)H || ix < 0 || ix >= (int32_t)W) {
              for (uint32_t c = 0; c < C; c++) dst[c] = 0;
            } else {
              const uint8_t *src = img + ((uintptr_t)iy * W + (uint32_t)ix) * C;
              uint32_t c = 0;
              for (; c + 8 <= C; c += 8) {
                v128_t v = wasm_i16x8_sub(wasm_u16x8_load8x8(src + c), vz);
                wasm_v128_store(dst + c, v);
                vs = wasm_i32x4_add(vs, wasm_i32x4_extadd_pairwise_i16x8(v));
              }
              for (; c < C; c++) {
                int16_t v = (int16_t)((int32_t)src[c] - zx);
                dst[c] = v;
                s += v;
              }
            }
            dst += C;
          }
        }
        for (uint32_t k = K; k < Kp; k++) A[k] = 0;
        s += wasm_i32x4_extract_lane(vs, 0) + wasm_i32x4_extract_lane(vs, 1) +
             wasm_i32x4_extract_lane(vs, 2) + wasm_i32x4_extract_lane(vs, 3);
        *rowsum++ = s;
        A += Kp;
      }
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* GEMM: A int16 [M][Kp] × W int8 [Np][Kp]ᵀ, Np = N rounded up to 4, Kp a multiple of 8.       */
/* ------------------------------------------------------------------------------------------ */

/** [Σ a0, Σ a1, Σ a2, Σ a3]: the horizontal sums of four accumulators, as one vector. */
static inline v128_t hsum4(v128_t a0, v128_t a1, v128_t a2, v128_t a3) {
  v128_t t0 = wasm_i32x4_add(wasm_i32x4_shuffle(a0, a1, 0, 4, 1, 5),
                             wasm_i32x4_shuffle(a0, a1, 2, 6, 3, 7));
  v128_t t1 = wasm_i32x4_add(wasm_i32x4_shuffle(a2, a3, 0, 4, 1, 5),
                             wasm_i32x4_shuffle(a2, a3, 2, 6, 3, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5),
                        wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
}

/** Exact int32 sums of two rows of A against four rows of W (one output vector per row). */
static inline void dot_2x4(const int16_t *a0, const int16_t *a1, const int8_t *w, uint32_t Kp,
                           v128_t *r0, v128_t *r1) {
  const int8_t *w0 = w, *w1 = w + Kp, *w2 = w + 2 * Kp, *w3 = w + 3 * Kp;
  v128_t c00 = wasm_i32x4_splat(0), c01 = c00, c02 = c00, c03 = c00;
  v128_t c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  for (uint32_t k = 0; k < Kp; k += 8) {
    v128_t x0 = wasm_v128_load(a0 + k);
    v128_t x1 = wasm_v128_load(a1 + k);
    v128_t v0 = wasm_i16x8_load8x8(w0 + k);
    v128_t v1 = wasm_i16x8_load8x8(w1 + k);
    v128_t v2 = wasm_i16x8_load8x8(w2 + k);
    v128_t v3 = wasm_i16x8_load8x8(w3 + k);
    c00 = wasm_i32x4_add(c00, wasm_i32x4_dot_i16x8(x0, v0));
    c01 = wasm_i32x4_add(c01, wasm_i32x4_dot_i16x8(x0, v1));
    c02 = wasm_i32x4_add(c02, wasm_i32x4_dot_i16x8(x0, v2));
    c03 = wasm_i32x4_add(c03, wasm_i32x4_dot_i16x8(x0, v3));
    c10 = wasm_i32x4_add(c10, wasm_i32x4_dot_i16x8(x1, v0));
    c11 = wasm_i32x4_add(c11, wasm_i32x4_dot_i16x8(x1, v1));
    c12 = wasm_i32x4_add(c12, wasm_i32x4_dot_i16x8(x1, v2));
    c13 = wasm_i32x4_add(c13, wasm_i32x4_dot_i16x8(x1, v3));
  }
  *r0 = hsum4(c00, c01, c02, c03);
  *r1 = hsum4(c10, c11, c12, c13);
}

static inline v128_t dot_1x4(const int16_t *a0, const int8_t *w, uint32_t Kp) {
  const int8_t *w0 = w, *w1 = w + Kp, *w2 = w + 2 * Kp, *w3 = w + 3 * Kp;
  v128_t c0 = wasm_i32x4_splat(0), c1 = c0, c2 = c0, c3 = c0;
  for (uint32_t k = 0; k < Kp; k += 8) {
    v128_t x0 = wasm_v128_load(a0 + k);
    c0 = wasm_i32x4_add(c0, wasm_i32x4_dot_i16x8(x0, wasm_i16x8_load8x8(w0 + k)));
    c1 = wasm_i32x4_add(c1, wasm_i32x4_dot_i16x8(x0, wasm_i16x8_load8x8(w1 + k)));
    c2 = wasm_i32x4_add(c2, wasm_i32x4_dot_i16x8(x0, wasm_i16x8_load8x8(w2 + k)));
    c3 = wasm_i32x4_add(c3, wasm_i32x4_dot_i16x8(x0, wasm_i16x8_load8x8(w3 + k)));
  }
  return hsum4(c0, c1, c2, c3);
}

/** acc + bias − z_w · rowsum for four channels of one row. */
static inline v128_t finish(v128_t acc, const int32_t *bias, const int32_t *wzp, int32_t rowsum,
                            uint32_t n) {
  if (bias) acc = wasm_i32x4_add(acc, wasm_v128_load(bias + n));
  if (wzp) acc = wasm_i32x4_sub(acc, wasm_i32x4_mul(wasm_v128_load(wzp + n), wasm_i32x4_splat(rowsum)));
  return acc;
}

/** The lanes of `v` that fall inside the row (n..N): all four, or the tail of the last block. */
static inline void store_i32(int32_t *out, v128_t v, uint32_t count) {
  if (count >= 4) {
    wasm_v128_store(out, v);
    return;
  }
  int32_t tmp[4];
  wasm_v128_store(tmp, v);
  for (uint32_t i = 0; i < count; i++) out[i] = tmp[i];
}

/**
 * The raw accumulators: out[m][n] = Σ_k A[m][k]·W[n][k] + bias[n] − wzp[n]·rowsum[m] (int32,
 * exact). bias and wzp may be 0 (none). For tests and for callers that requantize themselves.
 */
void EXPORT(ik_gemm_acc)(const int16_t *A, const int32_t *rowsum, uint32_t M, uint32_t Kp,
                         const int8_t *W, const int32_t *wzp, uint32_t N, const int32_t *bias,
                         int32_t *out) {
  uint32_t m = 0;
  for (; m + 2 <= M; m += 2) {
    const int16_t *a0 = A + (uintptr_t)m * Kp, *a1 = a0 + Kp;
    for (uint32_t n = 0; n < N; n += 4) {
      v128_t r0, r1;
      dot_2x4(a0, a1, W + (uintptr_t)n * Kp, Kp, &r0, &r1);
      store_i32(out + (uintptr_t)m * N + n, finish(r0, bias, wzp, rowsum[m], n), N - n);
      store_i32(out + (uintptr_t)(m + 1) * N + n, finish(r1, bias, wzp, rowsum[m + 1], n), N - n);
    }
  }
  for (; m < M; m++) {
    const int16_t *a0 = A + (uintptr_t)m * Kp;
    for (uint32_t n = 0; n < N; n += 4) {
      v128_t r0 = dot_1x4(a0, W + (uintptr_t)n * Kp, Kp);
      store_i32(out + (uintptr_t)m * N + n, finish(r0, bias, wzp, rowsum[m], n), N - n);
    }
  }
}

/** Fixed-point requantization of four channels: see the header. */
typedef struct {
  v128_t lo_clamp_acc, hi_clamp_acc; /* accumulators clamped first, so the product never overflows */
  int32_t shift;
  v128_t zp, lo, hi;
} requant_t;

/** offs: the four channels' int64 offsets (bias at the output's fixed point + 2^(shift−1)). */
static inline v128_t requant4(v128_t acc, v128_t mult, const int64_t *offs, const requant_t *q) {
  acc = wasm_i32x4_min(wasm_i32x4_max(acc, q->lo_clamp_acc), q->hi_clamp_acc);
  v128_t p0 = wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(acc, mult), wasm_v128_load(offs));
  v128_t p1 = wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(acc, mult), wasm_v128_load(offs + 2));
  p0 = wasm_i64x2_shr(p0, (uint32_t)q->shift);
  p1 = wasm_i64x2_shr(p1, (uint32_t)q->shift);
  v128_t r = wasm_i32x4_shuffle(p0, p1, 0, 2, 4, 6);
  r = wasm_i32x4_add(r, q->zp);
  return wasm_i32x4_min(wasm_i32x4_max(r, q->lo), q->hi);
}

static inline void store_u8(uint8_t *out, v128_t v, uint32_t count) {
  v128_t b = wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(v, v), wasm_i16x8_narrow_i32x4(v, v));
  if (count >= 4) {
    wasm_v128_store32_lane(out, b, 0);
    return;
  }
  int32_t tmp[4];
  wasm_v128_store(tmp, v);
  for (uint32_t i = 0; i < count; i++) out[i] = (uint8_t)tmp[i];
}

/**
 * One quantized layer: out[m][n] = clamp(zp + ((acc[m][n]·mult[n] + offs[n]) >> shift), lo, hi)
 * as uint8 codes, acc as in ik_gemm_acc (bias may be 0 there: see below). mult and offs have Np
 * entries (Np = N rounded up to 4); offs[n] = round(b[n] / s_y · 2^shift) + 2^(shift − 1) carries
 * the float bias at the output's fixed point (finer than TFLite's int32 bias at s_x·s_w, which
 * at 1–2-bit weights, M ≈ 0.03, is up to 1.5% of an output step off) and the rounding.
 * Accumulators are first clamped to ±clamp_acc (chosen by the planner so that clamping never
 * changes an output and the 64-bit sum cannot overflow).
 */
void EXPORT(ik_gemm_requant)(const int16_t *A, const int32_t *rowsum, uint32_t M, uint32_t Kp,
                             const int8_t *W, const int32_t *wzp, uint32_t N, const int32_t *bias,
                             const int32_t *mult, const int64_t *offs, int32_t shift,
                             int32_t clamp_acc, int32_t zp, int32_t lo, int32_t hi, uint8_t *out) {
  requant_t q;
  q.lo_clamp_acc = wasm_i32x4_splat(-clamp_acc);
  q.hi_clamp_acc = wasm_i32x4_splat(clamp_acc);
  q.shift = shift;
  q.zp = wasm_i32x4_splat(zp);
  q.lo = wasm_i32x4_splat(lo);
  q.hi = wasm_i32x4_splat(hi);
  uint32_t m = 0;
  for (; m + 2 <= M; m += 2) {
    const int16_t *a0 = A + (uintptr_t)m * Kp, *a1 = a0 + Kp;
    for (uint32_t n = 0; n < N; n += 4) {
      v128_t r0, r1;
      dot_2x4(a0, a1, W + (uintptr_t)n * Kp, Kp, &r0, &r1);
      v128_t vm = wasm_v128_load(mult + n);
      store_u8(out + (uintptr_t)m * N + n,
               requant4(finish(r0, bias, wzp, rowsum[m], n), vm, offs + n, &q), N - n);
      store_u8(out + (uintptr_t)(m + 1) * N + n,
               requant4(finish(r1, bias, wzp, rowsum[m + 1], n), vm, offs + n, &q), N - n);
    }
  }
  for (; m < M; m++) {
    const int16_t *a0 = A + (uintptr_t)m * Kp;
    for (uint32_t n = 0; n < N; n += 4) {
      v128_t r0 = dot_1x4(a0, W + (uintptr_t)n * Kp, Kp);
      store_u8(out + (uintptr_t)m * N + n,
               requant4(finish(r0, bias, wzp, rowsum[m], n), wasm_v128_load(mult + n), offs + n, &q),
               N - n);
    }
  }
}

/**
 * The last layer: float32 logits out[m][n] = scale[n] · acc[m][n] + fbias[n] (acc as in
 * ik_gemm_acc; the float bias, if any, added after scaling as the float path adds it).
 */
void EXPORT(ik_gemm_dequant)(const int16_t *A, const int32_t *rowsum, uint32_t M, uint32_t Kp,
                             const int8_t *W, const int32_t *wzp, uint32_t N, const int32_t *bias,
                             const float *scale, const float *fbias, float *out) {
  for (uint32_t m = 0; m < M; m++) {
    const int16_t *a0 = A + (uintptr_t)m * Kp;
    for (uint32_t n = 0; n < N; n += 4) {
      v128_t r = finish(dot_1x4(a0, W + (uintptr_t)n * Kp, Kp), bias, wzp, rowsum[m], n);
      v128_t f = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(r), wasm_v128_load(scale + n));
      if (fbias) f = wasm_f32x4_add(f, wasm_v128_load(fbias + n));
      float tmp[4];
      wasm_v128_store(tmp, f);
      uint32_t count = N - n < 4 ? N - n : 4;
      for (uint32_t i = 0; i < count; i++) out[(uintptr_t)m * N + n + i] = tmp[i];
    }
  }
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
