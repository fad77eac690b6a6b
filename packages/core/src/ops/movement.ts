/**
 * Data-movement ops that copy: pad and concat (kernels), and the ops built on them and on views
 * (stack, split, chunk).
 */
import { record } from '../autograd/record';
import { promoteTypes } from '../dtype';
import { ArgumentError, ShapeError } from '../errors';
import { scope } from '../memory';
import { formatShape, normalizeAxis, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { cast } from './elementwise';
import { checkSameDevice, runKernel } from './dispatch';
import type { PadWidth } from './spec';
import { narrow, unsqueeze } from './views';

/** `[before, after]` for every dim, first dim first (NumPy's `pad_width` order). */
export type PadSpec = readonly (readonly [number, number])[];

/** Pads with a constant. */
export function pad(x: Tensor, widths: PadSpec, value = 0): Tensor {
  if (widths.length !== x.rank) throw new ShapeError(`pad needs ${x.rank} [before, after] pairs for shape ${formatShape(x.shape)}, got ${widths.length}`);
  for (const [b, a] of widths) {
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0)
      throw new ArgumentError(`pad widths must be non-negative integers, got [${b}, ${a}] (slice to crop)`);
  }
  return padRaw(
    x,
    widths.map(([b, a]) => [b, a, 0] as const),
    value,
  );
}

/** @internal pad with interior padding: the adjoint of a strided slice */
export function padRaw(x: Tensor, widths: readonly PadWidth[], value: number): Tensor {
  const shape = x.shape.map((d, i) => (d === 0 ? widths[i][0] + widths[i][1] : widths[i][0] + widths[i][1] + d + (d - 1) * widths[i][2]));
  return scope(() => {
    const out = runKernel('pad', [x], { widths: [...widths], value }, shape, x.dtype);
    return record('pad', [x], out, { widths: [...widths], value });
  });
}

/** Joins tensors along an existing axis. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ArgumentError('concat needs at least one tensor');
  const first = tensors[0];
  const a = normalizeAxis(axis, first.rank);
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(`concat along axis ${a}: shapes ${tensors.map((u) => formatShape(u.shape)).join(', ')} differ outside that axis`);
    }
  }
  checkSameDevice('concat', tensors);
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const shape = [...first.shape];
  shape[a] = tensors.reduce((s, t) => s + t.shape[a], 0);
  return scope(() => {
    const inputs = tensors.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
    const out = runKernel('concat', inputs, { axis: a }, shape, dtype);
    return record('concat', inputs, out, { axis: a });
  });
}

/** Joins tensors of one shape along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ArgumentError('stack needs at least one tensor');
  for (const t of tensors) {
    if (!shapesEqual(t.shape, tensors[0].shape)) throw new ShapeError(`stack needs equal shapes, got ${tensors.map((u) => formatShape(u.shape)).join(', ')}`);
  }
  const a = normalizeAxis(axis, tensors[0].rank + 1);
  checkSameDevice('stack', tensors);
  return scope(() =>
    concat(
      tensors.map((t) => unsqueeze(t, a)),
      a,
    ),
  );
}

/** Splits into pieces of `size` (the last may be smaller) or of the listed sizes. Views. */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis(axis, x.rank);
  const dim = x.shape[a];
  let list: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new ArgumentError(`split size must be a positive integer, got ${sizes}`);
    list = [];
    for (let s = 0; s < dim; s += sizes) list.push(Math.min(sizes, dim - s));
  } else {
    list = [...sizes];
    if (list.reduce((p, q) => p + q, 0) !== dim) throw new ShapeError(`split sizes [${list.join(', ')}] do not add up to dim ${a} of size ${dim}`);
  }
  let start = 0;
  return list.map((n) => {
    const piece = narrow(x, a, start, n);
    start += n;
    return piece;
  });
}

/** Splits into `chunks` nearly equal pieces (as `torch.chunk`). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError(`chunk count must be a positive integer, got ${chunks}`);
  const a = normalizeAxis(axis, x.rank);
  return split(x, Math.max(1, Math.ceil(x.shape[a] / chunks)), a);
}
