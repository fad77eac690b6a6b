/** Elementwise ops: unary math, broadcasting binary arithmetic and comparisons, where, cast. */
import { type DType, isFloat, promoteTypes } from '../dtype';
import { ArgumentError, DTypeError } from '../errors';
import { scope } from '../memory';
import { broadcastShapesFor, shapesEqual } from '../shape';
import { Tensor } from '../tensor';
import { toTensorPair, type TensorLike, scalarLike } from './convert';
import { record } from '../autograd/record';
import { checkSameDevice, runKernel } from './dispatch';
import { expand } from './views';
import { type BinaryOp, COMPARISON_OPS, type UnaryOp } from './spec';

/**
 * Unary ops whose integer (and bool) inputs are computed in float32, as PyTorch promotes them
 * (`torch.exp(int_tensor)` is float). Composites that PyTorch defines for floats only (softmax,
 * gelu, layerNorm, …) throw a DTypeError on integers instead (`checkFloat`).
 */
const FLOAT_ONLY: ReadonlySet<UnaryOp> = new Set(['exp', 'log', 'sqrt', 'rsqrt', 'recip', 'tanh', 'sigmoid', 'erf', 'sin', 'cos']);

function unary(op: UnaryOp, x: Tensor): Tensor {
  if (op === 'neg' && x.dtype === 'bool') {
    throw new DTypeError('neg(): a bool tensor cannot be negated (as in PyTorch); to invert a mask, use logicalNot(mask)');
  }
  return scope(() => {
    let input = x;
    if (op === 'logicalNot' && x.dtype !== 'bool') input = cast(x, 'bool');
    else if (FLOAT_ONLY.has(op) && !isFloat(x.dtype)) input = cast(x, 'float32');
    const out = runKernel('unary', [input], { op }, input.shape, input.dtype);
    return record(op, [input], out, {});
  });
}

/** Broadcasts `t` to `shape` unless it already has it. */
function broadcastTo(t: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(t.shape, shape) ? t : expand(t, [...shape]);
}

function castTo(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : cast(t, dtype);
}

function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  return scope(() => {
    let [ta, tb] = toTensorPair(a, b);
    let dtype = promoteTypes(ta.dtype, tb.dtype);
    if (op === 'logicalAnd' || op === 'logicalOr') dtype = 'bool';
    else if (op === 'div' && !isFloat(dtype))
      dtype = 'float32'; // true division, as in PyTorch
    else if (dtype === 'bool' && !COMPARISON_OPS.has(op)) dtype = 'int32';
    const shape = broadcastShapesFor(op, [ta.shape, tb.shape]);
    ta = broadcastTo(castTo(ta, dtype), shape);
    tb = broadcastTo(castTo(tb, dtype), shape);
    const out = runKernel('binary', [ta, tb], { op }, shape, COMPARISON_OPS.has(op) ? 'bool' : dtype);
    return record(op, [ta, tb], out, {});
  });
}

/** `-x`, elementwise (integers stay integers; a bool tensor throws, use `logicalNot`). */
export const neg = (x: Tensor) => unary('neg', x);
/** `|x|`, elementwise. */
export const abs = (x: Tensor) => unary('abs', x);
/** -1 or 1 by the sign of each element; ±0 and NaN are kept. */
export const sign = (x: Tensor) => unary('sign', x);
/** `eˣ`, elementwise; integer inputs give float32. */
export const exp = (x: Tensor) => unary('exp', x);
/** The natural logarithm, elementwise (NaN below 0, -Infinity at 0); integer inputs give float32. */
export const log = (x: Tensor) => unary('log', x);
/** `√x`, elementwise (NaN below 0); integer inputs give float32. */
export const sqrt = (x: Tensor) => unary('sqrt', x);
/** `1/√x`, elementwise; integer inputs give float32. */
export const rsqrt = (x: Tensor) => unary('rsqrt', x);
/** `1/x`, elementwise; integer inputs give float32. */
export const reciprocal = (x: Tensor) => unary('recip', x);
/** The hyperbolic tangent, elementwise; integer inputs give float32. */
export const tanh = (x: Tensor) => unary('tanh', x);
/** `1/(1 + e⁻ˣ)`, elementwise; integer inputs give float32. */
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
/** `max(0, x)`, elementwise; the gradient at 0 is 0, as in PyTorch. */
export const relu = (x: Tensor) => unary('relu', x);
/** The Gauss error function, elementwise; integer inputs give float32. */
export const erf = (x: Tensor) => unary('erf', x);
/** The sine (radians), elementwise; integer inputs give float32. */
export const sin = (x: Tensor) => unary('sin', x);
/** The cosine (radians), elementwise; integer inputs give float32. */
export const cos = (x: Tensor) => unary('cos', x);
/** Rounds down, elementwise (integers are returned as they are). */
export const floor = (x: Tensor) => unary('floor', x);
/** Rounds up, elementwise (integers are returned as they are). */
export const ceil = (x: Tensor) => unary('ceil', x);
/** Rounds to the nearest integer, halves to even (as `torch.round`: 0.5 → 0, 1.5 → 2). */
export const round = (x: Tensor) => unary('round', x);
/** `!x` as a bool tensor (non-zero is true). */
export const logicalNot = (x: Tensor) => unary('logicalNot', x);

