/**
 * Fused layerNorm over the trailing `dims` dims: one workgroup per row computes the mean, then
 * the biased variance (two passes, as the CPU kernel, for accuracy), then writes
 * `(x - mean) · rstd · w + b` with strided x, w and b.
 */
import type { Kernel } from '../../backend';
import { WORKGROUP } from '../constants';
import { decode, enables, HELPERS, Meta, storageType, treeReduce } from '../wgsl/common';
import { buf, gridFor, type KernelContext } from './context';
import { collapseDims, sizeOf } from '../../../shape';

export function makeLayerNormKernel(ctx: KernelContext): Kernel<'layerNorm'> {
  return ([x, w, b], out, { dims, eps }) => {
    const r = x.shape.length;
    const outerShape = x.shape.slice(0, r - dims);
    const innerShape = x.shape.slice(r - dims);
    const outer = collapseDims(outerShape, [x.strides.slice(0, r - dims)]);
    const inner = collapseDims(innerShape, [x.strides.slice(r - dims), w.strides, b.strides]);
    const rows = sizeOf(outerShape);
    const n = sizeOf(innerShape);
    const [or, ir] = [outer.shape.length, inner.shape.length];
    const meta = new Meta();
    meta.u32(rows, n);
    const offs = meta.u32(x.offset, w.offset, b.offset);
    const epsAt = meta.f32(eps);
    const oShape = meta.u32(...outer.shape);
    const oStr = meta.i32(...outer.strides[0]);
    const iShape = meta.u32(...inner.shape);
    const [xs, ws, bs] = inner.strides.map((s) => meta.i32(...s));
    const dtypes = [x.dtype, w.dtype, b.dtype];
    const st = storageType(x.dtype);
    const key = `layerNorm|${dtypes.join(',')}|o${or}|i${ir}`;
    const sum = (p: string, rank: number, at: number) => Array.from({ length: rank }, (_, d) => ` + i32(${p}${d}) * i32(prm[${at + d}])`).join('');
    const entry = ctx.stream.pipelines.get('layerNorm', key, () => ({
      code: `${enables(dtypes)}@group(0) @binding(0) var<storage, read> x: array<${st}>;
@group(0) @binding(1) var<storage, read> w: array<${storageType(w.dtype)}>;
@group(0) @binding(2) var<storage, read> b: array<${storageType(b.dtype)}>;
@group(0) @binding(3) var<storage, read_write> out: array<${st}>;
@group(0) @binding(4) var<storage, read> prm: array<u32>;
${HELPERS}
var<workgroup> sh: array<f32, ${WORKGROUP}>;
fn xAt(base: i32, j: u32) -> f32 {
  ${decode('j', ir, iShape, 'q')}
  return f32(x[u32(base${sum('q', ir, xs)})]);
}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x + wg.y * nwg.x;
  let rows = prm[0];
  let n = select(0u, prm[1], row < rows);
  let inv = 1.0 / f32(prm[1]);
  ${decode('min(row, rows - 1u)', or, oShape, 'k')}
  let xb = i32(prm[${offs}])${sum('k', or, oStr)};
  var acc = 0.0;
  for (var j = lid; j < n; j += ${WORKGROUP}u) { acc += xAt(xb, j); }
  sh[lid] = acc;
  ${treeReduce(WORKGROUP, (a, b) => `${a} + ${b}`)}
  let mean = sh[0] * inv;
  workgroupBarrier();
  acc = 0.0;
  for (var j = lid; j < n; j += ${WORKGROUP}u) { let d = xAt(xb, j) - mean; acc += d * d; }
  sh[lid] = acc;
  ${treeReduce(WORKGROUP, (a, b) => `${a} + ${b}`)}
  let rstd = 1.0 / sqrt(sh[0] * inv + bitcast<f32>(prm[${epsAt}]));
  for (var j = lid; j < n; j += ${WORKGROUP}u) {
    ${decode('j', ir, iShape, 'q')}
    let wv = f32(w[u32(i32(prm[${offs + 1}])${sum('q', ir, ws)})]);
    let bv = f32(b[u32(i32(prm[${offs + 2}])${sum('q', ir, bs)})]);
    out[row * prm[1] + j] = ${st}((xAt(xb, j) - mean) * rstd * wv + bv);
  }
}`,
      bindings: 5,
      writable: [3],
    }));
    ctx.stream.dispatch('layerNorm', entry, [buf(x), buf(w), buf(b)], [buf(out)], meta.array(), gridFor(ctx, rows, 1));
  };
}
