/**
 * Fused softmax and logSoftmax along any axis of a strided view: one workgroup per row makes
 * three passes (max, sum of exponentials, write) instead of the composite's five kernels and
 * four temporaries. An all -inf row is shifted by 0, as the CPU kernel does.
 */
import type { Kernel, TensorView } from '../../backend';
import { contiguousStrides } from '../../../shape';
import { WORKGROUP } from '../constants';
import { decode, enables, HELPERS, Meta, storageType, treeReduce } from '../wgsl/common';
import { buf, gridFor, type KernelContext } from './context';
import { collapseDims, sizeOf } from '../../../shape';

function softmaxRows(ctx: KernelContext, x: TensorView, out: TensorView, axis: number, log: boolean): void {
  const keptDims = x.shape.map((_, d) => d).filter((d) => d !== axis);
  const outStrides = contiguousStrides(x.shape);
  const kept = collapseDims(
    keptDims.map((d) => x.shape[d]),
    [keptDims.map((d) => x.strides[d]), keptDims.map((d) => outStrides[d])],
  );
  const rows = sizeOf(keptDims.map((d) => x.shape[d]));
  const kr = kept.shape.length;
  const meta = new Meta();
  meta.u32(rows, x.shape[axis]);
  const xOff = meta.u32(x.offset);
  const str = meta.i32(x.strides[axis], outStrides[axis]);
  const kShape = meta.u32(...kept.shape);
  const kx = meta.i32(...kept.strides[0]);
  const ko = meta.i32(...kept.strides[1]);
  const st = storageType(x.dtype);
  const key = `softmax|${log ? 'log' : 'exp'}|${x.dtype}|k${kr}`;
  const sum = (at: number) => Array.from({ length: kr }, (_, d) => ` + i32(k${d}) * i32(prm[${at + d}])`).join('');
  const op = log ? 'logSoftmax' : 'softmax';
  const entry = ctx.stream.pipelines.get(op, key, () => ({
    code: `${enables([x.dtype])}@group(0) @binding(0) var<storage, read> x: array<${st}>;
@group(0) @binding(1) var<storage, read_write> out: array<${st}>;
@group(0) @binding(2) var<storage, read> prm: array<u32>;
${HELPERS}
var<workgroup> sh: array<f32, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x + wg.y * nwg.x;
  let rows = prm[0];
  let n = select(0u, prm[1], row < rows);
  ${decode('min(row, rows - 1u)', kr, kShape, 'k')}
  let xb = i32(prm[${xOff}])${sum(kx)};
  let ob = i32(0)${sum(ko)};
  let xs = i32(prm[${str}]);
  let os = i32(prm[${str + 1}]);
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
  var total = 0.0;
  for (var j = lid; j < n; j += ${WORKGROUP}u) { total += exp(f32(x[u32(xb + i32(j) * xs)]) - m); }
  sh[lid] = total;
  ${treeReduce(WORKGROUP, (a, b) => `${a} + ${b}`)}
  let s = sh[0];
  let lse = log(s) + m;
  for (var j = lid; j < n; j += ${WORKGROUP}u) {
    let v = f32(x[u32(xb + i32(j) * xs)]);
    out[u32(ob + i32(j) * os)] = ${st}(${log ? 'v - lse' : 'exp(v - m) / s'});
  }
}`,
    bindings: 3,
    writable: [1],
  }));
  ctx.stream.dispatch(op, entry, [buf(x)], [buf(out)], meta.array(), gridFor(ctx, rows, 1));
}

export function makeSoftmaxKernels(ctx: KernelContext) {
  const softmax: Kernel<'softmax'> = ([x], out, { axis }) => softmaxRows(ctx, x, out, axis, false);
  const logSoftmax: Kernel<'logSoftmax'> = ([x], out, { axis }) => softmaxRows(ctx, x, out, axis, true);
  return { softmax, logSoftmax };
}
