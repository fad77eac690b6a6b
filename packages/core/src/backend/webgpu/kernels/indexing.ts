/**
 * gather and scatterAdd (torch semantics). A shader cannot throw, so an out-of-range index is
 * clamped into range and raises a flag (the op's code and the bad index) that the next read
 * turns into a WebGPUIndexError: the run fails at its next sync point, never silently.
 * scatterAdd accumulates with atomics (a compare-exchange loop for f32), so the order in which
 * duplicate indices add up, and hence the last bits of float sums, may vary between runs.
 */
import { DTypeError } from '../../../errors';
import type { Kernel } from '../../backend';
import { contiguousStrides } from '../../../shape';
import { WORKGROUP } from '../constants';
import { INDEX_FLAG_OPS } from '../encoder';
import { computeType, decode, enables, Meta, storageType } from '../wgsl/common';
import { buf, gridFor, type KernelContext } from './context';
import { sizeOf } from '../../../shape';
import { copyInto } from './movement';

const FLAGS_DECL = (binding: number) => `@group(0) @binding(${binding}) var<storage, read_write> flags: array<atomic<u32>>;`;

/** WGSL: reads index `v`, and on a bad one raises the flag and clamps it into `[0, size)`. */
function checkedIndex(code: number): string {
  return `var v = idx[IDX];
  let size = i32(prm[1]);
  if (v < 0 || v >= size) {
    atomicStore(&flags[1], bitcast<u32>(v));
    atomicMax(&flags[0], ${code}u);
    v = clamp(v, 0, size - 1);
  }`;
}

/** `Σ_{d ≠ axis} c_d · prm[at + d]` as an i32 WGSL expression. */
function sumExcept(rank: number, axis: number, at: number): string {
  let e = 'i32(0)';
  for (let d = 0; d < rank; d++) if (d !== axis) e += ` + i32(c${d}) * i32(prm[${at + d}])`;
  return e;
}

function sumAll(rank: number, at: number): string {
  let e = 'i32(0)';
  for (let d = 0; d < rank; d++) e += ` + i32(c${d}) * i32(prm[${at + d}])`;
  return e;
}

export function makeIndexingKernels(ctx: KernelContext) {
  const gather: Kernel<'gather'> = ([x, index], out, { axis }) => {
    const rank = index.shape.length;
    const n = sizeOf(index.shape);
    const meta = new Meta();
    meta.u32(n, x.shape[axis]);
    const shapeAt = meta.u32(...index.shape);
    const iOff = meta.u32(index.offset);
    const iStr = meta.i32(...index.strides);
    const xOff = meta.u32(x.offset);
    const xStr = meta.i32(...x.strides);
    const key = `gather|${x.dtype}|r${rank}|a${axis}`;
    const entry = ctx.stream.pipelines.get('gather', key, () => ({
      code: `${enables([x.dtype])}@group(0) @binding(0) var<storage, read> x: array<${storageType(x.dtype)}>;
@group(0) @binding(1) var<storage, read> idx: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<${storageType(out.dtype)}>;
@group(0) @binding(3) var<storage, read> prm: array<u32>;
${FLAGS_DECL(4)}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  if (i >= prm[0]) { return; }
  ${decode('i', rank, shapeAt, 'c')}
  ${checkedIndex(INDEX_FLAG_OPS.indexOf('gather')).replace('IDX', `u32(i32(prm[${iOff}]) + ${sumAll(rank, iStr)})`)}
  out[i] = x[u32(i32(prm[${xOff}]) + ${sumExcept(rank, axis, xStr)} + v * i32(prm[${xStr + axis}]))];
}`,
      bindings: 5,
      writable: [2, 4],
    }));
    ctx.stream.dispatch('gather', entry, [buf(x), buf(index)], [buf(out)], meta.array(), gridFor(ctx, n, WORKGROUP), { flags: true });
  };

  const scatterAdd: Kernel<'scatterAdd'> = ([base, index, src], out, { axis }) => {
    const ct = computeType(out.dtype);
    if (out.dtype !== 'float32' && out.dtype !== 'int32') throw new DTypeError(`webgpu scatterAdd supports float32 and int32, got ${out.dtype}`);
    const outStrides = contiguousStrides(out.shape);
    copyInto(ctx, 'scatterAdd', base, out, 0, outStrides);
    const rank = index.shape.length;
    const n = sizeOf(index.shape);
    if (n === 0) return;
    const meta = new Meta();
    meta.u32(n, out.shape[axis]);
    const shapeAt = meta.u32(...index.shape);
    const iOff = meta.u32(index.offset);
    const iStr = meta.i32(...index.strides);
    const sOff = meta.u32(src.offset);
    const sStr = meta.i32(...src.strides);
    const oStr = meta.i32(...outStrides);
    const add =
      ct === 'f32'
        ? `var old = atomicLoad(&out[dest]);
  loop {
    let r = atomicCompareExchangeWeak(&out[dest], old, bitcast<u32>(bitcast<f32>(old) + val));
    if (r.exchanged) { break; }
    old = r.old_value;
  }`
        : 'atomicAdd(&out[dest], val);';
    const key = `scatterAdd|${out.dtype}|r${rank}|a${axis}`;
    const entry = ctx.stream.pipelines.get('scatterAdd', key, () => ({
      code: `@group(0) @binding(0) var<storage, read> idx: array<i32>;
@group(0) @binding(1) var<storage, read> src: array<${storageType(src.dtype)}>;
@group(0) @binding(2) var<storage, read_write> out: array<atomic<${ct === 'f32' ? 'u32' : 'i32'}>>;
@group(0) @binding(3) var<storage, read> prm: array<u32>;
${FLAGS_DECL(4)}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  if (i >= prm[0]) { return; }
  ${decode('i', rank, shapeAt, 'c')}
  ${checkedIndex(INDEX_FLAG_OPS.indexOf('scatterAdd')).replace('IDX', `u32(i32(prm[${iOff}]) + ${sumAll(rank, iStr)})`)}
  let val = ${ct}(src[u32(i32(prm[${sOff}]) + ${sumAll(rank, sStr)})]);
  let dest = u32(${sumExcept(rank, axis, oStr)} + v * i32(prm[${oStr + axis}]));
  ${add}
}`,
      bindings: 5,
      writable: [2, 4],
    }));
    ctx.stream.dispatch('scatterAdd', entry, [buf(index), buf(src)], [buf(out)], meta.array(), gridFor(ctx, n, WORKGROUP), { flags: true });
  };

  return { gather, scatterAdd };
}
