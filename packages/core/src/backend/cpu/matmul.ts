/** The reference CPU matmul: batched, strided inputs, float64 row accumulators. */
import type { TypedArray } from '../../dtype';
import type { Kernel } from '../backend';
import { data, offsets } from './strided';

export const matmul: Kernel<'matmul'> = ([a, b], out) => {
  const r = a.shape.length;
  const [m, k] = [a.shape[r - 2], a.shape[r - 1]];
  const n = b.shape[r - 1];
  const batch = a.shape.slice(0, r - 2);
  const aBatch = offsets(batch, a.strides.slice(0, r - 2), a.offset);
  const bBatch = offsets(batch, b.strides.slice(0, r - 2), b.offset);
  const [as0, as1] = [a.strides[r - 2], a.strides[r - 1]];
  const [bs0, bs1] = [b.strides[r - 2], b.strides[r - 1]];
  const A = data(a);
  const B = data(b);
  const O = data(out);
  const acc = new Float64Array(n);
  // a transposed B is packed once per batch so the inner loop runs over contiguous memory
  const packed: TypedArray | null = bs1 !== 1 && m > 1 ? new (B.constructor as new (n: number) => TypedArray)(k * n) : null;
  for (let bi = 0; bi < aBatch.length; bi++) {
    const aoff = aBatch[bi];
    let Bm: TypedArray = B;
    let boff = bBatch[bi];
    let rowStride = bs0;
    let colStride = bs1;
    if (packed) {
      for (let kk = 0; kk < k; kk++) for (let j = 0; j < n; j++) packed[kk * n + j] = B[boff + kk * bs0 + j * bs1];
      [Bm, boff, rowStride, colStride] = [packed, 0, n, 1];
    }
    const ooff = bi * m * n;
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      const arow = aoff + i * as0;
      for (let kk = 0; kk < k; kk++) {
        const av = A[arow + kk * as1];
        const brow = boff + kk * rowStride;
        if (colStride === 1) for (let j = 0; j < n; j++) acc[j] += av * Bm[brow + j];
        else for (let j = 0; j < n; j++) acc[j] += av * Bm[brow + j * colStride];
      }
      const orow = ooff + i * n;
      for (let j = 0; j < n; j++) O[orow + j] = acc[j];
    }
  }
};
