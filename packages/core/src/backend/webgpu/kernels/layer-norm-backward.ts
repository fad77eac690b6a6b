/**
 * The layerNorm backward kernel in two dispatches, where differentiating the composite took 26:
 * one workgroup per row recomputes the row's mean and rstd (two passes, as the forward kernel),
 * reduces `Σ g·w` and `Σ g·w·x̂`, writes `gradX = rstd · (g·w − mean(g·w) − x̂ · mean(g·w·x̂))`
 * and keeps (mean, rstd) in a scratch buffer; then a column pass sums `g·x̂` and `g` over the
 * rows into gradWeight and gradBias. x, w and g may be any strided views.
 */
import type { Kernel, TensorView } from '../../backend';
import { WORKGROUP } from '../constants';
import { decode, enables, HELPERS, Meta, storageType, treeReduce } from '../wgsl/common';
import { buf, gridFor, type KernelContext } from './context';
import { collapseDims, sizeOf } from '../../../shape';

/**
 * Columns per workgroup of the column pass; the other `WORKGROUP / COLUMNS` lanes split the rows.
 * Adjacent lanes read adjacent columns of a row, so a real GPU coalesces the loads, and lavapipe
 * gets few workgroups (8 for a 128-wide hidden state).
 */
const COLUMNS = 16;
const LANES = WORKGROUP / COLUMNS;

