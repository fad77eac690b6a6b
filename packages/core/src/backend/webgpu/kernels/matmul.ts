/**
 * Batched, strided matmul, register-blocked with workgroup-uniform rows: a workgroup of WX
 * invocations computes a BM × (4·WX) tile; every invocation holds the same BM rows and four
 * columns interleaved with its neighbours' (`lx`, `lx + WX`, …). The loads of A then depend only
 * on the workgroup and the loop counter, so a compiler that tracks uniformity (lavapipe's does)
 * loads each once for the whole workgroup, and adjacent invocations read adjacent elements of B,
 * which software adapters turn into vector loads. Operands are read through their strides, so
 * the transposed operands of the backward pass (`g @ bᵀ`, `aᵀ @ g`) and broadcast batches need
 * no copies. Shared-memory tiling is left out on purpose: on software adapters (lavapipe,
 * SwiftShader) its barriers cost more than they save.
 *
 * Measured on lavapipe (2 cores, raw kernels on the same buffers, interleaved): 16 uniform rows ×
 * 4 columns per invocation did 7.5 / 8.2 / 8.7 GFLOP per CPU-second at 128² / 256² / 512², the
 * previous 8×8 workgroups of 4×4 interleaved blocks 5.3 / 5.8 / 5.7; 8 rows × 4 columns came
 * second (6.8 / 7.0 / 7.5); 2 columns per invocation, or 64-wide workgroups at 128², were slower.
 */
import type { Kernel } from '../../backend';
import { computeType, decode, enables, Meta, storageType } from '../wgsl/common';
import { buf, type KernelContext } from './context';
import { collapseDims } from '../../../shape';
import { tiledMatmul } from './matmul-tiled';

/** Columns per invocation (one vec4 accumulator per row). */
const COLS = 4;

/** Tile shape by size class: rows per workgroup and invocations per workgroup. */
export function matmulTile(m: number, n: number): { rows: 4 | 8 | 16; width: 8 | 32 } {
  // fewer rows than a tile holds would be computed anyway (clamped duplicates), so small M
  // gets small tiles; narrow outputs (a classifier head) get narrow workgroups for the same reason
  const rows = m <= 4 ? 4 : m <= 8 ? 8 : 16;
  const width = n <= 4 * 8 ? 8 : 32;
  return { rows, width };
}

export function makeMatmulKernel(ctx: KernelContext): Kernel<'matmul'> {
  return ([a, b], out) => {
    if (ctx.matmul === 'tiled') {
      tiledMatmul(ctx, a, b, out);
      return;
    }
    const r = a.shape.length;
    const [m, k] = [a.shape[r - 2], a.shape[r - 1]];
    const n = b.shape[r - 1];
    const batchShape = a.shape.slice(0, r - 2);
    const batch = collapseDims(batchShape, [a.strides.slice(0, r - 2), b.strides.slice(0, r - 2)]);
    const batches = batchShape.reduce((p, q) => p * q, 1);
    const br = batch.shape.length;
    const meta = new Meta();
    meta.u32(m, n, k);
    const offs = meta.u32(a.offset, b.offset);
    const strides = meta.i32(a.strides[r - 2], a.strides[r - 1], b.strides[r - 2], b.strides[r - 1]);
    const bShape = meta.u32(...batch.shape);
    const aBs = meta.i32(...batch.strides[0]);
    const bBs = meta.i32(...batch.strides[1]);
    const ct = computeType(out.dtype);
    const st = storageType(out.dtype);
    const dtypes = [a.dtype, b.dtype, out.dtype];
    const { rows: bm, width: wx } = matmulTile(m, n);
    const key = `matmul|${dtypes.join(',')}|b${br}|r${bm}w${wx}`;
    const entry = ctx.stream.pipelines.get('matmul', key, () => {
      const sum = (p: string, at: number) => Array.from({ length: br }, (_, d) => ` + i32(${p}${d}) * i32(prm[${at + d}])`).join('');
      const R = Array.from({ length: bm }, (_, t) => t);
      const C = Array.from({ length: COLS }, (_, t) => t);
      const code = `${enables(dtypes)}@group(0) @binding(0) var<storage, read> A: array<${storageType(a.dtype)}>;
@group(0) @binding(1) var<storage, read> B: array<${storageType(b.dtype)}>;
@group(0) @binding(2) var<storage, read_write> out: array<${st}>;
@group(0) @binding(3) var<storage, read> prm: array<u32>;
@compute @workgroup_size(${wx})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wg: vec3<u32>) {
  let M = prm[0]; let N = prm[1]; let K = i32(prm[2]);
  let row0 = wg.y * ${bm}u;
  let col0 = wg.x * ${COLS * wx}u + lid.x;
  if (col0 >= N) { return; }
  let z = wg.z;
  ${decode('z', br, bShape, 'bz')}
  let aBase = i32(prm[${offs}])${sum('bz', aBs)};
  let bBase = i32(prm[${offs + 1}])${sum('bz', bBs)};
  let as0 = i32(prm[${strides}]); let as1 = i32(prm[${strides + 1}]);
  let bs0 = i32(prm[${strides + 2}]); let bs1 = i32(prm[${strides + 3}]);
  ${R.map((t) => `let ar${t} = aBase + i32(min(row0 + ${t}u, M - 1u)) * as0;`).join('\n  ')}
  ${C.map((t) => `let bc${t} = bBase + i32(min(col0 + ${t * wx}u, N - 1u)) * bs1;`).join('\n  ')}
  ${R.map((t) => `var acc${t} = vec4<${ct}>();`).join('\n  ')}
  for (var kk = 0; kk < K; kk++) {
    let ak = kk * as1;
    let bk = kk * bs0;
    let bv = vec4<${ct}>(${C.map((t) => `${ct}(B[u32(bc${t} + bk)])`).join(', ')});
    ${R.map((t) => `acc${t} += ${ct}(A[u32(ar${t} + ak)]) * bv;`).join('\n    ')}
  }
  let obase = z * M * N;
  ${R.map(
    (t) => `if (row0 + ${t}u < M) {
    let o = obase + (row0 + ${t}u) * N + col0;
    ${C.map((c) => `if (col0 + ${c * wx}u < N) { out[o + ${c * wx}u] = ${st}(acc${t}[${c}]); }`).join('\n    ')}
  }`,
  ).join('\n  ')}
}`;
      return { code, bindings: 4, writable: [2] };
    });
    ctx.stream.dispatch('matmul', entry, [buf(a), buf(b)], [buf(out)], meta.array(), [Math.ceil(n / (COLS * wx)), Math.ceil(m / bm), batches]);
  };
}
