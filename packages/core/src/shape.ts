/** Pure functions over shapes and strides. Nothing here allocates tensors. */
import { ArgumentError, ShapeError } from './errors';

/** A tensor's dimensions, outermost first (`[]` for a scalar). */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a dense tensor. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Whether a view with these strides is dense and row-major (size-1 dims may have any stride). */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Whether two shapes are the same (same rank, same dims). */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A shape as `[2, 3]`, for messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** NumPy broadcasting: align from the right; each pair of dims must be equal or contain a 1. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  return broadcastShapesFor(null, shapes);
}

/** `broadcastShapes` for the op `op`, which its error names (the function the user called). */
export function broadcastShapesFor(op: string | null, shapes: readonly Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new ShapeError(
          `${op ? `${op}(): ` : ''}shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together (dim ${o - rank}: ${out[o]} vs ${d})`,
        );
      }
    }
  }
  return out;
}

/**
 * Checks a shape given by a user (creation functions, `tensor(…, { shape })`, reshape and expand
 * targets, random tensors): an array of non-negative integers whose element count is a safe
 * integer. Throws a ShapeError naming the first bad dimension, so `zeros([-1])`, `zeros([1.5])`
 * and `zeros([NaN])` fail where they are written, on every backend, rather than at a later read.
 */
export function checkShape(shape: readonly number[], what = 'shape'): readonly number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${what} must be an array of non-negative integers, got ${shape === null ? 'null' : typeof shape}`);
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${what} ${formatShapeShort(shape)}: dimension ${i} is ${typeof d === 'number' ? d : `${typeof d} ${String(d).slice(0, 20)}`}; dimensions must be non-negative integers`,
      );
    }
    size *= d;
  }
  if (!Number.isSafeInteger(size)) throw new ShapeError(`${what} ${formatShapeShort(shape)} has ${size} elements, more than any device can hold`);
  return shape;
}

/** A shape for a message, its first 8 dims only (a hostile shape may be long). */
function formatShapeShort(shape: readonly unknown[]): string {
  return shape.length <= 8 ? `[${shape.join(', ')}]` : `[${shape.slice(0, 8).join(', ')}, … (${shape.length} dims)]`;
}

/** Resolves a possibly negative axis against a rank, with a clear error. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis)) throw new ArgumentError(`${what} must be an integer, got ${axis}`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= Math.max(rank, 1)) {
    throw new ArgumentError(`${what} ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Resolves an optional axis or axes list to sorted, unique, non-negative axes (all axes when omitted). */
export function normalizeAxes(axes: number | readonly number[] | undefined | null, rank: number): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(a, rank)))].sort((x, y) => x - y);
  if (out.length !== list.length) throw new ArgumentError(`repeated axis in [${list.join(', ')}]`);
  return out;
}

/** Validates a shape given by a user: non-negative integers, at most one -1 (inferred). */
export function resolveShape(shape: readonly number[], size: number): number[] {
  let inferred = -1;
  let known = 1;
  shape.forEach((d, i) => {
    if (d === -1) {
      if (inferred >= 0) throw new ShapeError(`only one dimension can be -1 in ${formatShape(shape)}`);
      inferred = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`shape ${formatShapeShort(shape)}: dimension ${i} is ${d}; dimensions must be non-negative integers (or one -1, inferred)`);
    } else known *= d;
  });
  const out = [...shape];
  if (inferred >= 0) {
    if (known === 0 || size % known !== 0) throw new ShapeError(`cannot reshape ${size} elements into ${formatShape(shape)}`);
    out[inferred] = size / known;
  } else if (known !== size) {
    throw new ShapeError(`cannot reshape ${size} elements into ${formatShape(shape)}`);
  }
  return out;
}

/** A shape with merged dims, and each operand's strides aligned with it (see `collapseDims`). */
export interface Collapsed {
  /** Sizes, outermost first. */
  shape: number[];
  /** strides[k] are operand k's element strides, aligned with `shape`. */
  strides: number[][];
}

/**
 * Merges adjacent dims that every operand walks as one (its stride over the outer dim equals
 * stride · size of the inner) and drops size-1 dims, so kernels see few levels: a dense
 * [32, 128, 768] tensor becomes one dim of 3 145 728; a row vector broadcast over a matrix
 * becomes [rows (stride 0), cols (stride 1)]. The WASM, TypeScript-row and WebGPU kernels share it.
 */
export function collapseDims(shape: Shape, strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d];
    if (size === 1) continue;
    if (outShape.length > 0 && strides.every((s, k) => s[d] === outStrides[k][0] * outShape[0])) {
      outShape[0] *= size;
    } else {
      outShape.unshift(size);
      strides.forEach((s, k) => outStrides[k].unshift(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}
