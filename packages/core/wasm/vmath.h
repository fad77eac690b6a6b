// Vector f32 math for the kernels: exp, log, tanh, sigmoid, erf on four lanes at once.
// Freestanding (no libm). Each is within a few ulp of the correctly rounded float result over
// its whole range and keeps IEEE special values (nan, ±inf, overflow, underflow to denormals),
// which the kernel tests check against the float64 TypeScript reference.
#pragma once
#include "common.h"

#define F4(x) wasm_f32x4_splat(x)

static inline v128_t vfma(v128_t a, v128_t b, v128_t c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }

// 2^n for integer-valued n in [-75, 64], built in the exponent field.
static inline v128_t pow2i(v128_t n) {
  return wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
}

// exp: x = n·ln2 + r with |r| ≤ ln2/2, a degree-7 Taylor polynomial for e^r, and 2^n applied as
// two halves so that results in the denormal range and overflow to inf both come out right.
static inline v128_t vexp(v128_t x) {
  v128_t xc = wasm_f32x4_pmin(wasm_f32x4_pmax(x, F4(-104.0f)), F4(89.0f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(xc, F4(1.44269504088896341f)));
  v128_t r = vfma(n, F4(-0.693145751953125f), xc);
  r = vfma(n, F4(-1.428606765330187045e-06f), r);
  v128_t p = F4(1.0f / 5040.0f);
  p = vfma(p, r, F4(1.0f / 720.0f));
  p = vfma(p, r, F4(1.0f / 120.0f));
  p = vfma(p, r, F4(1.0f / 24.0f));
  p = vfma(p, r, F4(1.0f / 6.0f));
  p = vfma(p, r, F4(0.5f));
  p = vfma(p, r, F4(1.0f));
  p = vfma(p, r, F4(1.0f));
  v128_t h = wasm_f32x4_floor(wasm_f32x4_mul(n, F4(0.5f)));
  v128_t y = wasm_f32x4_mul(wasm_f32x4_mul(p, pow2i(h)), pow2i(wasm_f32x4_sub(n, h)));
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x)); // nan stays nan
}

// e^x for softmax's x − max ≤ 0 (and nan), at about half vexp's cost: the degree-5 minimax
// polynomial of XNNPACK's rr2_p5 kernels on |r| ≤ ln2/2, and n = round(x·log2 e) by adding a
// magic bias whose low mantissa bits then hold n + 127, which shifted into the exponent field is
// 2^n (n ≥ −126 there): no float→int conversion, which V8 expands to several instructions.
// Results below e^−87.34 (the denormal range, which adds nothing a row sum can keep) are flushed
// to 0. Relative error under 1.9e-7 (about 3 ulp) over [−87.3, 0]. Softmax rows ran at 0.29
// times tfjs-wasm's rate per element through vexp.
static inline v128_t vexp_nonpos(v128_t x) {
  v128_t biased = vfma(x, F4(1.44269504088896341f), F4(0x1.8000FEp23f));
  v128_t s = wasm_i32x4_shl(biased, 23);
  v128_t n = wasm_f32x4_sub(biased, F4(0x1.8000FEp23f));
  v128_t t = vfma(n, F4(-0x1.62E400p-1f), x);
  t = vfma(n, F4(-0x1.7F7D1Cp-20f), t);
  v128_t p = F4(0x1.0F9F9Cp-7f);
  p = vfma(p, t, F4(0x1.573A1Ap-5f));
  p = vfma(p, t, F4(0x1.555A80p-3f));
  p = vfma(p, t, F4(0x1.FFFDC6p-2f));
  p = vfma(p, t, F4(0x1.FFFFF6p-1f));
  v128_t y = vfma(wasm_f32x4_mul(t, s), p, s);
  return wasm_v128_andnot(y, wasm_f32x4_lt(x, F4(-87.336544f)));
}

// log: x = m·2^e with m in [√½, √2), log m = 2·atanh(s), s = (m−1)/(m+1), |s| ≤ 0.172.
static inline v128_t vlog(v128_t x) {
  v128_t tiny = wasm_f32x4_lt(x, F4(1.17549435e-38f));
  v128_t xs = wasm_v128_bitselect(wasm_f32x4_mul(x, F4(8388608.0f)), x, tiny); // denormals: scale by 2^23
  v128_t bits = xs;
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(127));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f800000));
  v128_t big = wasm_f32x4_gt(m, F4(1.41421356f));
  m = wasm_v128_bitselect(wasm_f32x4_mul(m, F4(0.5f)), m, big);
  e = wasm_i32x4_sub(e, big); // big lanes are -1: e + 1
  v128_t ef = wasm_f32x4_sub(wasm_f32x4_convert_i32x4(e), wasm_v128_and(tiny, F4(23.0f)));
  v128_t s = wasm_f32x4_div(wasm_f32x4_sub(m, F4(1.0f)), wasm_f32x4_add(m, F4(1.0f)));
  v128_t s2 = wasm_f32x4_mul(s, s);
  v128_t p = F4(2.0f / 9.0f);
  p = vfma(p, s2, F4(2.0f / 7.0f));
  p = vfma(p, s2, F4(2.0f / 5.0f));
  p = vfma(p, s2, F4(2.0f / 3.0f));
  p = vfma(p, s2, F4(2.0f));
  v128_t y = vfma(ef, F4(0.693145751953125f), vfma(ef, F4(1.428606765330187045e-06f), wasm_f32x4_mul(p, s)));
  y = wasm_v128_bitselect(F4(-__builtin_inff()), y, wasm_f32x4_eq(x, F4(0.0f)));
  y = wasm_v128_bitselect(x, y, wasm_f32x4_eq(x, F4(__builtin_inff())));
  return wasm_v128_bitselect(F4(__builtin_nanf("")), y, wasm_v128_or(wasm_f32x4_lt(x, F4(0.0f)), wasm_f32x4_ne(x, x)));
}

