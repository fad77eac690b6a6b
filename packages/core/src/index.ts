/**
 * @graft/core: tensors, autograd, memory scopes, backends, the seeded generator and safetensors.
 * Every export is listed by name, so the public API is exactly what this file says; what Graft's
 * own packages need beyond it is in `@graft/core/internal`.
 * @packageDocumentation
 */

// ---- tensors, dtypes, shapes ----
export { Tensor } from './tensor';
export { bytesPerElement, isFloat, promoteTypes, DTYPES, type DType, type TypedArray, type TypedArrayFor } from './dtype';
export { broadcastShapes, sizeOf, contiguousStrides, shapesEqual, formatShape, type Shape } from './shape';
export { ArgumentError, DeviceMismatchError, DisposedError, DTypeError, FormatError, GraftError, MissingKernelError, ShapeError } from './errors';

// ---- creating tensors and reading them ----
export { tensor, full, zeros, ones, zerosLike, onesLike, fullLike, arange, linspace, eye, type CreateOptions, type NestedArray } from './ops/creation';
export type { TensorLike } from './ops/convert';
export { rand, randn, randint, bernoulli, type RandomOptions } from './ops/random';

// ---- ops (Tensor methods call these) ----
export {
  abs,
  add,
  cast,
  ceil,
  clamp,
  cos,
  div,
  eq,
  erf,
  exp,
  floor,
  ge,
  gt,
  le,
  log,
  logicalAnd,
  logicalNot,
  logicalOr,
  lt,
  maskedFill,
  maximum,
  minimum,
  mod,
  mul,
  ne,
  neg,
  pow,
  reciprocal,
  relu,
  round,
  rsub,
  sigmoid,
  sign,
  sin,
  sqrt,
  rsqrt,
  square,
  sub,
  tanh,
  where,
} from './ops/elementwise';
export { sum, prod, max, min, mean, variance, std, logsumexp, argmax, argmin, type Axes, type VarOptions } from './ops/reduce';
export { reshape, view, flatten, permute, transpose, expand, squeeze, unsqueeze, slice, narrow, contiguous, detach, clone, type SliceRange } from './ops/views';
export { pad, concat, stack, split, chunk, type PadSpec } from './ops/movement';
export { gather, indexSelect, scatterAdd, oneHot, tril, triu } from './ops/indexing';
export { matmul } from './ops/linalg';

// ---- composites: activations, normalisation, losses, attention, optimizer steps ----
export { softmax, logSoftmax, gelu, silu, leakyRelu, softmaxComposite, logSoftmaxComposite, geluComposite } from './ops/activations';
export { layerNorm, layerNormComposite, dropout, embedding, rmsNorm } from './ops/normalization';
export { crossEntropy, nllLoss, mseLoss, type CrossEntropyOptions, type Reduction } from './ops/losses';
export { scaledDotProductAttention, attentionComposite, type AttentionOptions } from './ops/attention';
export { adamwUpdate, adamwUpdateComposite, type AdamWHyper, type AdamWResult } from './ops/optim';
export { composites, compositeOf, type Composite } from './ops/composites';

// ---- autograd ----
export { noGrad, enableGrad, isGradEnabled, GradNode, type TensorMeta } from './autograd/graph';
export { backward } from './autograd/backward';
export { gradRules, type GradRule, type GradTable } from './autograd/rules';
export type { DifferentiableOp } from './autograd/saves';
export { gradcheck, GradcheckError, type GradcheckOptions } from './autograd/gradcheck';

// ---- memory ----
export { scope, scopeAsync, keep, memory, scopeDepth, type MemoryInfo, type Scoped } from './memory';

