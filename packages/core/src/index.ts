/**
 * @graft/core: tensors, autograd, memory scopes, backends, the seeded generator and safetensors.
 * @packageDocumentation
 */
export { Tensor } from './tensor';
export type { DType, TypedArray } from './dtype';
export { bytesPerElement, isFloat, promoteTypes, DTYPES } from './dtype';
export * from './errors';
export { broadcastShapes, sizeOf, contiguousStrides, shapesEqual, formatShape, type Shape } from './shape';
export * from './ops/index';
export { noGrad, enableGrad, isGradEnabled, GradNode } from './autograd/graph';
export { backward } from './autograd/backward';
export { gradRules, type GradRule, type GradTable } from './autograd/rules';
export { gradcheck, GradcheckError, type GradcheckOptions } from './autograd/gradcheck';
export { scope, scopeAsync, keep, memory, scopeDepth, type MemoryInfo } from './memory';
export type { Backend, BackendBuffer, Kernel, KernelTable, FullKernelTable, TensorView } from './backend/backend';
export { BackendRegistry } from './backend/registry';
export { backends, registerBackend, setBackend, getBackend, registerKernel } from './backend/global';
export { cpuBackend, cpuKernels, cpuFusedKernels, type CpuBackend, type CpuBackendOptions, type CpuInfo, type CpuKernelMode } from './backend/cpu/index';
export { setCpuThreads, setCpuKernels, cpuInfo, initCpu } from './backend/cpu/settings';
export * from './ops/spec';
export * from './random/index';
export * from './io/index';
export { loadSafetensors, saveSafetensors, type LoadSafetensorsOptions, type LoadedSafetensors, type SaveSafetensorsOptions } from './safetensors';
