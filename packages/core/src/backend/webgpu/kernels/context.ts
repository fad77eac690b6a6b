/** What every WebGPU kernel needs: the command stream and the view-to-buffer helpers. */
import type { TensorView } from '../../backend';
import type { CommandStream, GpuTensorBuffer } from '../encoder';
import { WORKGROUP } from '../constants';
import { grid } from '../wgsl/common';

export interface KernelContext {
  readonly stream: CommandStream;
  /** Record elementwise ops and fuse chains of them into one kernel (kernels/lazy-map.ts). */
  readonly fuseElementwise: boolean;
  /** The matmul kernel: uniform rows (matmul.ts, for software adapters) or shared-memory tiles (matmul-tiled.ts). */
  readonly matmul: 'rows' | 'tiled';
}

/** The GPU buffer behind a view, with a pending elementwise result first dispatched (the kernel reads it). */
export function buf(v: TensorView): GpuTensorBuffer {
  const b = v.buffer as GpuTensorBuffer;
  b.pending?.materialize();
  return b;
}

/**
 * Workgroups at most for the grid-stride kernels (`loopGrid`): 4096 × 64 invocations keep a GPU
 * busy, and lavapipe, which runs each workgroup as a task of its thread pool, no longer gets the
 * 61 000 workgroups of a 4M-element op (copies and adds of that size ran 2–3× faster; 16384 and
 * no cap measured within the run-to-run spread of 4096 on a bert step).
 */
export const MAX_LOOP_GROUPS = 4096;

/** Workgroups for a grid-stride loop over `n` items (see `LOOP_HEAD`). */
export function loopGrid(n: number): [number, number, number] {
  return [Math.max(1, Math.min(MAX_LOOP_GROUPS, Math.ceil(n / WORKGROUP))), 1, 1];
}

/**
 * WGSL opening a grid-stride loop over `i < ${n}` (close it with `}`): each invocation handles
 * `i`, `i + stride`, … so any number of elements fits `loopGrid`'s capped grid. Needs the
 * `gid` and `nwg` builtins.
 */
export function loopHead(n: string): string {
  return `for (var i = gid.x; i < ${n}; i = i + nwg.x * ${WORKGROUP}u) {`;
}

/** Workgroups for `n` items at `perGroup` items per workgroup. */
export function gridFor(ctx: KernelContext, n: number, perGroup: number): [number, number, number] {
  return grid(Math.ceil(n / perGroup), ctx.stream.ctx.limits.maxComputeWorkgroupsPerDimension);
}