/** `a + b`, broadcasting, in the promoted dtype (bool + bool is int32). */
export const add = (a: TensorLike, b: TensorLike) => binary('add', a, b);
/** `a - b`, broadcasting, in the promoted dtype. */
export const sub = (a: TensorLike, b: TensorLike) => binary('sub', a, b);
/** `other - x` (as `torch.rsub`). */
export const rsub = (x: TensorLike, other: TensorLike) => binary('sub', other, x);
/** `a · b`, elementwise, broadcasting, in the promoted dtype. */
export const mul = (a: TensorLike, b: TensorLike) => binary('mul', a, b);
/** True division `a / b`, broadcasting: integer operands give float32, as in PyTorch. */
export const div = (a: TensorLike, b: TensorLike) => binary('div', a, b);
/**
 * `aᵇ`, elementwise, broadcasting. An integer base with a negative integer scalar exponent throws
 * (the result is not an integer), as in PyTorch; use a float base or exponent.
 */
export const pow = (a: TensorLike, b: TensorLike) => {
  if (a instanceof Tensor && !isFloat(a.dtype) && typeof b === 'number' && Number.isInteger(b) && b < 0) {
    throw new DTypeError(
      `pow(): integers to negative integer powers are not allowed (${a.dtype} base, exponent ${b}), as in PyTorch: cast the base with .cast('float32')`,
    );
  }
  return binary('pow', a, b);
};
/** The larger of `a` and `b`, elementwise, broadcasting (NaN if either is NaN). */
export const maximum = (a: TensorLike, b: TensorLike) => binary('maximum', a, b);
/** The smaller of `a` and `b`, elementwise, broadcasting (NaN if either is NaN). */
export const minimum = (a: TensorLike, b: TensorLike) => binary('minimum', a, b);
/** Remainder with the sign of the divisor (Python's `%`, `torch.remainder`). */
export const mod = (a: TensorLike, b: TensorLike) => binary('mod', a, b);
/** `a == b` as a bool tensor, broadcasting. */
export const eq = (a: TensorLike, b: TensorLike) => binary('eq', a, b);
/** `a != b` as a bool tensor, broadcasting. */
export const ne = (a: TensorLike, b: TensorLike) => binary('ne', a, b);
/** `a < b` as a bool tensor, broadcasting. */
export const lt = (a: TensorLike, b: TensorLike) => binary('lt', a, b);
/** `a <= b` as a bool tensor, broadcasting. */
export const le = (a: TensorLike, b: TensorLike) => binary('le', a, b);
/** `a > b` as a bool tensor, broadcasting. */
export const gt = (a: TensorLike, b: TensorLike) => binary('gt', a, b);
/** `a >= b` as a bool tensor, broadcasting. */
export const ge = (a: TensorLike, b: TensorLike) => binary('ge', a, b);
/** `a && b` as a bool tensor (non-zero is true), broadcasting. */
export const logicalAnd = (a: TensorLike, b: TensorLike) => binary('logicalAnd', a, b);
/** `a || b` as a bool tensor (non-zero is true), broadcasting. */
export const logicalOr = (a: TensorLike, b: TensorLike) => binary('logicalOr', a, b);

/** `x · x`, elementwise. */
export function square(x: Tensor): Tensor {
  return mul(x, x);
}

/** `cond ? a : b`, elementwise, broadcasting all three. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  return scope(() => {
    const c0 = castTo(cond, 'bool');
    let [ta, tb] = toTensorPair(a instanceof Tensor || b instanceof Tensor ? a : scalarLike(a, c0), b);
    const dtype = promoteTypes(ta.dtype, tb.dtype);
    const shape = broadcastShapesFor('where', [c0.shape, ta.shape, tb.shape]);
    const c = broadcastTo(c0, shape);
    ta = broadcastTo(castTo(ta, dtype), shape);
    tb = broadcastTo(castTo(tb, dtype), shape);
    const out = runKernel('where', [c, ta, tb], {}, shape, dtype);
    return record('where', [c, ta, tb], out, {});
  });
}

/** Limits values to `[min, max]`; the gradient is 1 inside the range, boundaries included. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  if (min != null && max != null && min > max) throw new ArgumentError(`clamp: min ${min} is greater than max ${max}`);
  return scope(() => {
    let y = x;
    if (min != null) y = where(lt(y, min), min, y);
    if (max != null) y = where(gt(y, max), max, y);
    return y === x ? mul(x, 1) : y;
  });
}

/** Converts to another dtype (float → int truncates toward zero; anything → bool is `x != 0`). */
export function cast(x: Tensor, dtype: DType): Tensor {
  return scope(() => {
    const out = runKernel('cast', [x], { dtype }, x.shape, dtype);
    return isFloat(dtype) && isFloat(x.dtype) ? record('cast', [x], out, { dtype }) : out;
  });
}

/** `value` where `mask` is true, `x` elsewhere (as `torch.Tensor.masked_fill`). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkSameDevice('maskedFill', [x, mask]);
  return where(mask, value, x);
}