// tanh: an odd Taylor series to x^15 below |x| = 0.55 (where 1 − 2/(e^{2x}+1) would cancel;
// its truncation error there is under 5e-8 relative), that formula above.
static inline v128_t vtanh(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  v128_t x2 = wasm_f32x4_mul(x, x);
  v128_t p = F4(-929569.0f / 638512875.0f);
  p = vfma(p, x2, F4(21844.0f / 6081075.0f));
  p = vfma(p, x2, F4(-1382.0f / 155925.0f));
  p = vfma(p, x2, F4(62.0f / 2835.0f));
  p = vfma(p, x2, F4(-17.0f / 315.0f));
  p = vfma(p, x2, F4(2.0f / 15.0f));
  p = vfma(p, x2, F4(-1.0f / 3.0f));
  v128_t small = vfma(wasm_f32x4_mul(p, x2), x, x);
  v128_t e = vexp(wasm_f32x4_mul(ax, F4(2.0f)));
  v128_t big = wasm_f32x4_sub(F4(1.0f), wasm_f32x4_div(F4(2.0f), wasm_f32x4_add(e, F4(1.0f))));
  big = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat(0x80000000))); // copy the sign
  v128_t y = wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, F4(0.55f)));
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x));
}

// sigmoid = 1/(1+e^{-x}) for x ≥ 0 and e^x/(1+e^x) below, as the reference does.
static inline v128_t vsigmoid(v128_t x) {
  v128_t e = vexp(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  v128_t d = wasm_f32x4_add(F4(1.0f), e);
  v128_t y = wasm_v128_bitselect(wasm_f32x4_div(F4(1.0f), d), wasm_f32x4_div(e, d), wasm_f32x4_ge(x, F4(0.0f)));
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x));
}

// erf: its Taylor series below |x| = 0.5 (error under 3e-8); above, 1 − erfc with
// erfc(x) = t·exp(−x² + Q(t)), t = 1/(1 + x/2), Q the degree-9 fit published in Numerical
// Recipes (erfcc, relative error under 1.2e-7 for every x ≥ 0).
static inline v128_t verf(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  v128_t x2 = wasm_f32x4_mul(x, x);
  v128_t p = F4(1.0f / 9360.0f);
  p = vfma(p, x2, F4(-1.0f / 1320.0f));
  p = vfma(p, x2, F4(1.0f / 216.0f));
  p = vfma(p, x2, F4(-1.0f / 42.0f));
  p = vfma(p, x2, F4(1.0f / 10.0f));
  p = vfma(p, x2, F4(-1.0f / 3.0f));
  p = vfma(p, x2, F4(1.0f));
  v128_t small = wasm_f32x4_mul(wasm_f32x4_mul(p, x), F4(1.12837916709551257f));
  v128_t t = wasm_f32x4_div(F4(1.0f), vfma(ax, F4(0.5f), F4(1.0f)));
  v128_t q = F4(0.17087277f);
  q = vfma(q, t, F4(-0.82215223f));
  q = vfma(q, t, F4(1.48851587f));
  q = vfma(q, t, F4(-1.13520398f));
  q = vfma(q, t, F4(0.27886807f));
  q = vfma(q, t, F4(-0.18628806f));
  q = vfma(q, t, F4(0.09678418f));
  q = vfma(q, t, F4(0.37409196f));
  q = vfma(q, t, F4(1.00002368f));
  q = vfma(q, t, F4(-1.26551223f));
  v128_t erfc = wasm_f32x4_mul(t, vexp(wasm_f32x4_sub(q, x2)));
  v128_t big = wasm_f32x4_sub(F4(1.0f), erfc);
  big = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat(0x80000000)));
  v128_t y = wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, F4(0.5f)));
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x));
}

