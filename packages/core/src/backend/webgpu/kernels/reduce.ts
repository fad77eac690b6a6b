/**
 * Reductions over any set of axes of a strided view. Long reductions get a workgroup per output
 * (64 lanes, then a shared-memory tree); short ones a thread per output. max/min propagate NaN
 * and argmax/argmin return the first index on ties, as the CPU reference does.
 */
import type { DType } from '../../../dtype';
import type { ReduceOp } from '../../../ops/spec';
import type { Kernel } from '../../backend';
import { WORKGROUP } from '../constants';
import { computeType, decode, enables, HELPERS, Meta, storageType } from '../wgsl/common';
import { buf, gridFor, type KernelContext } from './context';
import { collapseDims, sizeOf } from '../../../shape';

function init(op: ReduceOp, ct: string): string {
  const f = ct === 'f32';
  switch (op) {
    case 'sum':
      return `${ct}(0)`;
    case 'prod':
      return `${ct}(1)`;
    case 'max':
      return f ? '-inf_()' : ct === 'i32' ? 'i32(-2147483647 - 1)' : '0u';
    case 'min':
      return f ? 'inf_()' : ct === 'i32' ? '2147483647' : '4294967295u';
  }
}

function combine(op: ReduceOp, ct: string): string {
  const f = ct === 'f32';
  switch (op) {
    case 'sum':
      return 'a + b';
    case 'prod':
      return 'a * b';
    case 'max':
      return f ? 'select(select(select(a, b, b > a), b, isnan_(b)), a, isnan_(a))' : 'max(a, b)';
    case 'min':
      return f ? 'select(select(select(a, b, b < a), b, isnan_(b)), a, isnan_(a))' : 'min(a, b)';
  }
}

/** `i32` sum `prm[offAt] + Σ p_d · prm[stridesAt + d]` as a WGSL expression. */
function offsetI32(p: string, rank: number, offAt: number | null, stridesAt: number): string {
  let e = offAt === null ? 'i32(0)' : `i32(prm[${offAt}])`;
  for (let d = 0; d < rank; d++) e += ` + i32(${p}${d}) * i32(prm[${stridesAt + d}])`;
  return e;
}

export function makeReduceKernels(ctx: KernelContext) {
  const reduce: Kernel<'reduce'> = ([x], out, { op, axes }) => {
    const keptDims = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const kept = collapseDims(
      keptDims.map((d) => x.shape[d]),
      [keptDims.map((d) => x.strides[d])],
    );
    const red = collapseDims(
      axes.map((d) => x.shape[d]),
      [axes.map((d) => x.strides[d])],
    );
    const nOut = sizeOf(out.shape);
    const m = sizeOf(axes.map((d) => x.shape[d]));
    const [kr, rr] = [kept.shape.length, red.shape.length];
    const meta = new Meta();
    meta.u32(nOut, m);
    const offAt = meta.u32(x.offset);
    const kShape = meta.u32(...kept.shape);
    const kStr = meta.i32(...kept.strides[0]);
    const rShape = meta.u32(...red.shape);
    const rStr = meta.i32(...red.strides[0]);
    const perThread = m <= 32;
    const ct = computeType(x.dtype);
    const dtypes: DType[] = [x.dtype, out.dtype];
    const key = `reduce|${op}|${dtypes.join(',')}|k${kr}|r${rr}|${perThread ? 't' : 'w'}`;
    const entry = ctx.stream.pipelines.get('reduce', key, () => {
      const head = `${enables(dtypes)}@group(0) @binding(0) var<storage, read> x: array<${storageType(x.dtype)}>;
@group(0) @binding(1) var<storage, read_write> out: array<${storageType(out.dtype)}>;
@group(0) @binding(2) var<storage, read> prm: array<u32>;
${HELPERS}
fn combine(a: ${ct}, b: ${ct}) -> ${ct} { return ${combine(op, ct)}; }`;
      const inner = `for (var r = START; r < m; r += STEP) {
      ${decode('r', rr, rShape, 'q')}
      acc = combine(acc, ${ct}(x[u32(base + ${offsetI32('q', rr, null, rStr)})]));
    }`;
      const code = perThread
        ? `${head}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  let nOut = prm[0]; let m = prm[1];
  if (o >= nOut) { return; }
  ${decode('o', kr, kShape, 'k')}
  let base = ${offsetI32('k', kr, offAt, kStr)};
  var acc = ${init(op, ct)};
  ${inner.replace('START', '0u').replace('STEP', '1u')}
  out[o] = ${storageType(out.dtype)}(acc);
}`
        : `${head}
var<workgroup> sh: array<${ct}, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = wg.x + wg.y * nwg.x;
  let nOut = prm[0];
  let m = select(0u, prm[1], o < nOut);
  var acc = ${init(op, ct)};
  ${decode('min(o, nOut - 1u)', kr, kShape, 'k')}
  let base = ${offsetI32('k', kr, offAt, kStr)};
  ${inner.replace('START', 'lid').replace('STEP', `${WORKGROUP}u`)}
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = combine(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u && o < nOut) { out[o] = ${storageType(out.dtype)}(sh[0]); }
}`;
      return { code, bindings: 3, writable: [1] };
    });
    ctx.stream.dispatch('reduce', entry, [buf(x)], [buf(out)], meta.array(), gridFor(ctx, nOut, perThread ? WORKGROUP : 1));
  };

  const argReduce: Kernel<'argReduce'> = ([x], out, { op, axis }) => {
    const keptDims = x.shape.map((_, d) => d).filter((d) => d !== axis);
    const kept = collapseDims(
      keptDims.map((d) => x.shape[d]),
      [keptDims.map((d) => x.strides[d])],
    );
    const nOut = sizeOf(out.shape);
    const kr = kept.shape.length;
    const meta = new Meta();
    meta.u32(nOut, x.shape[axis]);
    const stride = meta.i32(x.strides[axis]);
    const offAt = meta.u32(x.offset);
    const kShape = meta.u32(...kept.shape);
    const kStr = meta.i32(...kept.strides[0]);
    const ct = computeType(x.dtype);
    const cmp = op === 'argmax' ? '>' : '<';
    const nan = (v: string) => (ct === 'f32' ? `isnan_(${v})` : 'false');
    const key = `argReduce|${op}|${x.dtype}|k${kr}`;
    const entry = ctx.stream.pipelines.get('argReduce', key, () => ({
      code: `${enables([x.dtype])}@group(0) @binding(0) var<storage, read> x: array<${storageType(x.dtype)}>;
@group(0) @binding(1) var<storage, read_write> out: array<i32>;
@group(0) @binding(2) var<storage, read> prm: array<u32>;
${HELPERS}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  if (o >= prm[0]) { return; }
  let n = prm[1];
  let s = i32(prm[${stride}]);
  ${decode('o', kr, kShape, 'k')}
  let base = ${offsetI32('k', kr, offAt, kStr)};
  var best = ${ct}(x[u32(base)]);
  var at = 0;
  for (var r = 1; r < i32(n); r++) {
    if (${nan('best')}) { break; }
    let v = ${ct}(x[u32(base + r * s)]);
    if (v ${cmp} best || ${nan('v')}) { best = v; at = r; }
  }
  out[o] = at;
}`,
      bindings: 3,
      writable: [1],
    }));
    ctx.stream.dispatch('argReduce', entry, [buf(x)], [buf(out)], meta.array(), gridFor(ctx, nOut, WORKGROUP));
  };

  return { reduce, argReduce };
}
