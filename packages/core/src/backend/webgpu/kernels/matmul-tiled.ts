/**
 * Batched, strided matmul with shared-memory tiling, for GPUs (matmul.ts's kernel is tuned for
 * software adapters, where barriers cost more than they save). A 16×16 workgroup computes a
 * 64×64 output tile, 4×4 per invocation (rows `ty + 16i`, columns `tx + 16j`, so neighbours
 * read neighbouring shared words); per step of 16 along K it stages a 64×16 tile of A and a 16×64
 * tile of B in workgroup memory (8 KiB), so each global element is read once per tile instead of
 * once per output. Operands are read through their strides, as in matmul.ts.
 *
 * Not measured on a GPU yet (none was available; bench/gpu measures it): the tile is the
 * conventional starting point, within every adapter's default limits (256 invocations, 16 KiB of
 * workgroup memory). The conformance tests run it on lavapipe through `matmul: 'tiled'`.
 */
import type { TensorView } from '../../backend';
import { computeType, decode, enables, Meta, storageType } from '../wgsl/common';
import { buf, type KernelContext } from './context';
import { collapseDims } from '../../../shape';

const TILE = 64;
const STEP = 16;
const SIDE = 16;
const PER = TILE / SIDE;

/** Whether an adapter runs shaders on the CPU (lavapipe, SwiftShader, WARP): those keep matmul.ts's kernel. */
export function isSoftwareAdapter(info: { vendor: string; architecture: string; device: string; description: string }): boolean {
  return /llvmpipe|lavapipe|swiftshader|software|microsoft basic render|\bwarp\b|\bcpu\b/i.test(
    `${info.vendor} ${info.architecture} ${info.device} ${info.description}`,
  );
}

/** Runs `out = a @ b` (batched, strided) with the tiled kernel. */
export function tiledMatmul(ctx: KernelContext, a: TensorView, b: TensorView, out: TensorView): void {
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
  const key = `matmulTiled|${dtypes.join(',')}|b${br}`;
  const entry = ctx.stream.pipelines.get('matmul', key, () => {
    const sum = (p: string, at: number) => Array.from({ length: br }, (_, d) => ` + i32(${p}${d}) * i32(prm[${at + d}])`).join('');
    const I = Array.from({ length: PER }, (_, t) => t);
    const loads = (TILE * STEP) / (SIDE * SIDE);
    const code = `${enables(dtypes)}@group(0) @binding(0) var<storage, read> A: array<${storageType(a.dtype)}>;
@group(0) @binding(1) var<storage, read> B: array<${storageType(b.dtype)}>;
@group(0) @binding(2) var<storage, read_write> out: array<${st}>;
@group(0) @binding(3) var<storage, read> prm: array<u32>;
var<workgroup> As: array<array<${ct}, ${TILE}>, ${STEP}>;
var<workgroup> Bs: array<array<${ct}, ${TILE}>, ${STEP}>;
@compute @workgroup_size(${SIDE}, ${SIDE})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3<u32>) {
  let M = prm[0]; let N = prm[1]; let K = prm[2];
  let row0 = wg.y * ${TILE}u;
  let col0 = wg.x * ${TILE}u;
  let z = wg.z;
  ${decode('z', br, bShape, 'bz')}
  let aBase = i32(prm[${offs}])${sum('bz', aBs)};
  let bBase = i32(prm[${offs + 1}])${sum('bz', bBs)};
  let as0 = i32(prm[${strides}]); let as1 = i32(prm[${strides + 1}]);
  let bs0 = i32(prm[${strides + 2}]); let bs1 = i32(prm[${strides + 3}]);
  ${I.map((i) => `var acc${i} = vec4<${ct}>();`).join('\n  ')}
  for (var k0 = 0u; k0 < K; k0 += ${STEP}u) {
    for (var l = 0u; l < ${loads}u; l++) {
      let idx = li + l * ${SIDE * SIDE}u;
      let ar = idx / ${STEP}u; let ak = idx % ${STEP}u;
      let arow = row0 + ar; let acol = k0 + ak;
      As[ak][ar] = select(${ct}(0), ${ct}(A[u32(aBase + i32(min(arow, M - 1u)) * as0 + i32(min(acol, K - 1u)) * as1)]), arow < M && acol < K);
      let bk = idx / ${TILE}u; let bc = idx % ${TILE}u;
      let brow = k0 + bk; let bcol = col0 + bc;
      Bs[bk][bc] = select(${ct}(0), ${ct}(B[u32(bBase + i32(min(brow, K - 1u)) * bs0 + i32(min(bcol, N - 1u)) * bs1)]), brow < K && bcol < N);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${STEP}u; kk++) {
      let bv = vec4<${ct}>(${I.map((j) => `Bs[kk][lid.x + ${j * SIDE}u]`).join(', ')});
      ${I.map((i) => `acc${i} += As[kk][lid.y + ${i * SIDE}u] * bv;`).join('\n      ')}
    }
    workgroupBarrier();
  }
  let obase = z * M * N;
  ${I.map(
    (i) => `if (row0 + lid.y + ${i * SIDE}u < M) {
    let o = obase + (row0 + lid.y + ${i * SIDE}u) * N + col0 + lid.x;
    ${I.map((j) => `if (col0 + lid.x + ${j * SIDE}u < N) { out[o + ${j * SIDE}u] = ${st}(acc${i}[${j}]); }`).join('\n    ')}
  }`,
  ).join('\n  ')}
}`;
    return { code, bindings: 4, writable: [2] };
  });
  ctx.stream.dispatch('matmul', entry, [buf(a), buf(b)], [buf(out)], meta.array(), [Math.ceil(n / TILE), Math.ceil(m / TILE), batches]);
}