// Φ(x) = ½·erfc(−x/√2), the standard normal CDF of GELU, which runs it on every activation of a
// feed-forward layer. With z = x/√2: where every lane has |z| < 2 (nearly all activations), ½(1 +
// erf z) with a rational erf (odd degree 13 over even degree 8, Eigen's and XLA's float erf;
// absolute error under 3.2e-7 there, so x·Φ(x) is within 5e-7 of exact) and no exp or second
// branch, which made GELU about 2.5 times cheaper than through verf; otherwise the vector also takes
// the erfc form of verf (½·t·exp(−z² + Q(t)) for x < 0, 1 minus that above), whose relative
// accuracy keeps the far left tail of x·Φ(x) right where 1 + erf z cancels.
// The tails of vphi: lanes with |z| ≥ 2 through the erfc form, the others keep phi. Out of line,
// so that the loops around the common case keep their vectors in registers.
__attribute__((noinline)) static v128_t vphi_tails(v128_t x, v128_t z, v128_t z2, v128_t phi, v128_t far) {
  v128_t t = wasm_f32x4_div(F4(1.0f), vfma(wasm_f32x4_abs(z), F4(0.5f), F4(1.0f)));
  v128_t r = F4(0.17087277f);
  r = vfma(r, t, F4(-0.82215223f));
  r = vfma(r, t, F4(1.48851587f));
  r = vfma(r, t, F4(-1.13520398f));
  r = vfma(r, t, F4(0.27886807f));
  r = vfma(r, t, F4(-0.18628806f));
  r = vfma(r, t, F4(0.09678418f));
  r = vfma(r, t, F4(0.37409196f));
  r = vfma(r, t, F4(1.00002368f));
  r = vfma(r, t, F4(-1.26551223f));
  v128_t half_erfc = wasm_f32x4_mul(wasm_f32x4_mul(t, F4(0.5f)), vexp(wasm_f32x4_sub(r, z2)));
  v128_t tail = wasm_v128_bitselect(half_erfc, wasm_f32x4_sub(F4(1.0f), half_erfc), wasm_f32x4_lt(x, F4(0.0f)));
  return wasm_v128_bitselect(tail, phi, far);
}

static inline v128_t vphi(v128_t x) {
  v128_t z = wasm_f32x4_mul(x, F4(0.70710678118654752f));
  v128_t z2 = wasm_f32x4_mul(z, z);
  v128_t p = F4(-2.72614225801306e-10f);
  p = vfma(p, z2, F4(2.77068142495902e-08f));
  p = vfma(p, z2, F4(-2.10102402082508e-06f));
  p = vfma(p, z2, F4(-5.69250639462346e-05f));
  p = vfma(p, z2, F4(-7.34990630326855e-04f));
  p = vfma(p, z2, F4(-2.95459980854025e-03f));
  p = vfma(p, z2, F4(-1.60960333262415e-02f));
  v128_t q = F4(-1.45660718464996e-05f);
  q = vfma(q, z2, F4(-2.13374055278905e-04f));
  q = vfma(q, z2, F4(-1.68282697438203e-03f));
  q = vfma(q, z2, F4(-7.37332916720468e-03f));
  q = vfma(q, z2, F4(-1.42647390514189e-02f));
  v128_t phi = vfma(wasm_f32x4_div(wasm_f32x4_mul(p, z), q), F4(0.5f), F4(0.5f));
  v128_t far = wasm_f32x4_ge(z2, F4(4.0f)); // false for nan, which the rational form propagates
  return wasm_v128_any_true(far) ? vphi_tails(x, z, z2, phi, far) : phi;
}

static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

static inline float hmax(v128_t v) {
  v128_t m = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  m = wasm_f32x4_max(m, wasm_i32x4_shuffle(m, m, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(m, 0);
}

// A scalar version through lane 0, so scalar tails compute exactly what the vector body does.
static inline float slog(float x) { return wasm_f32x4_extract_lane(vlog(F4(x)), 0); }

// Mean and 1/sqrt(var + eps) of one row (two passes: the centred variance does not cancel).
static inline void moments(const float *x, int n, float eps, float *mean_out, float *rstd_out) {
  v128_t s = F4(0.0f);
  int j = 0;
  for (; j + 4 <= n; j += 4) s = wasm_f32x4_add(s, wasm_v128_load(x + j));
  float sum = hsum(s);
  for (; j < n; j++) sum += x[j];
  float mean = sum / (float)n;
  v128_t mv = F4(mean), q = F4(0.0f);
  for (j = 0; j + 4 <= n; j += 4) {
    v128_t d = wasm_f32x4_sub(wasm_v128_load(x + j), mv);
    q = vfma(d, d, q);
  }
  float var = hsum(q);
  for (; j < n; j++) var += (x[j] - mean) * (x[j] - mean);
  *mean_out = mean;
  *rstd_out = 1.0f / wasm_f32x4_extract_lane(wasm_f32x4_sqrt(F4(var / (float)n + eps)), 0);
}
