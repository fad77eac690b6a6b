/** Index arithmetic for strided views, shared by the CPU kernels. */
import type { TensorView } from '../backend';
import type { TypedArray } from '../../dtype';
import { isContiguous, sizeOf } from '../../shape';

/**
 * The buffer offset of every element of a view, in row-major order of `shape`. The CPU kernels
 * read any strided view (transposed, broadcast, sliced) through this table.
 */
export function offsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  const n = sizeOf(shape);
  const out = new Int32Array(n);
  if (n === 0) return out;
  const rank = shape.length;
  if (rank === 0) {
    out[0] = offset;
    return out;
  }
  const last = rank - 1;
  const lastDim = shape[last];
  const lastStride = strides[last];
  const idx = new Array<number>(rank).fill(0);
  let pos = offset;
  let i = 0;
  for (;;) {
    for (let j = 0; j < lastDim; j++) out[i++] = pos + j * lastStride;
    let d = last - 1;
    while (d >= 0) {
      idx[d]++;
      pos += strides[d];
      if (idx[d] < shape[d]) break;
      pos -= strides[d] * shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) return out;
  }
}

/** Offsets of a view's elements, or null when they are simply `offset + i`. */
export function viewOffsets(v: TensorView): Int32Array | null {
  return isContiguous(v.shape, v.strides) ? null : offsets(v.shape, v.strides, v.offset);
}

export function data(v: TensorView): TypedArray {
  return v.buffer as TypedArray;
}

/** Copies a view into a dense array of the same type. */
export function denseCopy(v: TensorView, out: TypedArray): void {
  const src = data(v);
  const offs = viewOffsets(v);
  const n = out.length;
  if (!offs) out.set(src.subarray(v.offset, v.offset + n));
  else for (let i = 0; i < n; i++) out[i] = src[offs[i]];
}