// ---- backends ----
export type { Backend, BackendBuffer, Kernel, KernelTable, FullKernelTable, TensorView } from './backend/backend';
export { BackendRegistry } from './backend/registry';
export { backends, registerBackend, setBackend, getBackend, registerKernel } from './backend/global';
export { cpuBackend, cpuKernels, cpuFusedKernels, type CpuBackend, type CpuBackendOptions, type CpuInfo, type CpuKernelMode } from './backend/cpu/index';
export { setCpuThreads, setCpuKernels, cpuInfo, initCpu } from './backend/cpu/settings';
// the op vocabulary kernels are written against
export {
  UNARY_OPS,
  BINARY_OPS,
  COMPARISON_OPS,
  REDUCE_OPS,
  KERNEL_OPS,
  type UnaryOp,
  type BinaryOp,
  type ReduceOp,
  type PadWidth,
  type OpAttrs,
  type KernelOp,
  type FusedAttrs,
  type FusedOp,
  type FusedBackwardAttrs,
  type FusedBackwardOp,
  type KernelOutputCounts,
  type MultiOutputOp,
  type AnyKernelOp,
  type KernelAttrs,
  type ViewAttrs,
  type ViewOp,
  type AttrsOf,
  type GradOp,
} from './ops/spec';

// ---- seeded randomness (Philox4x32-10: the same numbers on every backend, in any chunking) ----
export { DEFAULT_SEED, Generator, defaultGenerator, manualSeed, type GeneratorState } from './random/generator';
export { PHILOX_M0, PHILOX_M1, PHILOX_ROUNDS, PHILOX_W0, PHILOX_W1, mulhi32, mulhilo32, philox4x32, philox4x32Into, splitU64, toU64 } from './random/philox';
// the exact element → counter mapping that GPU kernels implement
export {
  bernoulliAt,
  checkBernoulliArgs,
  checkNormalArgs,
  checkRandintArgs,
  countersFor,
  elementsPerBlock,
  fillBernoulli,
  fillNormal,
  fillPermutation,
  fillRandint,
  fillUniform,
  normalAt,
  randintAt,
  uniformAt,
  type SampleKind,
  type U64Like,
} from './random/distributions';

// ---- safetensors, sharded checkpoints and half floats (browser-safe, bytes in and out; the file
// helpers are in @graft/core/node, so browser bundles never pull in node:fs) ----
export { loadSafetensors, saveSafetensors, type LoadSafetensorsOptions, type LoadedSafetensors, type SaveSafetensorsOptions } from './safetensors';
export { SafetensorsError, type SafetensorsErrorCode } from './io/safetensors-error';
export { SAFETENSORS_HEADER_LIMITS, type SafetensorsHeaderLimits } from './io/safetensors-header-json';
export {
  SAFETENSORS_DTYPES,
  defaultDTypeFor,
  isSafetensorsDType,
  isSafetensorsFloat,
  safetensorsItemSize,
  type SafetensorsDType,
} from './io/safetensors-dtype';
export {
  MAX_SAFETENSORS_HEADER_BYTES,
  parseSafetensors,
  readSafetensorsHeader,
  type RawTensor,
  type ReadHeaderOptions,
  type SafetensorsFile,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './io/safetensors-read';
export { decodeTensor, type DecodeOptions, type EncodedTensor } from './io/safetensors-decode';
export { serializeSafetensors, type TensorData, type TensorToWrite, type TensorsToWrite } from './io/safetensors-write';
export {
  parseByteSize,
  parseShardIndex,
  planShards,
  type PlannedShard,
  type PlanShardsOptions,
  type ShardIndex,
  type ShardPlan,
  type ShardPlanTensor,
} from './io/safetensors-shards';
export {
  decodeBFloat16,
  decodeBFloat16Array,
  decodeFloat16,
  decodeFloat16Array,
  encodeBFloat16,
  encodeBFloat16Array,
  encodeFloat16,
  encodeFloat16Array,
} from './io/half-float';

// ---- memory diagnostics, checked conversions, permutations ----
export { leaks, liveAllocationSites, setDebugAllocations, setLeakWarnings } from './memory-debug';
export { OutOfMemoryError, LossyConversionError } from './errors';
export type { IntConversionOptions, IntRounding } from './ops/int-conversion';
export { checkShape } from './shape';
export { randperm, shuffle } from './ops/random';
