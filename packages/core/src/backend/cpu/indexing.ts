/** CPU gather and scatter-add, with bounds checks that name the op. */
import { ArgumentError } from '../../errors';
import type { Kernel } from '../backend';
import { contiguousStrides } from '../../shape';
import { data, denseCopy, offsets, viewOffsets } from './strided';

function checkBounds(op: string, v: number, size: number, axis: number) {
  if (v < 0 || v >= size || !Number.isInteger(v)) throw new ArgumentError(`${op}: index ${v} is out of range for dim ${axis} of size ${size}`);
}

export const gather: Kernel<'gather'> = ([x, index], out, { axis }) => {
  const xs = data(x);
  const idx = data(index);
  const o = data(out);
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
