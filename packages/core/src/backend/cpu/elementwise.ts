/**
 * CPU kernels for unary, binary, where, cast and contiguous. The hot arithmetic ops have loops
 * of their own (a shared loop calling a per-op function goes megamorphic, and slow, once a program
 * uses several ops); the rest call their scalar function from `math.ts`. Views are walked row by
 * row (`rows.ts`), never through a per-element offset table.
 */
import type { Kernel } from '../backend';
import { BINARY, UNARY } from './math';
import { rowPlan } from './rows';
import { data, denseCopy } from './strided';

export const unary: Kernel<'unary'> = ([x], out, { op }) => {
  const xs = data(x);
  const o = data(out);
  const { rows, len, starts, steps } = rowPlan(out.shape, [x]);
  const sx = steps[0];
  const f = UNARY[op];
  for (let r = 0; r < rows; r++) {
    let i = starts[0][r];
    const base = r * len;
    switch (op) {
      case 'neg':
        for (let c = 0; c < len; c++, i += sx) o[base + c] = -xs[i];
        break;
      case 'exp':
        for (let c = 0; c < len; c++, i += sx) o[base + c] = Math.exp(xs[i]);
        break;
      case 'log':
        for (let c = 0; c < len; c++, i += sx) o[base + c] = Math.log(xs[i]);
        break;
      case 'sqrt':
        for (let c = 0; c < len; c++, i += sx) o[base + c] = Math.sqrt(xs[i]);
        break;
      case 'tanh':
        for (let c = 0; c < len; c++, i += sx) o[base + c] = Math.tanh(xs[i]);
        break;
      default:
        for (let c = 0; c < len; c++, i += sx) o[base + c] = f(xs[i]);
    }
  }
};

export const binary: Kernel<'binary'> = ([a, b], out, { op }) => {
  const as = data(a);
  const bs = data(b);
  const o = data(out);
  const { rows, len, starts, steps } = rowPlan(out.shape, [a, b]);
  const [sa, sb] = steps;
  const f = BINARY[op];
  for (let r = 0; r < rows; r++) {
    let i = starts[0][r];
    let j = starts[1][r];
    const base = r * len;
    switch (op) {
      case 'add':
        for (let c = 0; c < len; c++, i += sa, j += sb) o[base + c] = as[i] + bs[j];
        break;
      case 'sub':
        for (let c = 0; c < len; c++, i += sa, j += sb) o[base + c] = as[i] - bs[j];
        break;
      case 'mul':
        for (let c = 0; c < len; c++, i += sa, j += sb) o[base + c] = as[i] * bs[j];
        break;
      case 'div':
        for (let c = 0; c < len; c++, i += sa, j += sb) o[base + c] = as[i] / bs[j];
        break;
      default:
        for (let c = 0; c < len; c++, i += sa, j += sb) o[base + c] = f(as[i], bs[j]);
    }
  }
};

export const where: Kernel<'where'> = ([c, a, b], out) => {
  const [cs, as, bs, o] = [data(c), data(a), data(b), data(out)];
  const { rows, len, starts, steps } = rowPlan(out.shape, [c, a, b]);
  const [sc, sa, sb] = steps;
  for (let r = 0; r < rows; r++) {
    let [k, i, j] = [starts[0][r], starts[1][r], starts[2][r]];
    for (let e = 0; e < len; e++, k += sc, i += sa, j += sb) o[r * len + e] = cs[k] ? as[i] : bs[j];
  }
};

export const cast: Kernel<'cast'> = ([x], out, { dtype }) => {
  const xs = data(x);
  const o = data(out);
  const { rows, len, starts, steps } = rowPlan(out.shape, [x]);
  const sx = steps[0];
  for (let r = 0; r < rows; r++) {
    let i = starts[0][r];
    const base = r * len;
    if (dtype === 'bool') for (let e = 0; e < len; e++, i += sx) o[base + e] = xs[i] !== 0 ? 1 : 0;
    else if (dtype === 'int32')
      for (let e = 0; e < len; e++, i += sx) o[base + e] = Math.trunc(xs[i]); // Int32Array wraps like a C cast
    else for (let e = 0; e < len; e++, i += sx) o[base + e] = xs[i];
  }
};

export const contiguous: Kernel<'contiguous'> = ([x], out) => denseCopy(x, data(out));
