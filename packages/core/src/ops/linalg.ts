/** Matrix multiplication with NumPy semantics: 1-D promotion and broadcast batch dims. */
import { promoteTypes } from '../dtype';
import { ShapeError } from '../errors';
import { scope } from '../memory';
import { broadcastShapesFor, formatShape, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { cast } from './elementwise';
import { record } from '../autograd/record';
import { checkSameDevice, runKernel } from './dispatch';
import { expand, reshape, unsqueeze } from './views';

/**
 * `a @ b`. A 1-D `a` is a row vector and a 1-D `b` a column vector (the added dim is removed
 * from the result); leading dims broadcast. Transposed inputs are read through their strides,
 * never copied.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 0 || b.rank === 0) throw new ShapeError('matmul needs tensors of at least 1 dim');
  checkSameDevice('matmul', [a, b]);
  return scope(() => {
    const a2 = a.rank === 1 ? unsqueeze(a, 0) : a;
    const b2 = b.rank === 1 ? unsqueeze(b, -1) : b;
    const [m, k] = a2.shape.slice(-2);
    const [k2, n] = b2.shape.slice(-2);
    if (k !== k2) throw new ShapeError(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not align (${k} vs ${k2})`);
    const batch = broadcastShapesFor('matmul', [a2.shape.slice(0, -2), b2.shape.slice(0, -2)]);
    const dtype = promoteTypes(a.dtype, b.dtype);
    const prep = (t: Tensor, tail: number[]) => {
      const c = t.dtype === dtype ? t : cast(t, dtype);
      const full = [...batch, ...tail];
      return shapesEqual(c.shape, full) ? c : expand(c, full);
    };
    const ea = prep(a2, [m, k]);
    const eb = prep(b2, [k, n]);
    let out = record('matmul', [ea, eb], runKernel('matmul', [ea, eb], {}, [...batch, m, n], dtype), {});
    if (a.rank === 1 || b.rank === 1) {
      const shape = [...batch];
      if (a.rank !== 1) shape.push(m);
      if (b.rank !== 1) shape.push(n);
      out = reshape(out, shape);
    }
    return out;
  });
}
