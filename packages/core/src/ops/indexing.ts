/** Gathering and scattering by index, masks and one-hot encodings. */
import type { DType } from '../dtype';
import { ArgumentError, DTypeError, ShapeError } from '../errors';
import { scope } from '../memory';
import { formatShape, normalizeAxis } from '../shape';
import type { Tensor } from '../tensor';
import { arange } from './creation';
import { cast, eq, ge, le, sub, where } from './elementwise';
import { record } from '../autograd/record';
import { checkSameDevice, runKernel } from './dispatch';
import { expand, reshape, unsqueeze } from './views';

/** Indices are int32: say so, and how to get there, in the words of the function called. */
export function checkIndex(op: string, index: Tensor, what = 'indices'): void {
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: ${what} must be int32, got ${index.dtype}: cast them with .cast('int32')`);
}

/**
 * `out[i][j][k] = x[i][index[i][j][k]][k]` for axis 1 (as `torch.gather`): `index` has x's rank
 * and, outside `axis`, dims no larger than x's.
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  checkIndex('gather', index);
  const a = normalizeAxis(axis, x.rank);
  if (index.rank !== x.rank || index.shape.some((d, i) => i !== a && d > x.shape[i])) {
    throw new ShapeError(`gather along axis ${a}: index shape ${formatShape(index.shape)} does not fit input shape ${formatShape(x.shape)}`);
  }
  return scope(() => record('gather', [x, index], runKernel('gather', [x, index], { axis: a }, index.shape, x.dtype), { axis: a }));
}

/** Rows (or slices along `axis`) picked by a 1-D list of indices. */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  checkIndex('indexSelect', index);
  if (index.rank !== 1) throw new ShapeError(`indexSelect needs a 1-D index, got shape ${formatShape(index.shape)}`);
  checkSameDevice('indexSelect', [x, index]);
  const a = normalizeAxis(axis, x.rank);
  return scope(() => {
    const shape = x.shape.map((d, i) => (i === a ? index.shape[0] : d));
    const idx = expand(
      reshape(
        index,
        x.shape.map((_, i) => (i === a ? index.shape[0] : 1)),
      ),
      shape,
    );
    return gather(x, a, idx);
  });
}

/** `base` plus `src` added at the positions `index` names along `axis` (as `torch.scatter_add`). */
export function scatterAdd(base: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  checkIndex('scatterAdd', index);
  const a = normalizeAxis(axis, base.rank);
  if (index.rank !== base.rank || src.rank !== base.rank || index.shape.some((d, i) => d > src.shape[i] || (i !== a && d > base.shape[i]))) {
    throw new ShapeError(
      `scatterAdd along axis ${a}: index ${formatShape(index.shape)}, src ${formatShape(src.shape)} and base ${formatShape(base.shape)} do not fit`,
    );
  }
  return scope(() => {
    const s = src.dtype === base.dtype ? src : cast(src, base.dtype);
    return record('scatterAdd', [base, index, s], runKernel('scatterAdd', [base, index, s], { axis: a }, base.shape, base.dtype), { axis: a });
  });
}

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.rank < 2) throw new ShapeError(`${lower ? 'tril' : 'triu'} needs at least 2 dims, got ${formatShape(x.shape)}`);
  const [n, m] = x.shape.slice(-2);
  return scope(() => {
    const rows = reshape(arange(n, undefined, 1, { device: x.device }), [n, 1]);
    const cols = reshape(arange(m, undefined, 1, { device: x.device }), [1, m]);
    const d = sub(cols, rows);
    const keep = lower ? le(d, diagonal) : ge(d, diagonal);
    return where(keep, x, 0);
  });
}

/** The lower triangle (elements with `col - row <= diagonal`); zeros elsewhere. */
export const tril = (x: Tensor, diagonal = 0) => triangle(x, diagonal, true);
/** The upper triangle (elements with `col - row >= diagonal`); zeros elsewhere. */
export const triu = (x: Tensor, diagonal = 0) => triangle(x, diagonal, false);

/** One-hot rows for integer class ids: shape `[...ids.shape, numClasses]`. */
export function oneHot(ids: Tensor, numClasses: number, opts: { dtype?: DType } = {}): Tensor {
  checkIndex('oneHot', ids, 'class ids');
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new ArgumentError(`oneHot needs a positive class count, got ${numClasses}`);
  return scope(() => cast(eq(unsqueeze(ids, -1), arange(numClasses, undefined, 1, { device: ids.device })), opts.dtype ?? 'int32'));
}
