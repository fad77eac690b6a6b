/**
 * JS numbers entering an int32 tensor. A plain assignment into an Int32Array wraps and truncates
 * silently (2^32 + 5 becomes 5, 1.9 becomes 1, NaN becomes 0), so creation checks every value
 * instead: by default each must be an integer in int32's range. `rounding: 'truncate'` accepts
 * fractions and drops them toward zero (what `cast()` does between tensors, as in PyTorch); NaN,
 * ±Infinity and values outside the range are errors either way, since no int32 means them.
 */
import { LossyConversionError } from '../errors';

/** How creation functions turn numbers into int32 (ignored for other dtypes). */
export type IntRounding = 'exact' | 'truncate';

/** The option of the creation functions that take numbers (`tensor`, `full`, `arange`, `linspace`). */
export interface IntConversionOptions {
  /**
   * For int32 tensors made from numbers: `'exact'` (the default) throws a LossyConversionError
   * naming the first value that is not an integer in [-2^31, 2^31 - 1]; `'truncate'` drops
   * fractions toward zero, as `cast()` does, and still throws for NaN, ±Infinity and values out
   * of range. To wrap out-of-range values on purpose, pass an Int32Array you filled yourself.
   */
  rounding?: IntRounding;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** `value` (the element at `index`) as an int32, or a LossyConversionError from `fn`. */
export function toInt32(value: number, index: number, rounding: IntRounding | undefined, fn: string): number {
  // (v | 0) === v exactly for integers in range: the fast path for every well-formed value
  if ((value | 0) === value) return value;
  const v = rounding === 'truncate' ? Math.trunc(value) : value;
  if (Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX) return v;
  const why =
    Number.isNaN(value) || !Number.isFinite(value)
      ? `${value} has no int32 value`
      : Number.isInteger(v)
        ? `${value} is outside int32's range [-2147483648, 2147483647]`
        : `${value} is not an integer`;
  const fix =
    Number.isInteger(v) || !Number.isFinite(value)
      ? "use dtype 'float32' or 'float64'"
      : "pass { rounding: 'truncate' } to drop fractions toward zero, or use dtype 'float32'";
  throw new LossyConversionError(`${fn}: value ${why} (at index ${index}); ${fix}`, value, index);
}

/** Checks (and with `'truncate'`, truncates) every element of an int32 array being filled from `values`. */
export function fillInt32(out: Int32Array, values: ArrayLike<number>, rounding: IntRounding | undefined, fn: string): Int32Array {
  for (let i = 0; i < values.length; i++) out[i] = toInt32(values[i], i, rounding, fn);
  return out;
}
