/**
 * `@graft/core/internal`: what Graft's own packages and test harnesses need from core beyond its
 * public API: the kernel-call funnel and recording (for ops written outside `ops/`), the op
 * helpers behind Tensor's methods and gradient rules, and the storage layer. Not part of the
 * semver contract of @graft/core; it changes with core's internals.
 */
export { Storage, storageUsage } from './storage';
export { runKernel, runKernelOutputs, makeView, viewOf, backendOf } from './ops/dispatch';
export { record, saveForBackward } from './autograd/record';
export { savePolicies, type SavePolicy, type SaveTable, type DifferentiableOp } from './autograd/saves';
export { fusedBackward, fusedBackwardKernel } from './autograd/fused-grad';
export { fused, type DifferentiableFusedOp } from './ops/fused';
export { fromArray } from './ops/creation';
export { denseCopyOf, readData, readDataSync, itemOf, toNested, scalarDType, scalarLike, toTensorPair, shapeArg } from './ops/convert';
export { sliceRaw } from './ops/views';
export { padRaw } from './ops/movement';
export { sumTo } from './ops/reduce';
export { bernoulliMask } from './ops/random';
export { adamwScalars, adamwStep } from './ops/optim';
export { collapseDims, isContiguous, normalizeAxis, normalizeAxes, resolveShape, type Collapsed } from './shape';
export type { GpuTensorBuffer } from './backend/webgpu/encoder';
