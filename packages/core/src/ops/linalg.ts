/** Matrix multiplication with NumPy semantics: 1-D promotion and broadcast batch dims. */
import { DTypeError, ShapeError } from '../errors';
import { scope } from '../memory';
import { broadcastShapesFor, formatShape, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { record } from '../autograd/record';
import { checkSameDevice, runKernel } from './dispatch';
import { expand, reshape, unsqueeze } from './views';

/**
 * `a @ b`. A 1-D `a` is a row vector and a 1-D `b` a column vector (the added dim is removed
 * from the result); leading dims broadcast. Transposed inputs are read through their strides,
 * never copied. Both operands must have one dtype, float or int32, as in PyTorch: matmul does not
 * promote, so an int32 operand meant as data is caught rather than silently converted.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 0 || b.rank === 0) throw new ShapeError('matmul needs tensors of at least 1 dim');
  if (a.dtype !== b.dtype) {
    const to = a.dtype === 'int32' || a.dtype === 'bool' ? 'a' : 'b';
    const other = to === 'a' ? b.dtype : a.dtype;
    throw new DTypeError(
      `matmul(): the operands are ${a.dtype} ${formatShape(a.shape)} and ${b.dtype} ${formatShape(b.shape)}; matmul needs one dtype (it does not promote, as in PyTorch): cast ${to} with .cast('${other}'), or create it with { dtype: '${other}' }`,
    );
  }
  if (a.dtype === 'bool') throw new DTypeError("matmul(): bool tensors cannot be multiplied as matrices: cast both with .cast('float32') (or 'int32')");
  checkSameDevice('matmul', [a, b]);
  return scope(() => {
    const a2 = a.rank === 1 ? unsqueeze(a, 0) : a;
    const b2 = b.rank === 1 ? unsqueeze(b, -1) : b;
    const [m, k] = a2.shape.slice(-2);
    const [k2, n] = b2.shape.slice(-2);
    if (k !== k2) throw new ShapeError(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not align (${k} vs ${k2})`);
    const batch = broadcastShapesFor('matmul', [a2.shape.slice(0, -2), b2.shape.slice(0, -2)]);
    const dtype = a.dtype;
    const prep = (t: Tensor, tail: number[]) => {
      const full = [...batch, ...tail];
      return shapesEqual(t.shape, full) ? t : expand(t, full);
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
