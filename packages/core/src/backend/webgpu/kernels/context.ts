/** What every WebGPU kernel needs: the command stream and the view-to-buffer helpers. */
import type { TensorView } from '../../backend';
import type { CommandStream, GpuTensorBuffer } from '../encoder';
import { grid } from '../wgsl/common';

export interface KernelContext {
  readonly stream: CommandStream;
}

/** The GPU buffer behind a view. */
export function buf(v: TensorView): GpuTensorBuffer {
  return v.buffer as GpuTensorBuffer;
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Workgroups for `n` items at `perGroup` items per workgroup. */
export function gridFor(ctx: KernelContext, n: number, perGroup: number): [number, number, number] {
  return grid(Math.ceil(n / perGroup), ctx.stream.ctx.limits.maxComputeWorkgroupsPerDimension);
}

/**
 * Merges adjacent dims that every view walks contiguously and drops size-1 dims, so most views
 * reach the shader as rank 1-3 and share pipelines. Returns the new shape and strides per view.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const keep = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const d of keep) {
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}
