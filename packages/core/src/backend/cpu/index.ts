/**
 * The CPU backend. Kernels are the WebAssembly SIMD ones (wasm/) where they apply, falling back
 * to the TypeScript kernels, which stay the executable specification every other backend (and
 * the WASM path) is tested against. With a shared WebAssembly memory, tensor storage lives on
 * the WASM heap, so kernels use it in place; otherwise it is plain typed arrays.
 */
import { allocArray, bytesPerElement, type DType, type TypedArray } from '../../dtype';
import type { Backend, FullKernelTable, KernelTable } from '../backend';
import { binary, cast, contiguous, unary, where } from './elementwise';
import { gather, scatterAdd } from './indexing';
import { matmul } from './matmul';
import { concat, pad } from './movement';
import { argReduce, reduce } from './reduce';
import { adamwUpdate, attention, gelu, layerNorm, logSoftmax, softmax } from './fused';
import { geluBackward, layerNormBackward } from './fused-backward';
import { heapRuntime, onCpuModeChange, wasmContext } from './settings';
import { wasmKernels } from './wasm/kernels';

export const cpuKernels: FullKernelTable = { unary, binary, where, cast, contiguous, reduce, argReduce, matmul, pad, concat, gather, scatterAdd };

/**
 * Fused kernels for hot composites, and backward kernels for two of them; the composites (and
 * their differentiation) stay the reference these are tested against.
 */
export const cpuFusedKernels: KernelTable = { softmax, logSoftmax, gelu, layerNorm, attention, adamwUpdate, geluBackward, layerNormBackward };

const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array, float16: Uint16Array } as const;

/** A zero-filled array on the WASM heap when there is a shared one with room, else an ordinary one. */
function alloc(dtype: DType, size: number): TypedArray {
  const rt = heapRuntime();
  if (rt?.shared && size > 0) {
    const ptr = rt.heap.alloc(size * bytesPerElement(dtype));
    if (ptr !== null) return new ARRAYS[dtype](rt.heap.buffer as ArrayBuffer, ptr, size);
  }
  return allocArray(dtype, size);
}

function free(buffer: unknown): void {
  const a = buffer as TypedArray;
  const rt = heapRuntime();
  if (rt?.heap.owns(a)) rt.heap.free(a.byteOffset, a.byteLength);
}

/** A host copy of the first `size` elements (`slice` of a shared-memory array is very slow in V8; `set` is not). */
function copyOut(a: TypedArray, size: number): TypedArray {
  const out = new (a.constructor as new (n: number) => TypedArray)(size);
  out.set(a.subarray(0, size));
  return out;
}

/** The kernel table for the current mode: WASM kernels with TypeScript fallbacks, or TypeScript only. */
function currentKernels(): KernelTable {
  const ctx = wasmContext();
  const base = { ...cpuKernels, ...cpuFusedKernels };
  return ctx ? wasmKernels(ctx.rt, ctx.pool, cpuKernels, cpuFusedKernels) : base;
}

export function cpuBackend(): Backend {
  const kernels: KernelTable = currentKernels();
  let installed = { ...kernels };
  // a mode switch swaps the kernels this backend was given, not ones a plugin registered since
  onCpuModeChange(() => {
    const next = currentKernels();
    const k = kernels as Record<string, unknown>;
    for (const op of new Set([...Object.keys(installed), ...Object.keys(next)])) {
      if (k[op] === (installed as Record<string, unknown>)[op]) {
        const v = (next as Record<string, unknown>)[op];
        if (v === undefined) delete k[op];
        else k[op] = v;
      }
    }
    installed = { ...next };
  });
  for (const op of Object.keys(kernels)) if ((kernels as Record<string, unknown>)[op] === undefined) delete (kernels as Record<string, unknown>)[op];
  return {
    name: 'cpu',
    dtypes: ['float32', 'float64', 'int32', 'bool'],
    alloc,
    free,
    write: (buffer, _dtype, src: TypedArray) => (buffer as TypedArray).set(src),
    read: async (buffer, _dtype, size) => copyOut(buffer as TypedArray, size),
    readSync: (buffer, _dtype, size) => copyOut(buffer as TypedArray, size),
    sync: async () => {},
    kernels,
  };
}
