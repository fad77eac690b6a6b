/**
 * Fused scaled dot-product attention, tiled over keys with an online softmax (the
 * FlashAttention recurrence): one workgroup per query row walks the keys in tiles of 64, keeps
 * the running maximum, normaliser and output accumulators in registers, and never materialises
 * the [Lq, Lk] score matrix. Each lane owns output dims lane, lane+64, …; the tile's scores
 * and probabilities pass through workgroup memory.
 */
import type { Kernel } from '../../backend';
import { WORKGROUP } from '../constants';
import { decode, enables, HELPERS, Meta, storageType } from '../wgsl/common';
import { buf, gridFor, type KernelContext } from './context';
import { collapseDims } from '../../../shape';

export function makeAttentionKernel(ctx: KernelContext): Kernel<'attention'> {
  return (inputs, out, { scale, causal }) => {
    const [q, k, v, mask] = inputs;
    const r = q.shape.length;
    const [lq, d] = [q.shape[r - 2], q.shape[r - 1]];
    const [lk, dv] = [k.shape[r - 2], v.shape[r - 1]];
    const batchShape = q.shape.slice(0, r - 2);
    const views = mask ? [q, k, v, mask] : [q, k, v];
    const batch = collapseDims(
      batchShape,
      views.map((t) => t.strides.slice(0, r - 2)),
    );
    const batches = batchShape.reduce((p, x) => p * x, 1);
    const br = batch.shape.length;
    const meta = new Meta();
    meta.u32(batches * lq, lq, lk, d, dv, causal ? 1 : 0);
    const scaleAt = meta.f32(scale);
    const offs = meta.u32(...views.map((t) => t.offset));
    const str = meta.i32(...views.flatMap((t) => [t.strides[r - 2], t.strides[r - 1]]));
    const bShape = meta.u32(...batch.shape);
    const bStr = batch.strides.map((s) => meta.i32(...s));
    const perLane = Math.max(1, Math.ceil(dv / WORKGROUP));
    const dtypes = views.map((t) => t.dtype);
    const st = storageType(out.dtype);
    const key = `attention|${dtypes.join(',')}|b${br}|m${mask ? 1 : 0}|l${perLane}`;
    const base = (t: number) => `i32(prm[${offs + t}])${Array.from({ length: br }, (_, j) => ` + i32(z${j}) * i32(prm[${bStr[t] + j}])`).join('')}`;
    const s = (t: number, which: 0 | 1) => `i32(prm[${str + 2 * t + which}])`;
    const lanes = Array.from({ length: perLane }, (_, j) => j);
    const entry = ctx.stream.pipelines.get('attention', key, () => ({
      code: `${enables(dtypes)}@group(0) @binding(0) var<storage, read> q: array<${storageType(q.dtype)}>;
@group(0) @binding(1) var<storage, read> k: array<${storageType(k.dtype)}>;
@group(0) @binding(2) var<storage, read> v: array<${storageType(v.dtype)}>;
${mask ? `@group(0) @binding(3) var<storage, read> mask: array<${storageType(mask.dtype)}>;` : ''}
@group(0) @binding(${views.length}) var<storage, read_write> out: array<${st}>;
@group(0) @binding(${views.length + 1}) var<storage, read> prm: array<u32>;
${HELPERS}
var<workgroup> sc: array<f32, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = wg.x + wg.y * nwg.x;
  let rowsTotal = prm[0];
  let valid = g < rowsTotal;
  let gg = min(g, rowsTotal - 1u);
  let lq = prm[1]; let lk = prm[2]; let d = prm[3]; let dv = prm[4];
  let causal = prm[5] != 0u;
  let scale = bitcast<f32>(prm[${scaleAt}]);
  let bi = gg / lq;
  let i = gg % lq;
  ${decode('bi', br, bShape, 'z')}
  let qb = ${base(0)} + i32(i) * ${s(0, 0)};
  let kb = ${base(1)};
  let vb = ${base(2)};
  ${mask ? `let mb = ${base(3)} + i32(i) * ${s(3, 0)};` : ''}
  var m = -inf_();
  var l = 0.0;
  ${lanes.map((j) => `var acc${j} = 0.0;`).join('\n  ')}
  for (var t0 = 0u; t0 < lk; t0 += ${WORKGROUP}u) {
    let j = t0 + lid;
    var sj = -inf_();
    if (j < lk) {
      var dot = 0.0;
      for (var t = 0u; t < d; t++) {
        dot += f32(q[u32(qb + i32(t) * ${s(0, 1)})]) * f32(k[u32(kb + i32(j) * ${s(1, 0)} + i32(t) * ${s(1, 1)})]);
      }
      sj = dot * scale;
      ${mask ? `sj += f32(mask[u32(mb + i32(j) * ${s(3, 1)})]);` : ''}
      if (causal && i32(j) > i32(i) + i32(lk) - i32(lq)) { sj = -inf_(); }
    }
    sc[lid] = sj;
    workgroupBarrier();
    let cnt = min(${WORKGROUP}u, lk - t0);
    var tmax = -inf_();
    for (var jj = 0u; jj < cnt; jj++) { tmax = max(tmax, sc[jj]); }
    let mNew = max(m, tmax);
    let alpha = select(exp(m - mNew), 0.0, isninf_(m));
    workgroupBarrier();
    sc[lid] = select(exp(sj - mNew), 0.0, isninf_(sj) || isninf_(mNew));
    workgroupBarrier();
    l = l * alpha;
    ${lanes.map((j) => `acc${j} = acc${j} * alpha;`).join('\n    ')}
    for (var jj = 0u; jj < cnt; jj++) {
      let p = sc[jj];
      l += p;
      let vrow = vb + i32(t0 + jj) * ${s(2, 0)};
      ${lanes.map((j) => `if (lid + ${j * WORKGROUP}u < dv) { acc${j} += p * f32(v[u32(vrow + i32(lid + ${j * WORKGROUP}u) * ${s(2, 1)})]); }`).join('\n      ')}
    }
    m = mNew;
    workgroupBarrier();
  }
  if (valid) {
    ${lanes.map((j) => `if (lid + ${j * WORKGROUP}u < dv) { out[g * dv + lid + ${j * WORKGROUP}u] = ${st}(acc${j} / l); }`).join('\n    ')}
  }
}`,
      bindings: views.length + 2,
      writable: [views.length],
    }));
    ctx.stream.dispatch('attention', entry, views.map(buf), [buf(out)], meta.array(), gridFor(ctx, batches * lq, 1));
  };
}
