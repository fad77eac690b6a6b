/** CPU gather and scatter-add, with bounds checks that name the op. */
import { ArgumentError } from '../../errors';
import type { Kernel, TensorView } from '../backend';
import { contiguousStrides } from '../../shape';
import { data, denseCopy, offsets, viewOffsets } from './strided';

function checkBounds(op: string, v: number, size: number, axis: number) {
  if (v < 0 || v >= size || !Number.isInteger(v)) throw new ArgumentError(`${op}: index ${v} is out of range for dim ${axis} of size ${size}`);
}

/**
 * Whether a gather or scatter-add along axis 0 moves whole rows: `index` is `[n, cols]` with one
 * id per row (stride 0 along the row, as `indexSelect` and embedding lookups make it) and `rows`
 * (the gathered table or the scattered source) is dense along its rows. Such calls copy or add a
 * row at a time instead of an offset table per element: the bert-tiny step's embedding lookup
 * ([4096, 128] from [30522, 128]) and its gradient took 20 ms of CPU per step element by element.
 */
function rowWise(axis: number, index: TensorView, rows: TensorView, cols: number): boolean {
  return axis === 0 && index.shape.length === 2 && index.strides[1] === 0 && index.shape[1] === cols && rows.shape.length === 2 && rows.strides[1] === 1;
}

export const gather: Kernel<'gather'> = ([x, index], out, { axis }) => {
  const xs = data(x);
  const idx = data(index);
  const o = data(out);
  if (rowWise(axis, index, x, x.shape[1])) {
    const [n, cols] = index.shape;
    for (let i = 0; i < n; i++) {
      const v = idx[index.offset + i * index.strides[0]];
      checkBounds('gather', v, x.shape[0], axis);
      const from = x.offset + v * x.strides[0];
      o.set(xs.subarray(from, from + cols), i * cols);
    }
    return;
  }
  const idxOffs = viewOffsets(index);
  const base = offsets(
    index.shape,
    x.strides.map((s, d) => (d === axis ? 0 : s)),
    x.offset,
  );
  const size = x.shape[axis];
  const stride = x.strides[axis];
  for (let i = 0; i < o.length; i++) {
    const v = idx[idxOffs ? idxOffs[i] : index.offset + i];
    checkBounds('gather', v, size, axis);
    o[i] = xs[base[i] + v * stride];
  }
};

export const scatterAdd: Kernel<'scatterAdd'> = ([baseView, index, src], out, { axis }) => {
  const o = data(out);
  denseCopy(baseView, o);
  const idx = data(index);
  const ss = data(src);
  if (out.shape.length === 2 && rowWise(axis, index, src, out.shape[1])) {
    const [n, cols] = index.shape;
    for (let i = 0; i < n; i++) {
      const v = idx[index.offset + i * index.strides[0]];
      checkBounds('scatterAdd', v, out.shape[0], axis);
      const s0 = src.offset + i * src.strides[0];
      const d0 = v * cols;
      for (let j = 0; j < cols; j++) o[d0 + j] += ss[s0 + j];
    }
    return;
  }
  const outStrides = contiguousStrides(out.shape);
  const dest = offsets(
    index.shape,
    outStrides.map((s, d) => (d === axis ? 0 : s)),
    0,
  );
  const srcOffs = offsets(index.shape, src.strides, src.offset);
  const idxOffs = viewOffsets(index);
  const size = out.shape[axis];
  for (let i = 0; i < dest.length; i++) {
    const v = idx[idxOffs ? idxOffs[i] : index.offset + i];
    checkBounds('scatterAdd', v, size, axis);
    o[dest[i] + v * outStrides[axis]] += ss[srcOffs[i]];
  }
};
