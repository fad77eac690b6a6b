/**
 * Pieces every generated shader shares: WGSL types per dtype, the parameter ("meta") layout
 * builder, index decoding of strided views, and numerics helpers (NaN tests by bit pattern,
 * because WGSL lets compilers assume comparisons never see NaN).
 */
import type { DType } from '../../../dtype';
import { DTypeError } from '../../../errors';

/** The element type of a tensor's buffer. bool is stored as u32 0/1: WGSL has no 8-bit storage. */
export function storageType(dtype: DType): string {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'bool':
      return 'u32';
    case 'float16':
      return 'f16';
    default:
      throw new DTypeError(`the webgpu backend cannot hold ${dtype}`);
  }
}

/** The type arithmetic happens in: f32 for both float dtypes (f16 is storage only). */
export function computeType(dtype: DType): string {
  return dtype === 'float16' ? 'f32' : storageType(dtype);
}

/** Bytes per element in a GPU buffer. */
export function gpuBytesPerElement(dtype: DType): number {
  return dtype === 'float16' ? 2 : 4;
}

/** `enable f16;` when any binding stores f16. */
export function enables(dtypes: readonly DType[]): string {
  return dtypes.includes('float16') ? 'enable f16;\n' : '';
}

// one scratch word viewed both ways, to take a float32's bits without allocating
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** Kernel parameters as u32 words; positions are baked into the shader, values are not. */
export class Meta {
  /** The words; i32 values are kept negative here and stored as two's complement by the stream. */
  readonly words: number[] = [];
  /** Appends values, returns the position of the first. */
  u32(...v: number[]): number {
    const at = this.words.length;
    for (const x of v) this.words.push(x >>> 0);
    return at;
  }
  i32(...v: number[]): number {
    const at = this.words.length;
    for (const x of v) this.words.push(x | 0);
    return at;
  }
  f32(...v: number[]): number {
    const at = this.words.length;
    for (const x of v) {
      scratchF32[0] = x;
      this.words.push(scratchU32[0]);
    }
    return at;
  }
  /** The words, for `CommandStream.dispatch` (which copies them into its arena). */
  array(): readonly number[] {
    return this.words;
  }
}

/**
 * WGSL that splits the flat row-major index `idx` over a shape read from `prm[shapeAt..]` into
 * coordinates `${p}0 … ${p}{rank-1}` (u32).
 */
export function decode(idx: string, rank: number, shapeAt: number, p: string): string {
  if (rank === 0) return '';
  const lines = [`var ${p}rem = ${idx};`];
  for (let d = rank - 1; d >= 0; d--) {
    if (d === 0) lines.push(`let ${p}0 = ${p}rem;`);
    else lines.push(`let ${p}${d} = ${p}rem % prm[${shapeAt + d}]; ${p}rem = ${p}rem / prm[${shapeAt + d}];`);
  }
  return lines.join('\n  ');
}

/** A u32 expression: `prm[offAt] + Σ coord_d · prm[stridesAt + d]`, in i32 so strides may be negative. */
export function offsetExpr(p: string, rank: number, offAt: number, stridesAt: number): string {
  let e = `i32(prm[${offAt}])`;
  for (let d = 0; d < rank; d++) e += ` + i32(${p}${d}) * i32(prm[${stridesAt + d}])`;
  return `u32(${e})`;
}

/** Numerics helpers shared by kernels; unused functions cost nothing. */
export const HELPERS = /* wgsl */ `
fn isnan_(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
// private vars, not constants: constant evaluation rejects NaN and infinity
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nan_() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_() -> f32 { return bitcast<f32>(INF_BITS); }
fn isninf_(v: f32) -> bool { return bitcast<u32>(v) == 0xff800000u; }
fn erf_(x: f32) -> f32 {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), odd extension
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return select(select(y, -y, x < 0.0), x, isnan_(x));
}
fn tanh_(x: f32) -> f32 {
  // the builtin overflows to NaN for large |x| on some drivers; tanh(±15) is ±1 in f32
  return select(tanh(clamp(x, -15.0, 15.0)), x, isnan_(x));
}
fn pow_(a: f32, b: f32) -> f32 {
  // WGSL pow is exp2(b·log2(a)): undefined for a <= 0, so handle signs and zeros like Math.pow
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  if (b == 0.0) { return 1.0; }
  let m = abs(a);
  if (m == 0.0) {
    let odd = fract(b * 0.5) == 0.5;
    let neg = (bitcast<u32>(a) & 0x80000000u) != 0u;
    if (b > 0.0) { return select(0.0, a, odd); }
    return select(inf_(), -inf_(), odd && neg);
  }
  let r = exp2(b * log2(m));
  if (a > 0.0) { return r; }
  if (fract(b) != 0.0) { return nan_(); }
  return select(r, -r, fract(b * 0.5) == 0.5);
}
fn fmod_(a: f32, b: f32) -> f32 {
  let r = a - b * trunc(a / b);
  return select(r, r + b, r != 0.0 && ((r < 0.0) != (b < 0.0)));
}
fn imod_(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));
}
fn sincos_(x: f32) -> vec2<f32> {
  // WGSL only promises 2^-11 absolute error for sin/cos (SwiftShader is that coarse), so reduce by
  // pi/2 in two parts (Cody-Waite) and evaluate Taylor polynomials on [-pi/4, pi/4] instead
  let q = round(x * 0.6366197723675814);
  let r = (x - q * 1.5707963705062866) + q * 4.371139000186243e-8;
  let r2 = r * r;
  let s = r + r * r2 * (-0.16666666666666666 + r2 * (0.008333333333333333 + r2 * (-0.0001984126984126984 + r2 * 2.7557319223985893e-6)));
  let c = 1.0 + r2 * (-0.5 + r2 * (0.041666666666666664 + r2 * (-0.001388888888888889 + r2 * 2.48015873015873e-5)));
  let k = i32(q) & 3;
  if (k == 0) { return vec2<f32>(s, c); }
  if (k == 1) { return vec2<f32>(c, -s); }
  if (k == 2) { return vec2<f32>(-s, -c); }
  return vec2<f32>(-c, s);
}
fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
`;

/**
 * WGSL statements reducing `sh[0..size)` (a workgroup array) with `op` into `sh[0]`; every
 * lane must reach it (it contains barriers). `size` is a power of two.
 */
export function treeReduce(size: number, op: (a: string, b: string) => string): string {
  return `workgroupBarrier();
  for (var s = ${size / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { let ra = sh[lid]; let rb = sh[lid + s]; sh[lid] = ${op('ra', 'rb')}; }
    workgroupBarrier();
  }`;
}

/** Workgroup counts for `groups` workgroups, folded into y when x would exceed the device limit. */
export function grid(groups: number, maxPerDim: number): [number, number, number] {
  if (groups <= maxPerDim) return [Math.max(1, groups), 1, 1];
  const x = maxPerDim;
  return [x, Math.ceil(groups / x), 1];
}
