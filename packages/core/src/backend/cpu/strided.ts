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

/** Copies a view into a dense array of the same type, a row (innermost dim) at a time. */
export function denseCopy(v: TensorView, out: TypedArray): void {
  const src = data(v);
  const n = out.length;
  if (isContiguous(v.shape, v.strides)) {
    out.set(src.subarray(v.offset, v.offset + n));
    return;
  }
  const r = v.shape.length;
  const len = v.shape[r - 1];
  const step = v.strides[r - 1];
  const starts = offsets(v.shape.slice(0, r - 1), v.strides.slice(0, r - 1), v.offset);
  for (let row = 0; row < starts.length; row++) {
    const base = row * len;
    if (step === 1) out.set(src.subarray(starts[row], starts[row] + len), base);
    else for (let c = 0, i = starts[row]; c < len; c++, i += step) out[base + c] = src[i];
  }
}
