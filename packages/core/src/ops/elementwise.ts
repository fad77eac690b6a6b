/** Elementwise ops: unary math, broadcasting binary arithmetic and comparisons, where, cast. */
import { type DType, isFloat, promoteTypes } from '../dtype';
import { ArgumentError } from '../errors';
import { scope } from '../memory';
import { broadcastShapesFor, shapesEqual } from '../shape';
import { Tensor } from '../tensor';
import { toTensorPair, type TensorLike, scalarLike } from './convert';
import { record } from '../autograd/record';
import { checkSameDevice, runKernel } from './dispatch';
import { expand } from './views';
import { type BinaryOp, COMPARISON_OPS, type UnaryOp } from './spec';

/** Unary ops that make no sense on integers: their integer inputs are computed in float32. */
const FLOAT_ONLY: ReadonlySet<UnaryOp> = new Set(['exp', 'log', 'sqrt', 'rsqrt', 'recip', 'tanh', 'sigmoid', 'erf', 'sin', 'cos']);

function unary(op: UnaryOp, x: Tensor): Tensor {
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

export const neg = (x: Tensor) => unary('neg', x);
export const abs = (x: Tensor) => unary('abs', x);
export const sign = (x: Tensor) => unary('sign', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const rsqrt = (x: Tensor) => unary('rsqrt', x);
export const reciprocal = (x: Tensor) => unary('recip', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
export const relu = (x: Tensor) => unary('relu', x);
export const erf = (x: Tensor) => unary('erf', x);
export const sin = (x: Tensor) => unary('sin', x);
export const cos = (x: Tensor) => unary('cos', x);
export const floor = (x: Tensor) => unary('floor', x);
export const ceil = (x: Tensor) => unary('ceil', x);
export const round = (x: Tensor) => unary('round', x);
export const logicalNot = (x: Tensor) => unary('logicalNot', x);

export const add = (a: TensorLike, b: TensorLike) => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike) => binary('sub', a, b);
/** `other - x` (as `torch.rsub`). */
export const rsub = (x: TensorLike, other: TensorLike) => binary('sub', other, x);
export const mul = (a: TensorLike, b: TensorLike) => binary('mul', a, b);
export const div = (a: TensorLike, b: TensorLike) => binary('div', a, b);
export const pow = (a: TensorLike, b: TensorLike) => binary('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike) => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike) => binary('minimum', a, b);
/** Remainder with the sign of the divisor (Python's `%`, `torch.remainder`). */
export const mod = (a: TensorLike, b: TensorLike) => binary('mod', a, b);
export const eq = (a: TensorLike, b: TensorLike) => binary('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike) => binary('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike) => binary('lt', a, b);
export const le = (a: TensorLike, b: TensorLike) => binary('le', a, b);
export const gt = (a: TensorLike, b: TensorLike) => binary('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike) => binary('ge', a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike) => binary('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike) => binary('logicalOr', a, b);

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

/** `mask ? value : x`. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkSameDevice('maskedFill', [x, mask]);
  return where(mask, value, x);
}
