/**
 * Fused softmax and logSoftmax backward along any axis of strided views, one workgroup per row,
 * where differentiating the composite took 14 dispatches (max, exp, sums, div and their chain
 * rules). The kernel recomputes the row's max and sum of exponentials from the saved input, as
 * the forward kernel does, then reduces `Σ g·y` (softmax) or `Σ g` (logSoftmax) and writes
 * `y · (g − Σ g·y)` or `g − y · Σ g`, with `y = exp(x − max) / sum`.
 */
import type { Kernel, TensorView } from '../../backend';
import { contiguousStrides } from '../../../shape';
import { WORKGROUP } from '../constants';
import { decode, enables, HELPERS, Meta, storageType, treeReduce } from '../wgsl/common';
import { buf, gridFor, type KernelContext } from './context';
import { collapseDims, sizeOf } from '../../../shape';

function softmaxBackwardRows(ctx: KernelContext, x: TensorView, g: TensorView, out: TensorView, axis: number, log: boolean): void {
  const keptDims = x.shape.map((_, d) => d).filter((d) => d !== axis);
  const outStrides = contiguousStrides(x.shape);
  const kept = collapseDims(
    keptDims.map((d) => x.shape[d]),
    [keptDims.map((d) => x.strides[d]), keptDims.map((d) => g.strides[d]), keptDims.map((d) => outStrides[d])],
  );
  const rows = sizeOf(keptDims.map((d) => x.shape[d]));
  if (rows === 0 || x.shape[axis] === 0) return;
  const kr = kept.shape.length;
  const meta = new Meta();
  meta.u32(rows, x.shape[axis]);
  const offs = meta.u32(x.offset, g.offset);
  const str = meta.i32(x.strides[axis], g.strides[axis], outStrides[axis]);
  const kShape = meta.u32(...kept.shape);
  const [kx, kg, ko] = kept.strides.map((s) => meta.i32(...s));
  const st = storageType(x.dtype);
  const op = log ? 'logSoftmaxBackward' : 'softmaxBackward';
  const key = `${op}|${x.dtype},${g.dtype}|k${kr}`;
  const sum = (at: number) => Array.from({ length: kr }, (_, d) => ` + i32(k${d}) * i32(prm[${at + d}])`).join('');
  const entry = ctx.stream.pipelines.get(op, key, () => ({
    code: `${enables([x.dtype, g.dtype])}@group(0) @binding(0) var<storage, read> x: array<${st}>;
@group(0) @binding(1) var<storage, read> g: array<${storageType(g.dtype)}>;
@group(0) @binding(2) var<storage, read_write> out: array<${st}>;
@group(0) @binding(3) var<storage, read> prm: array<u32>;
${HELPERS}
var<workgroup> sh: array<f32, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x + wg.y * nwg.x;
  let rows = prm[0];
  let n = select(0u, prm[1], row < rows);
  ${decode('min(row, rows - 1u)', kr, kShape, 'k')}
  let xb = i32(prm[${offs}])${sum(kx)};
  let gb = i32(prm[${offs + 1}])${sum(kg)};
  let ob = i32(0)${sum(ko)};
  let xs = i32(prm[${str}]);
  let gs = i32(prm[${str + 1}]);
  let os = i32(prm[${str + 2}]);
  var mx = -inf_();
  for (var j = lid; j < n; j += ${WORKGROUP}u) {
    let v = f32(x[u32(xb + i32(j) * xs)]);
    mx = select(select(mx, v, v > mx), v, isnan_(v));
  }
  sh[lid] = mx;
  ${treeReduce(WORKGROUP, (a, b) => `select(select(${a}, ${b}, ${b} > ${a}), ${b}, isnan_(${b}))`)}
  var m = sh[0];
  if (isninf_(m)) { m = 0.0; }
  workgroupBarrier();
  var acc = 0.0;
  for (var j = lid; j < n; j += ${WORKGROUP}u) { acc += exp(f32(x[u32(xb + i32(j) * xs)]) - m); }
  sh[lid] = acc;
  ${treeReduce(WORKGROUP, (a, b) => `${a} + ${b}`)}
  let s = sh[0];
  workgroupBarrier();
  acc = 0.0;
  for (var j = lid; j < n; j += ${WORKGROUP}u) {
    let gv = f32(g[u32(gb + i32(j) * gs)]);
    ${log ? 'acc += gv;' : 'acc += gv * exp(f32(x[u32(xb + i32(j) * xs)]) - m) / s;'}
  }
  sh[lid] = acc;
  ${treeReduce(WORKGROUP, (a, b) => `${a} + ${b}`)}
  let dot = sh[0];
  for (var j = lid; j < n; j += ${WORKGROUP}u) {
    let y = exp(f32(x[u32(xb + i32(j) * xs)]) - m) / s;
    let gv = f32(g[u32(gb + i32(j) * gs)]);
    out[u32(ob + i32(j) * os)] = ${st}(${log ? 'gv - y * dot' : 'y * (gv - dot)'});
  }
}`,
    bindings: 4,
    writable: [2],
  }));
  ctx.stream.dispatch(op, entry, [buf(x), buf(g)], [buf(out)], meta.array(), gridFor(ctx, rows, 1));
}

export function makeSoftmaxBackwardKernels(ctx: KernelContext) {
  const softmaxBackward: Kernel<'softmaxBackward'> = ([x, g], out, { axis }) => softmaxBackwardRows(ctx, x, g, out, axis, false);
  const logSoftmaxBackward: Kernel<'logSoftmaxBackward'> = ([x, g], out, { axis }) => softmaxBackwardRows(ctx, x, g, out, axis, true);
  return { softmaxBackward, logSoftmaxBackward };
}
