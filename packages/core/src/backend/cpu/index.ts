/**
 * The CPU backend: plain typed arrays and TypeScript kernels. It is the executable specification
 * every other backend is tested against.
 */
import { allocArray, type DType, type TypedArray } from '../../dtype';
import type { Backend, FullKernelTable, KernelTable } from '../backend';
import { binary, cast, contiguous, unary, where } from './elementwise';
import { gather, scatterAdd } from './indexing';
import { matmul } from './matmul';
import { concat, pad } from './movement';
import { argReduce, reduce } from './reduce';
import { adamwUpdate, attention, gelu, layerNorm, logSoftmax, softmax } from './fused';

export const cpuKernels: FullKernelTable = { unary, binary, where, cast, contiguous, reduce, argReduce, matmul, pad, concat, gather, scatterAdd };

/** Fused kernels for hot composites; the composites stay the reference they are tested against. */
export const cpuFusedKernels: KernelTable = { softmax, logSoftmax, gelu, layerNorm, attention, adamwUpdate };

export function cpuBackend(): Backend {
  return {
    name: 'cpu',
    dtypes: ['float32', 'float64', 'int32', 'bool'],
    alloc: (dtype: DType, size: number) => allocArray(dtype, size),
    free: () => {},
    write: (buffer, _dtype, src: TypedArray) => (buffer as TypedArray).set(src),
    read: async (buffer, _dtype, size) => (buffer as TypedArray).slice(0, size),
    readSync: (buffer, _dtype, size) => (buffer as TypedArray).slice(0, size),
    sync: async () => {},
    kernels: { ...cpuKernels, ...cpuFusedKernels },
  };
}