export function makeLayerNormBackwardKernel(ctx: KernelContext): Kernel<'layerNormBackward'> {
  return ([x, w, g], [gradX, gradW, gradB], { dims, eps }) => {
    const r = x.shape.length;
    const outerShape = x.shape.slice(0, r - dims);
    const innerShape = x.shape.slice(r - dims);
    const outer = collapseDims(outerShape, [x.strides.slice(0, r - dims), g.strides.slice(0, r - dims)]);
    const inner = collapseDims(innerShape, [x.strides.slice(r - dims), w.strides, g.strides.slice(r - dims)]);
    const rows = sizeOf(outerShape);
    const n = sizeOf(innerShape);
    if (rows === 0 || n === 0) return;
    const [or, ir] = [outer.shape.length, inner.shape.length];
    const meta = new Meta();
    meta.u32(rows, n);
    const offs = meta.u32(x.offset, w.offset, g.offset);
    const epsAt = meta.f32(eps);
    const oShape = meta.u32(...outer.shape);
    const [oxs, ogs] = outer.strides.map((s) => meta.i32(...s));
    const iShape = meta.u32(...inner.shape);
    const [ixs, iws, igs] = inner.strides.map((s) => meta.i32(...s));
    const words = meta.array();
    const dtypes: TensorView['dtype'][] = [x.dtype, w.dtype, g.dtype];
    const st = storageType(x.dtype);
    const decls = `${enables(dtypes)}@group(0) @binding(0) var<storage, read> x: array<${st}>;`;
    const prelude = `${HELPERS}
fn outerBase(row: u32, offAt: u32, strides: u32) -> i32 {
  ${decode('row', or, oShape, 'k')}
  return i32(prm[offAt])${Array.from({ length: or }, (_, d) => ` + i32(k${d}) * i32(prm[strides + ${d}u])`).join('')};
}
fn innerOffset(j: u32, strides: u32) -> i32 {
  ${decode('j', ir, iShape, 'q')}
  return 0${Array.from({ length: ir }, (_, d) => ` + i32(q${d}) * i32(prm[strides + ${d}u])`).join('')};
}`;
    const stats = ctx.stream.alloc(rows * 8);

    const rowsEntry = ctx.stream.pipelines.get('layerNormBackward', `layerNormBackward:rows|${dtypes.join(',')}|o${or}|i${ir}`, () => ({
      code: `${decls}
@group(0) @binding(1) var<storage, read> w: array<${storageType(w.dtype)}>;
@group(0) @binding(2) var<storage, read> g: array<${storageType(g.dtype)}>;
@group(0) @binding(3) var<storage, read_write> gx: array<${st}>;
@group(0) @binding(4) var<storage, read_write> stats: array<f32>;
@group(0) @binding(5) var<storage, read> prm: array<u32>;
${prelude}
var<workgroup> sh: array<vec2<f32>, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x + wg.y * nwg.x;
  let rows = prm[0];
  let n = select(0u, prm[1], row < rows);
  let inv = 1.0 / f32(prm[1]);
  let xb = outerBase(min(row, rows - 1u), ${offs}u, ${oxs}u);
  let gb = outerBase(min(row, rows - 1u), ${offs + 2}u, ${ogs}u);
  var acc = 0.0;
  for (var j = lid; j < n; j += ${WORKGROUP}u) { acc += f32(x[u32(xb + innerOffset(j, ${ixs}u))]); }
  sh[lid] = vec2<f32>(acc, 0.0);
  ${treeReduce(WORKGROUP, (a, b) => `${a} + ${b}`)}
  let mean = sh[0].x * inv;
  workgroupBarrier();
  acc = 0.0;
  for (var j = lid; j < n; j += ${WORKGROUP}u) { let d = f32(x[u32(xb + innerOffset(j, ${ixs}u))]) - mean; acc += d * d; }
  sh[lid] = vec2<f32>(acc, 0.0);
  ${treeReduce(WORKGROUP, (a, b) => `${a} + ${b}`)}
  let rstd = 1.0 / sqrt(sh[0].x * inv + bitcast<f32>(prm[${epsAt}]));
  workgroupBarrier();
  var ab = vec2<f32>(0.0, 0.0);
  for (var j = lid; j < n; j += ${WORKGROUP}u) {
    let xhat = (f32(x[u32(xb + innerOffset(j, ${ixs}u))]) - mean) * rstd;
    let gh = f32(g[u32(gb + innerOffset(j, ${igs}u))]) * f32(w[u32(i32(prm[${offs + 1}]) + innerOffset(j, ${iws}u))]);
    ab += vec2<f32>(gh, gh * xhat);
  }
  sh[lid] = ab;
  ${treeReduce(WORKGROUP, (a, b) => `${a} + ${b}`)}
  let a = sh[0].x * inv;
  let b = sh[0].y * inv;
  for (var j = lid; j < n; j += ${WORKGROUP}u) {
    let xhat = (f32(x[u32(xb + innerOffset(j, ${ixs}u))]) - mean) * rstd;
    let gh = f32(g[u32(gb + innerOffset(j, ${igs}u))]) * f32(w[u32(i32(prm[${offs + 1}]) + innerOffset(j, ${iws}u))]);
    gx[row * prm[1] + j] = ${st}(rstd * (gh - a - xhat * b));
  }
  if (lid == 0u && row < rows) {
    stats[2u * row] = mean;
    stats[2u * row + 1u] = rstd;
  }
}`,
      bindings: 6,
      writable: [3, 4],
    }));
    ctx.stream.dispatch('layerNormBackward', rowsEntry, [buf(x), buf(w), buf(g)], [buf(gradX), stats], words, gridFor(ctx, rows, 1));

    const colsEntry = ctx.stream.pipelines.get('layerNormBackward', `layerNormBackward:cols|${dtypes.join(',')}|o${or}|i${ir}`, () => ({
      code: `${decls}
@group(0) @binding(1) var<storage, read> g: array<${storageType(g.dtype)}>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read_write> gw: array<${st}>;
@group(0) @binding(4) var<storage, read_write> gbias: array<${st}>;
@group(0) @binding(5) var<storage, read> prm: array<u32>;
${prelude}
var<workgroup> sh: array<vec2<f32>, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let rows = prm[0];
  let n = prm[1];
  let j = (wg.x + wg.y * nwg.x) * ${COLUMNS}u + lid % ${COLUMNS}u;
  let lane = lid / ${COLUMNS}u;
  var acc = vec2<f32>(0.0, 0.0);
  if (j < n) {
    let xi = innerOffset(j, ${ixs}u);
    let gi = innerOffset(j, ${igs}u);
    for (var r = lane; r < rows; r += ${LANES}u) {
      let xhat = (f32(x[u32(outerBase(r, ${offs}u, ${oxs}u) + xi)]) - stats[2u * r]) * stats[2u * r + 1u];
      let gv = f32(g[u32(outerBase(r, ${offs + 2}u, ${ogs}u) + gi)]);
      acc += vec2<f32>(gv * xhat, gv);
    }
  }
  sh[lid] = acc;
  workgroupBarrier();
  if (lane == 0u && j < n) {
    var total = sh[lid];
    for (var k = 1u; k < ${LANES}u; k++) { total += sh[lid + k * ${COLUMNS}u]; }
    gw[j] = ${st}(total.x);
    gbias[j] = ${st}(total.y);
  }
}`,
      bindings: 6,
      writable: [3, 4],
    }));
    ctx.stream.dispatch('layerNormBackward', colsEntry, [buf(x), buf(g), stats], [buf(gradW), buf(gradB)], words, gridFor(ctx, n, COLUMNS));
    ctx.stream.free(stats);
  };
}
