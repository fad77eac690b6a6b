/**
 * IEEE binary16 (F16) and bfloat16 (BF16) conversions. Both encoders take float32 values and round
 * to nearest, ties to even — what `tensor.half()` / `tensor.bfloat16()` do in PyTorch — so weights
 * written by Graft equal the ones PyTorch would write from the same float32 tensor.
 */

// One scratch word viewed both ways: the fastest portable way to read a float32's bits in JS.
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The float32 bit pattern of `x` (after rounding `x` to float32). */
function f32Bits(x: number): number {
  scratchF32[0] = x;
  return scratchU32[0];
}

/** The float32 whose bit pattern is `bits`. */
function f32FromBits(bits: number): number {
  scratchU32[0] = bits;
  return scratchF32[0];
}

/**
 * Rounds `x` to float32 and then to the nearest binary16 bit pattern (ties to even). Values past
 * the largest half (65504, rounding boundary 65520) become ±Infinity; NaN stays a quiet NaN.
 */
export function encodeFloat16(x: number): number {
  const bits = f32Bits(x);
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const halfExp = exp - 127 + 15;
  if (halfExp >= 0x1f) return sign | 0x7c00;
  if (halfExp <= 0) {
    // Subnormal half (or zero): shift the full 24-bit significand down to units of 2^-24.
    const shift = 14 - halfExp;
    if (shift > 24) return sign;
    const sig = mant | 0x800000;
    return sign | roundShift(sig, shift);
  }
  // A carry out of the mantissa correctly bumps the exponent, up to and including Infinity.
  return sign | ((halfExp << 10) + roundShift(mant, 13));
}

/** `value >> shift`, rounded to nearest with ties to even (shift in 1..24, value < 2^24). */
function roundShift(value: number, shift: number): number {
  const q = value >>> shift;
  const rem = value - q * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q;
}

/** The value of a binary16 bit pattern (exact: every half is a float32). */
export function decodeFloat16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** Rounds `x` to float32 and then to the nearest bfloat16 bit pattern (ties to even); NaN stays a quiet NaN. */
export function encodeBFloat16(x: number): number {
  const bits = f32Bits(x);
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return (bits >>> 16) | 0x40;
  // Adding 0x7fff plus the lowest kept bit rounds half to even; the carry may reach Infinity, as it should.
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The value of a bfloat16 bit pattern (exact: bfloat16 is the top half of a float32). */
export function decodeBFloat16(b: number): number {
  return f32FromBits((b & 0xffff) << 16);
}

/** Encodes float32 values as binary16 bit patterns (round to nearest even). */
export function encodeFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = encodeFloat16(values[i]);
  return out;
}

/** Encodes float32 values as bfloat16 bit patterns (round to nearest even). */
export function encodeBFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = encodeBFloat16(values[i]);
  return out;
}

let f16Table: Float32Array | undefined;

/** All 65536 half values, built once on first use: a lookup beats bit-twiddling per element. */
function float16Table(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = decodeFloat16(h);
  }
  return f16Table;
}

/** Decodes binary16 bit patterns into `out` (a float32 or float64 array of the same length, allocated if omitted). */
export function decodeFloat16Array<T extends Float32Array | Float64Array = Float32Array>(bits: ArrayLike<number>, out?: T): T {
  const table = float16Table();
  const dst = out ?? (new Float32Array(bits.length) as T);
  for (let i = 0; i < bits.length; i++) dst[i] = table[bits[i] & 0xffff];
  return dst;
}

/** Decodes bfloat16 bit patterns into `out` (a float32 or float64 array of the same length, allocated if omitted). */
export function decodeBFloat16Array<T extends Float32Array | Float64Array = Float32Array>(bits: ArrayLike<number>, out?: T): T {
  const dst = out ?? (new Float32Array(bits.length) as T);
  if (dst instanceof Float32Array) {
    // Widen into the float32 array's own bits: one integer store per element, no float conversion.
    const words = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
    for (let i = 0; i < bits.length; i++) words[i] = (bits[i] & 0xffff) << 16;
  } else {
    for (let i = 0; i < bits.length; i++) dst[i] = decodeBFloat16(bits[i]);
  }
  return dst;
}
