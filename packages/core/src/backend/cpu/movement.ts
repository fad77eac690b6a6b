/** CPU kernels that copy data into new layouts: pad (with interior padding) and concat. */
import type { Kernel } from '../backend';
import { contiguousStrides } from '../../shape';
import { data, offsets, viewOffsets } from './strided';

export const pad: Kernel<'pad'> = ([x], out, { widths, value }) => {
  const o = data(out);
  if (value !== 0) o.fill(value);
  const xs = data(x);
  const outStrides = contiguousStrides(out.shape);
  const base = widths.reduce((acc, [lo], d) => acc + lo * outStrides[d], 0);
  const dest = offsets(
    x.shape,
    outStrides.map((s, d) => s * (widths[d][2] + 1)),
    base,
  );
  const src = viewOffsets(x);
  for (let i = 0; i < dest.length; i++) o[dest[i]] = xs[src ? src[i] : x.offset + i];
};

export const concat: Kernel<'concat'> = (inputs, out, { axis }) => {
  const o = data(out);
  const outStrides = contiguousStrides(out.shape);
  let start = 0;
  for (const x of inputs) {
    const xs = data(x);
    const dest = offsets(x.shape, outStrides, start * outStrides[axis]);
    const src = viewOffsets(x);
    for (let i = 0; i < dest.length; i++) o[dest[i]] = xs[src ? src[i] : x.offset + i];
    start += x.shape[axis];
  }
};
