/**
 * The WebGPU backend: WGSL kernels for every primitive of the CPU reference, fused kernels for
 * the composites that dominate training, pooled buffers, cached pipelines and batched submits.
 */
import type { DType, TypedArray } from '../../dtype';
import type { Backend, KernelTable } from '../backend';
import { createGpuContext, type GpuContext, type WebGPUOptions } from './device';
import { CommandStream, type GpuTensorBuffer } from './encoder';
import type { PoolStats } from './buffer-pool';
import type { BindGroupStats } from './bind-groups';
import { WebGPULimitError } from './errors';
import { gpuBytesPerElement } from './wgsl/common';
import type { KernelContext } from './kernels/context';
import { makeElementwiseKernels } from './kernels/elementwise';
import { makeReduceKernels } from './kernels/reduce';
import { makeMatmulKernel } from './kernels/matmul';
import { isSoftwareAdapter } from './kernels/matmul-tiled';
import { makeMovementKernels } from './kernels/movement';
import { makeIndexingKernels } from './kernels/indexing';
import { makeFusedKernels } from './kernels/fused';

/** A WebGPU backend, with access to its device, stream and statistics. */
export interface WebGPUBackend extends Backend {
  /** The adapter, device and limits this backend runs on. */
  readonly gpu: GpuContext;
  /** The matmul kernel in use (`createWebGPUBackend`'s `matmul` option, `'auto'` resolved). */
  readonly matmul: 'rows' | 'tiled';
  /** @internal the command stream every kernel encodes into (pools and caches included) */
  readonly stream: CommandStream;
  /** Buffer-pool, pipeline-cache, bind-group-cache and dispatch counters. */
  stats(): {
    pool: PoolStats;
    /** Compute pipelines in the cache. */
    pipelines: number;
    /** Shader compilations so far (a cache miss each). */
    compiled: number;
    bindGroups: BindGroupStats;
    /** Compute dispatches encoded so far. */
    dispatches: number;
    /** Command buffers submitted so far. */
    submits: number;
  };
}

/** Options of `createWebGPUBackend` (and `registerWebGPU`): the device request, the name, fusion and batching. */
export interface CreateWebGPUBackendOptions extends WebGPUOptions {
  /** The device name tensors report (default `'webgpu'`). */
  name?: string;
  /** Leave out the fused kernels (composites run instead): for testing fused against composite. */
  fused?: boolean;
  /** Dispatches per GPU submit at most (default 32); reads submit what is queued in any case. */
  submitEvery?: number;
  /**
   * Fuse chains of elementwise ops into one kernel each (default true): they are recorded and
   * run when their result is read. `false` dispatches every op at once (for comparisons).
   */
  fuseElementwise?: boolean;
  /**
   * The matmul kernel: `'tiled'` (shared-memory tiles, for GPUs), `'rows'` (uniform rows, for
   * software adapters, where barriers are expensive) or `'auto'` (default: `'rows'` on lavapipe,
   * SwiftShader and other CPU adapters, `'tiled'` elsewhere).
   */
  matmul?: 'auto' | 'tiled' | 'rows';
}

/** Host data → the bytes of a GPU buffer (bool widens to u32). */
function toGpu(dtype: DType, data: TypedArray): ArrayBufferView {
  if (dtype === 'bool') return Uint32Array.from(data as Uint8Array);
  return data;
}

/** GPU bytes → host typed array of `dtype`. */
function fromGpu(dtype: DType, bytes: Uint8Array, size: number): TypedArray {
  const b = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  switch (dtype) {
    case 'float32':
      return new Float32Array(b, 0, size);
    case 'int32':
      return new Int32Array(b, 0, size);
    case 'bool':
      return Uint8Array.from(new Uint32Array(b, 0, size), (v) => (v ? 1 : 0));
    case 'float16':
      return new Uint16Array(b, 0, size);
    default:
      throw new Error(`unreachable dtype ${dtype}`);
  }
}

/** Creates a WebGPU backend on the first adapter found (`navigator.gpu`, or Dawn in Node). */
export async function createWebGPUBackend(opts: CreateWebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const gpu = await createGpuContext(opts);
  const stream = new CommandStream(gpu, opts.submitEvery);
  const matmul = !opts.matmul || opts.matmul === 'auto' ? (isSoftwareAdapter(gpu.adapterInfo) ? 'rows' : 'tiled') : opts.matmul;
  const ctx: KernelContext = { stream, fuseElementwise: opts.fuseElementwise ?? true, matmul };
  const kernels: KernelTable = {
    ...makeElementwiseKernels(ctx),
    ...makeReduceKernels(ctx),
    matmul: makeMatmulKernel(ctx),
    ...makeMovementKernels(ctx),
    ...makeIndexingKernels(ctx),
    ...(opts.fused === false ? {} : makeFusedKernels(ctx)),
  };
  const dtypes: DType[] = ['float32', 'int32', 'bool'];
  if (gpu.f16) dtypes.push('float16');
  const bytesOf = (dtype: DType, size: number) => size * gpuBytesPerElement(dtype);
  return {
    name: opts.name ?? 'webgpu',
    dtypes,
    gpu,
    stream,
    matmul,
    kernels,
    alloc: (dtype, size) => stream.alloc(Math.max(4, bytesOf(dtype, size))),
    free: (buffer) => stream.free(buffer as GpuTensorBuffer),
    write: (buffer, dtype, data) => {
      const b = buffer as GpuTensorBuffer;
      if (bytesOf(dtype, data.length) > b.bytes) throw new WebGPULimitError('write', `${data.length} elements do not fit a buffer of ${b.bytes} bytes`);
      stream.write(b, toGpu(dtype, data));
    },
    read: async (buffer, dtype, size) => fromGpu(dtype, await stream.read(buffer as GpuTensorBuffer, bytesOf(dtype, size)), size),
    sync: () => stream.sync(),
    dispose: () => stream.destroy(),
    stats: () => ({
      pool: stream.pool.stats(),
      pipelines: stream.pipelines.size,
      compiled: stream.pipelines.compiled,
      bindGroups: stream.bindGroups.stats(),
      dispatches: stream.counters.dispatches,
      submits: stream.counters.submits,
    }),
  };
}
