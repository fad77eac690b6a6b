/**
 * Unary, binary, where, cast and contiguous on the GPU, matching the CPU reference (`cpu/math.ts`):
 * NaN propagation in maximum/minimum, the divisor's sign for mod, round half to even, truncating
 * float-to-int casts, bool results of comparisons.
 */
import type { DType } from '../../../dtype';
import { DTypeError } from '../../../errors';
import type { BinaryOp, UnaryOp } from '../../../ops/spec';
import type { Kernel } from '../../backend';
import { computeType } from '../wgsl/common';
import type { KernelContext } from './context';
import { collapseDims, sizeOf } from '../../../shape';
import { recordMap } from './lazy-map';
import { runMap } from './map';
import { copyRange } from './movement';

type Cls = 'f' | 'i' | 'u';
const cls = (dtype: DType): Cls => ({ f32: 'f', i32: 'i', u32: 'u' })[computeType(dtype)] as Cls;

const FLOAT_UNARY: Record<UnaryOp, string> = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'select(select(x, -1.0, x < 0.0), 1.0, x > 0.0)',
  exp: 'exp(x)',
  log: 'log(x)',
  sqrt: 'sqrt(x)',
  rsqrt: 'inverseSqrt(x)',
  recip: '1.0 / x',
  tanh: 'tanh_(x)',
  sigmoid: 'sigmoid_(x)',
  relu: 'select(select(0.0, x, x > 0.0), x, isnan_(x))',
  erf: 'erf_(x)',
  sin: 'sincos_(x)[0]',
  cos: 'sincos_(x)[1]',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  // WGSL's round() rounds half to even, as the CPU reference does
  round: 'round(x)',
  logicalNot: 'select(0.0, 1.0, x == 0.0)',
};

const INT_UNARY: Partial<Record<UnaryOp, string>> = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'select(select(x, -1, x < 0), 1, x > 0)',
  relu: 'max(x, 0)',
  floor: 'x',
  ceil: 'x',
  round: 'x',
  logicalNot: 'select(0, 1, x == 0)',
};

const BOOL_UNARY: Partial<Record<UnaryOp, string>> = {
  logicalNot: 'select(0u, 1u, x == 0u)',
  abs: 'x',
  relu: 'x',
  sign: 'x',
  floor: 'x',
  ceil: 'x',
  round: 'x',
};

function unaryExpr(op: UnaryOp, dtype: DType): string {
  const table = { f: FLOAT_UNARY, i: INT_UNARY, u: BOOL_UNARY }[cls(dtype)];
  const e = table[op];
  if (!e) throw new DTypeError(`webgpu: unary '${op}' is not defined for ${dtype}`);
  return e.replace(/\bx\b/g, 'a0');
}

const COMPARE: Partial<Record<BinaryOp, string>> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

function binaryExpr(op: BinaryOp, c: Cls): string {
  const cmp = COMPARE[op];
  if (cmp) return `select(0u, 1u, a0 ${cmp} a1)`;
  const zero = c === 'f' ? '0.0' : c === 'i' ? '0' : '0u';
  if (op === 'logicalAnd') return `select(0u, 1u, a0 != ${zero} && a1 != ${zero})`;
  if (op === 'logicalOr') return `select(0u, 1u, a0 != ${zero} || a1 != ${zero})`;
  switch (op) {
    case 'add':
      return 'a0 + a1';
    case 'sub':
      return 'a0 - a1';
    case 'mul':
      return 'a0 * a1';
    case 'div':
      return c === 'i' ? 'select(0, a0 / a1, a1 != 0)' : 'a0 / a1';
    case 'pow':
      return c === 'f' ? 'pow_(a0, a1)' : `${c === 'i' ? 'i32' : 'u32'}(round(pow_(f32(a0), f32(a1))))`;
    case 'maximum':
      return c === 'f' ? 'select(select(select(a1, a0, a0 > a1), a0, isnan_(a0)), a1, isnan_(a1))' : 'max(a0, a1)';
    case 'minimum':
      return c === 'f' ? 'select(select(select(a1, a0, a0 < a1), a0, isnan_(a0)), a1, isnan_(a1))' : 'min(a0, a1)';
    case 'mod':
      return c === 'f' ? 'fmod_(a0, a1)' : c === 'i' ? 'imod_(a0, a1)' : 'select(0u, a0 % a1, a1 != 0u)';
    default:
      throw new DTypeError(`webgpu: unknown binary op '${op}'`);
  }
}

/** WGSL converting compute value `v` of dtype `from` to the compute type of `to`, as the CPU casts. */
export function castExpr(v: string, from: DType, to: DType): string {
  const [f, t] = [cls(from), cls(to)];
  if (to === 'bool') return f === 'f' ? `select(1u, 0u, ${v} == 0.0)` : f === 'i' ? `select(1u, 0u, ${v} == 0)` : v;
  if (f === t) return v;
  if (t === 'i') return f === 'f' ? `select(i32(${v}), 0, isnan_(${v}))` : `i32(${v})`;
  return `f32(${v})`;
}

export function makeElementwiseKernels(ctx: KernelContext) {
  // recorded, not dispatched: chains of these fuse into one kernel (lazy-map.ts)
  const unary: Kernel<'unary'> = ([x], out, { op }) =>
    recordMap(ctx, { op: `unary:${op}`, key: `unary:${op}`, inputs: [x], out, expr: unaryExpr(op, x.dtype) });

  const binary: Kernel<'binary'> = ([a, b], out, { op }) => {
    const expr = binaryExpr(op, cls(a.dtype));
    recordMap(ctx, { op: `binary:${op}`, key: `binary:${op}`, inputs: [a, b], out, expr });
  };

  const where: Kernel<'where'> = ([c, a, b], out) =>
    recordMap(ctx, { op: 'where', key: 'where', inputs: [c, a, b], out, expr: `select(a2, a1, ${castExpr('a0', c.dtype, 'bool')} != 0u)` });

  const cast: Kernel<'cast'> = ([x], out, { dtype }) =>
    recordMap(ctx, { op: 'cast', key: `cast:${dtype}`, inputs: [x], out, expr: castExpr('a0', x.dtype, dtype) });

  const contiguous: Kernel<'contiguous'> = ([x], out) => {
    // a dense view at an offset (a slice, or one part of a fused kernel's stacked output) is a
    // plain buffer copy; only strided views need the shader
    const c = collapseDims(x.shape, [x.strides]);
    const dense = c.shape.length === 0 || (c.shape.length === 1 && c.strides[0][0] === 1);
    if (dense && copyRange(ctx, 'contiguous', x, out, x.offset, 0, sizeOf(x.shape))) return;
    runMap(ctx, { op: 'contiguous', key: 'copy', inputs: [x], out, expr: 'a0' });
  };

  return { unary, binary, where, cast, contiguous };
}
