/**
 * pad and concat as a fill plus strided copies: one kernel copies any view into any strided
 * region of the output, so concat of many inputs never runs out of bindings.
 */
import type { Kernel, TensorView } from '../../backend';
import { contiguousStrides } from '../../../shape';
import { WORKGROUP } from '../constants';
import { decode, enables, gpuBytesPerElement, Meta, offsetExpr, storageType } from '../wgsl/common';
import { buf, loopGrid, loopHead, type KernelContext } from './context';
import { collapseDims, sizeOf } from '../../../shape';
import { runMap } from './map';

/** Copies view `x` to `out` at element `outOffset + Σ coord_d · outStrides_d`. */
export function copyInto(ctx: KernelContext, op: string, x: TensorView, out: TensorView, outOffset: number, outStrides: readonly number[]): void {
  const n = sizeOf(x.shape);
  if (n === 0) return;
  const c = collapseDims(x.shape, [x.strides, outStrides]);
  const rank = c.shape.length;
  if (
    x.dtype === out.dtype &&
    rank <= 1 &&
    (rank === 0 || (c.strides[0][0] === 1 && c.strides[1][0] === 1)) &&
    copyRange(ctx, op, x, out, x.offset, outOffset, n)
  )
    return;
  const meta = new Meta();
  meta.u32(n);
  const shapeAt = meta.u32(...c.shape);
  const inOff = meta.u32(x.offset);
  const inStr = meta.i32(...c.strides[0]);
  const outOff = meta.u32(outOffset);
  const outStr = meta.i32(...c.strides[1]);
  const key = `copyInto|${x.dtype}|r${rank}`;
  const entry = ctx.stream.pipelines.get(op, key, () => ({
    code: `${enables([x.dtype])}@group(0) @binding(0) var<storage, read> x: array<${storageType(x.dtype)}>;
@group(0) @binding(1) var<storage, read_write> out: array<${storageType(out.dtype)}>;
@group(0) @binding(2) var<storage, read> prm: array<u32>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${loopHead('prm[0]')}
  ${decode('i', rank, shapeAt, 'c')}
  out[${offsetExpr('c', rank, outOff, outStr)}] = x[${offsetExpr('c', rank, inOff, inStr)}];
  }
}`,
    bindings: 3,
    writable: [1],
  }));
  ctx.stream.dispatch(op, entry, [buf(x)], [buf(out)], meta.array(), loopGrid(n));
}

/**
 * Copies `n` contiguous elements from element `from` of `x` to element `to` of `out` with a
 * buffer copy (a memcpy, where a shader pays per workgroup), when the byte offsets and size are
 * multiples of 4 as copies require. Returns false when they are not (float16 at odd offsets).
 */
export function copyRange(ctx: KernelContext, op: string, x: TensorView, out: TensorView, from: number, to: number, n: number): boolean {
  const size = gpuBytesPerElement(x.dtype);
  if ((from * size) % 4 !== 0 || (to * size) % 4 !== 0 || ((n * size) % 4 !== 0 && to + n !== sizeOf(out.shape))) return false;
  ctx.stream.copy(op, buf(x), buf(out), n * size, from * size, to * size);
  return true;
}

/** Fills a dense output with one value (cast to its dtype as the CPU's typed arrays would). */
export function fill(ctx: KernelContext, op: string, out: TensorView, value: number): void {
  const expr = out.dtype === 'bool' ? 'select(0u, 1u, p0 != 0.0)' : out.dtype === 'int32' ? 'i32(p0)' : 'p0';
  runMap(ctx, { op, key: 'fill', inputs: [], out, expr, params: [value] });
}

export function makeMovementKernels(ctx: KernelContext) {
  const pad: Kernel<'pad'> = ([x], out, { widths, value }) => {
    fill(ctx, 'pad', out, value);
    const outStrides = contiguousStrides(out.shape);
    const base = widths.reduce((acc, [lo], d) => acc + lo * outStrides[d], 0);
    copyInto(
      ctx,
      'pad',
      x,
      out,
      base,
      outStrides.map((s, d) => s * (widths[d][2] + 1)),
    );
  };

  const concat: Kernel<'concat'> = (inputs, out, { axis }) => {
    const outStrides = contiguousStrides(out.shape);
    let start = 0;
    for (const x of inputs) {
      copyInto(ctx, 'concat', x, out, start * outStrides[axis], outStrides);
      start += x.shape[axis];
    }
  };

  return { pad, concat };
}
