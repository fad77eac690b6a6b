/**
 * Batched, strided matmul, register-blocked: each invocation computes 4×4 outputs and each 8×8
 * workgroup a 32×32 tile. An invocation's rows and columns are interleaved with its neighbours'
 * (row `ly + 8t`, column `lx + 8t`), so adjacent invocations read adjacent elements of B and write
 * adjacent outputs, which software adapters turn into vector loads and stores. Operands are read through their strides, so the transposed
 * operands of the backward pass (`g @ bᵀ`, `aᵀ @ g`) and broadcast batches need no copies.
 * Shared-memory tiling is left out on purpose: on software adapters (lavapipe, SwiftShader) its
 * barriers cost more than they save, while register blocking helps everywhere.
 */
import type { Kernel } from '../../backend';
import { computeType, decode, enables, Meta, storageType } from '../wgsl/common';
import { buf, collapse, type KernelContext } from './context';

const BLOCK = 4;
const WG = 8;

export function makeMatmulKernel(ctx: KernelContext): Kernel<'matmul'> {
  return ([a, b], out) => {
    const r = a.shape.length;
    const [m, k] = [a.shape[r - 2], a.shape[r - 1]];
    const n = b.shape[r - 1];
    const batchShape = a.shape.slice(0, r - 2);
    const batch = collapse(batchShape, [a.strides.slice(0, r - 2), b.strides.slice(0, r - 2)]);
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
    const dtypes = [a.dtype, b.dtype, out.dtype];
    const key = `matmul|${dtypes.join(',')}|b${br}`;
    const entry = ctx.stream.pipelines.get('matmul', key, () => {
      const sum = (p: string, at: number) => Array.from({ length: br }, (_, d) => ` + i32(${p}${d}) * i32(prm[${at + d}])`).join('');
      const rows = Array.from({ length: BLOCK }, (_, t) => t);
      const code = `${enables(dtypes)}@group(0) @binding(0) var<storage, read> A: array<${storageType(a.dtype)}>;
@group(0) @binding(1) var<storage, read> B: array<${storageType(b.dtype)}>;
@group(0) @binding(2) var<storage, read_write> out: array<${storageType(out.dtype)}>;
@group(0) @binding(3) var<storage, read> prm: array<u32>;
@compute @workgroup_size(${WG}, ${WG})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wg: vec3<u32>) {
  let M = prm[0]; let N = prm[1]; let K = i32(prm[2]);
  let row0 = wg.y * ${BLOCK * WG}u + lid.y;
  let col0 = wg.x * ${BLOCK * WG}u + lid.x;
  if (row0 >= M || col0 >= N) { return; }
  let z = wg.z;
  ${decode('z', br, bShape, 'bz')}
  let aBase = i32(prm[${offs}])${sum('bz', aBs)};
  let bBase = i32(prm[${offs + 1}])${sum('bz', bBs)};
  let as0 = i32(prm[${strides}]); let as1 = i32(prm[${strides + 1}]);
  let bs0 = i32(prm[${strides + 2}]); let bs1 = i32(prm[${strides + 3}]);
  ${rows.map((t) => `let ar${t} = aBase + i32(min(row0 + ${t * WG}u, M - 1u)) * as0;`).join('\n  ')}
  ${rows.map((t) => `let bc${t} = bBase + i32(min(col0 + ${t * WG}u, N - 1u)) * bs1;`).join('\n  ')}
  ${rows.map((t) => `var acc${t} = vec4<${ct}>();`).join('\n  ')}
  for (var kk = 0; kk < K; kk++) {
    let ak = kk * as1;
    let bk = kk * bs0;
    let bv = vec4<${ct}>(${rows.map((t) => `${ct}(B[u32(bc${t} + bk)])`).join(', ')});
    ${rows.map((t) => `acc${t} += ${ct}(A[u32(ar${t} + ak)]) * bv;`).join('\n    ')}
  }
  let obase = z * M * N;
  ${rows
    .map(
      (t) => `if (row0 + ${t * WG}u < M) {
    let o = obase + (row0 + ${t * WG}u) * N + col0;
    ${rows.map((c) => `if (col0 + ${c * WG}u < N) { out[o + ${c * WG}u] = ${storageType(out.dtype)}(acc${t}[${c}]); }`).join('\n    ')}
  }`,
    )
    .join('\n  ')}
}`;
      return { code, bindings: 4, writable: [2] };
    });
    const tile = BLOCK * WG;
    ctx.stream.dispatch('matmul', entry, [buf(a), buf(b)], [buf(out)], meta.array(), [Math.ceil(n / tile), Math.ceil(m / tile), batches]);
  };
}
