/** Reductions over any set of axes, with keepDims. */
import { isFloat } from '../dtype';
import { ArgumentError } from '../errors';
import { scope } from '../memory';
import { normalizeAxes, normalizeAxis, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { add, cast, div, exp, log, mul, sqrt, sub, where } from './elementwise';
import { record } from '../autograd/record';
import { runKernel } from './dispatch';
import { detach, reshape } from './views';
import type { ReduceOp } from './spec';

/** The axes a reduction runs over: one, several, or all of them when null or omitted. */
export type Axes = number | readonly number[] | null | undefined;

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduce(op: ReduceOp, x: Tensor, axis: Axes, keepDims: boolean): Tensor {
  const axes = normalizeAxes(axis, x.rank);
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ArgumentError(`${op}() of an empty dim is undefined (shape [${x.shape.join(', ')}])`);
  }
  return scope(() => {
    const input = x.dtype === 'bool' ? cast(x, 'int32') : x;
    const shape = x.shape.filter((_, i) => !axes.includes(i));
    const out = record(op, [input], runKernel('reduce', [input], { op, axes }, shape, input.dtype), { axes });
    return keepDims ? reshape(out, keptShape(x.shape, axes)) : out;
  });
}

/** Sum over `axis` (all axes when omitted). */
export const sum = (x: Tensor, axis?: Axes, keepDims = false) => reduce('sum', x, axis, keepDims);
/** Product over `axis` (all axes when omitted). */
export const prod = (x: Tensor, axis?: Axes, keepDims = false) => reduce('prod', x, axis, keepDims);
/** Maximum over `axis` (all axes when omitted); NaN if any element is NaN, an error over an empty dim. */
export const max = (x: Tensor, axis?: Axes, keepDims = false) => reduce('max', x, axis, keepDims);
/** Minimum over `axis` (all axes when omitted); NaN if any element is NaN, an error over an empty dim. */
export const min = (x: Tensor, axis?: Axes, keepDims = false) => reduce('min', x, axis, keepDims);

/** Sums `g` down to `shape` over the dims broadcasting added (the adjoint of expand). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  return scope(() => {
    const lead = g.rank - shape.length;
    const axes: number[] = [];
    g.shape.forEach((d, i) => {
      if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
    });
    return reshape(sum(g, axes), shape);
  });
}

/** Number of elements a reduction over `axis` combines. */
function countOf(x: Tensor, axis: Axes): number {
  return normalizeAxes(axis, x.rank).reduce((n, a) => n * x.shape[a], 1);
}

/** Arithmetic mean; integer inputs give float32. */
export function mean(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return scope(() => {
    const input = isFloat(x.dtype) ? x : cast(x, 'float32');
    return div(sum(input, axis, keepDims), countOf(x, axis));
  });
}

/** Options of `variance` and `std`: the correction and whether to keep the reduced axes. */
export interface VarOptions {
  /** Subtracted from the count in the denominator: 1 (default) is Bessel's correction, 0 the population variance. */
  correction?: number;
  keepDims?: boolean;
}

/** Variance (unbiased by default, as `torch.var`). */
export function variance(x: Tensor, axis?: Axes, opts: VarOptions = {}): Tensor {
  const { correction = 1, keepDims = false } = opts;
  return scope(() => {
    const input = isFloat(x.dtype) ? x : cast(x, 'float32');
    const centered = sub(input, mean(input, axis, true));
    const n = countOf(x, axis);
    return div(sum(mul(centered, centered), axis, keepDims), Math.max(n - correction, 0));
  });
}

/** Standard deviation (unbiased by default). */
export function std(x: Tensor, axis?: Axes, opts: VarOptions = {}): Tensor {
  return scope(() => sqrt(variance(x, axis, opts)));
}

/**
 * `log(sum(exp(x)))`, computed stably around the maximum. The maximum is held constant for
 * autograd: its contribution to the gradient cancels exactly.
 */
export function logsumexp(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return scope(() => {
    const m = detach(max(x, axis, true));
    // an all -inf row would give inf - inf; shift by 0 there instead
    const shift = where(m.abs().lt(Infinity), m, 0);
    const s = log(sum(exp(sub(x, shift)), axis, true));
    const out = add(s, shift);
    return keepDims
      ? out
      : reshape(
          out,
          x.shape.filter((_, i) => !normalizeAxes(axis, x.rank).includes(i)),
        );
  });
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number | null | undefined, keepDims: boolean): Tensor {
  return scope(() => {
    if (axis == null) {
      const flat = reshape(x, [x.size]);
      const out = argReduce(op, flat, 0, false);
      return keepDims
        ? reshape(
            out,
            x.shape.map(() => 1),
          )
        : out;
    }
    const a = normalizeAxis(axis, x.rank);
    if (x.shape[a] === 0) throw new ArgumentError(`${op}() of an empty dim is undefined`);
    const shape = x.shape.filter((_, i) => i !== a);
    const out = runKernel('argReduce', [x], { op, axis: a }, shape, 'int32');
    return keepDims ? reshape(out, keptShape(x.shape, [a])) : out;
  });
}

/** Index of the largest value along `axis` (of the flattened tensor when omitted); first one on ties. */
export const argmax = (x: Tensor, axis?: number | null, keepDims = false) => argReduce('argmax', x, axis, keepDims);
/** Index of the smallest value along `axis` (of the flattened tensor when omitted); first one on ties. */
export const argmin = (x: Tensor, axis?: number | null, keepDims = false) => argReduce('argmin', x, axis, keepDims);
