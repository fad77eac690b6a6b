/** Turning values into tensors and tensors back into values. */
import { backends } from '../backend/global';
import { type DType, isFloat, type TypedArray } from '../dtype';
import { ArgumentError, GraftError } from '../errors';
import { keep } from '../memory';
import { Tensor } from '../tensor';
import { full } from './creation';
import { makeView, runKernel } from './dispatch';

/** What binary ops accept besides tensors: plain numbers and booleans, broadcast as scalars. */
export type TensorLike = Tensor | number | boolean;

/**
 * The dtype a plain scalar takes next to a tensor, following PyTorch: a float tensor keeps its
 * dtype, an integer tensor stays integer for integral scalars and becomes float32 otherwise.
 */
export function scalarDType(value: number | boolean, like: DType): DType {
  if (typeof value === 'boolean') return 'bool';
  if (isFloat(like)) return like;
  return Number.isInteger(value) ? (like === 'bool' ? 'int32' : like) : 'float32';
}

/** A 0-d tensor for a scalar on the device of `like`. */
export function scalarLike(value: number | boolean, like: Tensor): Tensor {
  return full([], typeof value === 'boolean' ? Number(value) : value, { dtype: scalarDType(value, like.dtype), device: like.device });
}

/** Converts the operands of a binary op into tensors (scalars take the other side's device). */
export function toTensorPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor) return [a, scalarLike(b as number | boolean, a)];
  if (b instanceof Tensor) return [scalarLike(a, b), b];
  throw new ArgumentError('at least one operand must be a Tensor');
}

/** Accepts `f(2, 3)` and `f([2, 3])` for shape-like rest arguments. */
export function shapeArg(args: number[] | [number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);
}

/** Reads a tensor's elements in row-major order. */
export async function readData(t: Tensor): Promise<TypedArray> {
  const dense = denseOrCopy(t);
  try {
    return await dense.storage.backend.read(dense.storage.buffer, dense.dtype, dense.size);
  } finally {
    if (dense !== t) dense.dispose();
  }
}

/** Reads synchronously, on backends that can (the CPU). */
export function readDataSync(t: Tensor): TypedArray {
  const backend = t.storage.backend;
  if (!backend.readSync) {
    throw new GraftError('sync_read_unsupported', `backend '${backend.name}' cannot read synchronously; use \`await tensor.data()\``);
  }
  const dense = denseOrCopy(t);
  try {
    return backend.readSync(dense.storage.buffer, dense.dtype, dense.size);
  } finally {
    if (dense !== t) dense.dispose();
  }
}

/** @internal a dense, unscoped tensor with `t`'s values in `dtype` (`t` itself when it already is one). */
export function denseCopyOf(t: Tensor, dtype: DType = t.dtype): Tensor {
  if (t.dtype !== dtype) return keep(runKernel('cast', [t], { dtype }, t.shape, dtype));
  if (t.isContiguous && t.offset === 0 && t.storage.size === t.size) return keep(makeView(t, t.shape, t.strides, 0));
  return keep(runKernel('contiguous', [t], {}, t.shape, t.dtype));
}

function denseOrCopy(t: Tensor): Tensor {
  if (t.isContiguous && t.offset === 0) return t;
  // a dense copy outside the graph, kept out of scopes so the caller disposes it right away
  return keep(runKernel('contiguous', [t], {}, t.shape, t.dtype));
}

/** The one value of a one-element tensor, from its data. */
export function itemOf(t: Tensor, data: TypedArray): number {
  if (t.size !== 1) throw new ArgumentError(`item() needs a tensor with one element, got shape [${t.shape.join(', ')}]`);
  return Number(data[0]);
}

/** Nested arrays of numbers (booleans for `bool`). */
export function toNested(shape: readonly number[], data: TypedArray, bool = false): unknown {
  const at = (i: number) => (bool ? data[i] !== 0 : data[i]);
  if (shape.length === 0) return at(0);
  let pos = 0;
  const build = (d: number): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < shape[d]; i++) out.push(d === shape.length - 1 ? at(pos++) : build(d + 1));
    return out;
  };
  return build(0);
}

export { backends };
