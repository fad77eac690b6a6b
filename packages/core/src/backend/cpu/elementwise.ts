/** CPU kernels for unary, binary, where, cast and contiguous. */
import type { Kernel } from '../backend';
import { BINARY, UNARY } from './math';
import { data, denseCopy, viewOffsets } from './strided';

export const unary: Kernel<'unary'> = ([x], out, { op }) => {
  const f = UNARY[op];
  const xs = data(x);
  const o = data(out);
  const offs = viewOffsets(x);
  const n = o.length;
  if (!offs) for (let i = 0, base = x.offset; i < n; i++) o[i] = f(xs[base + i]);
  else for (let i = 0; i < n; i++) o[i] = f(xs[offs[i]]);
};

export const binary: Kernel<'binary'> = ([a, b], out, { op }) => {
  const f = BINARY[op];
  const as = data(a);
  const bs = data(b);
  const o = data(out);
  const n = o.length;
  const ao = viewOffsets(a);
  const bo = viewOffsets(b);
  if (!ao && !bo) {
    for (let i = 0; i < n; i++) o[i] = f(as[a.offset + i], bs[b.offset + i]);
    return;
  }
  // a broadcast scalar is common (x * 0.5): read it once
  if (!ao && b.strides.every((s) => s === 0)) {
    const bv = bs[b.offset];
    for (let i = 0; i < n; i++) o[i] = f(as[a.offset + i], bv);
    return;
  }
  for (let i = 0; i < n; i++) o[i] = f(as[ao ? ao[i] : a.offset + i], bs[bo ? bo[i] : b.offset + i]);
};

export const where: Kernel<'where'> = ([c, a, b], out) => {
  const [cs, as, bs, o] = [data(c), data(a), data(b), data(out)];
  const [co, ao, bo] = [viewOffsets(c), viewOffsets(a), viewOffsets(b)];
  for (let i = 0; i < o.length; i++) {
    o[i] = cs[co ? co[i] : c.offset + i] ? as[ao ? ao[i] : a.offset + i] : bs[bo ? bo[i] : b.offset + i];
  }
};

export const cast: Kernel<'cast'> = ([x], out, { dtype }) => {
  const xs = data(x);
  const o = data(out);
  const offs = viewOffsets(x);
  const at = (i: number) => xs[offs ? offs[i] : x.offset + i];
  if (dtype === 'bool') for (let i = 0; i < o.length; i++) o[i] = at(i) !== 0 ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < o.length; i++) o[i] = Math.trunc(at(i)); // Int32Array wraps like a C cast
  else for (let i = 0; i < o.length; i++) o[i] = at(i);
};

export const contiguous: Kernel<'contiguous'> = ([x], out) => denseCopy(x, data(out));
