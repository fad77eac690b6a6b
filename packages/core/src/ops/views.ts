/**
 * View ops: reshape (of contiguous data), permute, expand, slice and detach share storage and
 * run no kernel; contiguous and clone copy only when they must. Every other op builds on these,
 * so this file imports nothing but the dispatch funnel and recording.
 */
import { record } from '../autograd/record';
import { ArgumentError, ShapeError } from '../errors';
import { scope } from '../memory';
import { checkShape, contiguousStrides, formatShape, normalizeAxis, resolveShape } from '../shape';
import type { Tensor } from '../tensor';
import { makeView, runKernel } from './dispatch';

/** A new shape for the same elements; copies first when the data is not contiguous. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveShape(shape, x.size);
  return scope(() => {
    const src = x.isContiguous ? x : contiguous(x);
    const out = makeView(src, target, contiguousStrides(target), src.offset);
    return record('reshape', [src], out, { shape: target });
  });
}

/** Like reshape, but never copies: throws when the data is not contiguous. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  if (!x.isContiguous) throw new ShapeError(`view() needs a contiguous tensor (shape ${formatShape(x.shape)}); use reshape() or contiguous()`);
  return reshape(x, shape);
}

/** Flattens dims `startAxis..endAxis` (inclusive) into one. */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis(startAxis, x.rank);
  const e = normalizeAxis(endAxis, x.rank);
  if (e < s) throw new ArgumentError(`flatten: endAxis ${endAxis} comes before startAxis ${startAxis}`);
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Reorders dims: output dim i is input dim `perm[i]`. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.rank) throw new ShapeError(`permute needs ${x.rank} axes for shape ${formatShape(x.shape)}, got [${perm.join(', ')}]`);
  const p = perm.map((a) => normalizeAxis(a, x.rank));
  if (new Set(p).size !== p.length) throw new ArgumentError(`permute: repeated axis in [${perm.join(', ')}]`);
  return scope(() => {
    const out = makeView(
      x,
      p.map((a) => x.shape[a]),
      p.map((a) => x.strides[a]),
      x.offset,
    );
    return record('permute', [x], out, { perm: p });
  });
}

/** Swaps two axes (the last two by default). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const perm = x.shape.map((_, i) => i);
  const [i, j] = [normalizeAxis(axis0, x.rank), normalizeAxis(axis1, x.rank)];
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return permute(x, perm);
}

/** Broadcasts to `shape` without copying (size-1 dims get stride 0; -1 keeps a dim). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.rank;
  if (lead < 0) throw new ShapeError(`cannot expand shape ${formatShape(x.shape)} to fewer dims ${formatShape(shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  checkShape(target, 'expand target');
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    const src = x.shape[i - lead];
    if (src === d) return x.strides[i - lead];
    if (src === 1) return 0;
    throw new ShapeError(`cannot expand shape ${formatShape(x.shape)} to ${formatShape(shape)} (dim ${i}: ${src} vs ${d})`);
  });
  return scope(() => {
    const out = makeView(x, target, strides, x.offset);
    return record('expand', [x], out, { shape: target });
  });
}

/** Removes size-1 dims (all of them, or the given ones). */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  const axes =
    axis === undefined
      ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
      : (typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis(a, x.rank));
  for (const a of axes) if (x.shape[a] !== 1) throw new ShapeError(`squeeze: dim ${a} of shape ${formatShape(x.shape)} is not 1`);
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Inserts a size-1 dim at `axis` (which may be `rank`, or negative). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** One entry per dim: an index (removes the dim), `[start, stop, step]` pieces, or null for all. */
export type SliceRange = number | null | readonly [start?: number | null, stop?: number | null, step?: number | null];

/**
 * Strided slicing with Python semantics (negative indices count from the end, out-of-range
 * bounds clamp). Missing trailing entries take the whole dim. A view: no copy.
 * @example x.slice([null, [1, -1]]) // x[:, 1:-1]
 */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  if (ranges.length > x.rank) throw new ShapeError(`slice: ${ranges.length} ranges for a tensor of rank ${x.rank}`);
  const starts: number[] = [];
  const stops: number[] = [];
  const steps: number[] = [];
  const drop: number[] = [];
  x.shape.forEach((dim, d) => {
    const r = ranges[d];
    if (typeof r === 'number') {
      const i = r < 0 ? r + dim : r;
      if (!Number.isInteger(r) || i < 0 || i >= dim) throw new ArgumentError(`index ${r} is out of range for dim ${d} of size ${dim}`);
      starts.push(i), stops.push(i + 1), steps.push(1), drop.push(d);
      return;
    }
    const [s, e, st] = r ?? [];
    const step = st ?? 1;
    if (!Number.isInteger(step) || step <= 0) throw new ArgumentError(`slice step must be a positive integer, got ${step}`);
    const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const start = s == null ? 0 : clampIdx(s);
    const stop = e == null ? dim : clampIdx(e);
    starts.push(start), stops.push(Math.max(stop, start)), steps.push(step);
  });
  return scope(() => {
    const sliced = sliceRaw(x, starts, stops, steps);
    return drop.length
      ? reshape(
          sliced,
          sliced.shape.filter((_, i) => !drop.includes(i)),
        )
      : sliced;
  });
}

/** @internal the slice primitive on normalised, in-range bounds */
export function sliceRaw(x: Tensor, starts: number[], stops: number[], steps: number[]): Tensor {
  const shape = starts.map((s, d) => Math.max(0, Math.ceil((stops[d] - s) / steps[d])));
  const offset = x.offset + starts.reduce((acc, s, d) => acc + s * x.strides[d], 0);
  return scope(() => {
    const out = makeView(
      x,
      shape,
      x.strides.map((st, d) => st * steps[d]),
      offset,
    );
    return record('slice', [x], out, { starts, stops, steps });
  });
}

/** `length` elements of `axis` from `start`. */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis(axis, x.rank);
  if (start < 0 || length < 0 || start + length > x.shape[a]) {
    throw new ArgumentError(`narrow: [${start}, ${start + length}) is outside dim ${a} of size ${x.shape[a]}`);
  }
  const starts = x.shape.map(() => 0);
  const stops = [...x.shape];
  starts[a] = start;
  stops[a] = start + length;
  return sliceRaw(
    x,
    starts,
    stops,
    x.shape.map(() => 1),
  );
}

/** A dense, row-major copy (a view when already dense). */
export function contiguous(x: Tensor): Tensor {
  return scope(() => {
    const out = x.isContiguous ? makeView(x, x.shape, x.strides, x.offset) : runKernel('contiguous', [x], {}, x.shape, x.dtype);
    return record('contiguous', [x], out, {});
  });
}

/** A new leaf that shares `x`'s data but is cut from the graph. */
export function detach(x: Tensor): Tensor {
  return makeView(x, x.shape, x.strides, x.offset);
}

/** A dense copy that gradients flow through. */
export function clone(x: Tensor): Tensor {
  return scope(() => record('contiguous', [x], runKernel('contiguous', [x], {}, x.shape, x.dtype), {}));
}
