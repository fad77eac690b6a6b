/**
 * The primitive ops: the whole vocabulary a backend implements. Everything else in Graft
 * (softmax, GELU, layerNorm, cross-entropy, attention, …) is a composite of these.
 *
 * Adding a primitive: add it here with its attributes, say what it saves for backward in
 * `autograd/saves.ts` (or list it as non-differentiable there), add its gradient formula to
 * `autograd/rules.ts` and a CPU kernel to `backend/cpu`. The mapped types make each omission a
 * compile error.
 */
import type { DType } from '../dtype';

/** The elementwise unary ops the `unary` kernel implements (its `op` attribute). */
export const UNARY_OPS = [
  'neg',
  'abs',
  'sign',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'recip',
  'tanh',
  'sigmoid',
  'relu',
  'erf',
  'sin',
  'cos',
  'floor',
  'ceil',
  'round',
  'logicalNot',
] as const;
/** One of {@link UNARY_OPS}. */
export type UnaryOp = (typeof UNARY_OPS)[number];

/** The broadcasting binary ops the `binary` kernel implements (its `op` attribute). */
export const BINARY_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'mod',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'logicalAnd',
  'logicalOr',
] as const;
/** One of {@link BINARY_OPS}. */
export type BinaryOp = (typeof BINARY_OPS)[number];

/** Binary ops whose result is `bool` whatever the inputs. */
export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr']);

/** The reductions the `reduce` kernel implements (its `op` attribute). */
export const REDUCE_OPS = ['sum', 'prod', 'max', 'min'] as const;
/** One of {@link REDUCE_OPS}. */
export type ReduceOp = (typeof REDUCE_OPS)[number];

/** `[before, after, interior]` padding of one dimension (interior = elements inserted between neighbours). */
export type PadWidth = readonly [number, number, number];

/** Attributes of every primitive, by name. Ops whose attributes are `{}` take none. */
export interface OpAttrs {
  // elementwise
  unary: { op: UnaryOp };
  binary: { op: BinaryOp };
  where: Record<string, never>;
  cast: { dtype: DType };
  // reductions: `axes` are removed from the output shape (keepDims is a reshape done by the caller)
  reduce: { op: ReduceOp; axes: number[] };
  argReduce: { op: 'argmax' | 'argmin'; axis: number };
  // data movement that needs a kernel (views need none)
  contiguous: Record<string, never>;
  pad: { widths: PadWidth[]; value: number };
  concat: { axis: number };
  // linear algebra: [...batch, M, K] @ [...batch, K, N], batch dims already equal
  matmul: Record<string, never>;
  // indexing (torch.gather / scatter_add semantics; index is int32 with the output's shape)
  gather: { axis: number };
  scatterAdd: { axis: number };
}

/** Kernel-backed primitives: what every backend implements. */
export type KernelOp = keyof OpAttrs;

/**
 * Composites a backend may replace with one fused kernel. The composite stays the reference the
 * fused kernel is tested against, and the fallback where a backend has none. Inputs are listed
 * in the order the kernel receives them.
 */
export interface FusedAttrs {
  /** inputs: [x] */
  softmax: { axis: number };
  /** inputs: [x] */
  logSoftmax: { axis: number };
  /** inputs: [x] */
  gelu: { approximate: 'none' | 'tanh' };
  /** inputs: [x, weight, bias], normalising over the last `dims` dims of x */
  layerNorm: { dims: number; eps: number };
  /** inputs: [q, k, v] or [q, k, v, additiveMask]; output [..., Lq, headDim of v] */
  attention: { scale: number; causal: boolean };
  /**
   * inputs: [param, grad, expAvg, expAvgSq]; outputs: the new param, expAvg and expAvgSq, each
   * of param's shape. The op (ops/optim.ts) turns a step's hyper-parameters into these scalars
   * once, so a kernel only applies them: `m' = beta1·m + (1 − beta1)·g`,
   * `v' = beta2·v + (1 − beta2)·g²`, `p' = decay·p − stepSize·m' / (√v' / sqrtBiasCorrection2 + eps)`.
   * Not differentiable.
   */
  adamwUpdate: {
    beta1: number;
    beta2: number;
    eps: number;
    /** `1 − lr·weightDecay`: decoupled weight decay as a factor on the parameter. */
    decay: number;
    /** `lr / (1 − beta1^step)`: the learning rate with the first moment's bias correction. */
    stepSize: number;
    /** `√(1 − beta2^step)`: the second moment's bias correction, under the square root. */
    sqrtBiasCorrection2: number;
  };
}
/** The name of a fusable composite: a key of {@link FusedAttrs}. */
export type FusedOp = keyof FusedAttrs;

/**
 * Optional backward kernels of fusable composites. Where a backend has one, the gradient rule
 * calls it instead of re-running and differentiating the composite (which stays the reference
 * the kernel is tested against, and the path of backends without one). Never recorded.
 */
export interface FusedBackwardAttrs {
  /** inputs: [x, gradOut]; output: gradX, x's shape */
  geluBackward: { approximate: 'none' | 'tanh' };
  /**
   * inputs: [x, weight, gradOut], normalising the last `dims` dims of x; outputs: gradX (x's
   * shape), gradWeight and gradBias (weight's shape)
   */
  layerNormBackward: { dims: number; eps: number };
  /** inputs: [x, gradOut] (the softmax's input, not its output); output: gradX, x's shape */
  softmaxBackward: { axis: number };
  /** inputs: [x, gradOut] (the logSoftmax's input); output: gradX, x's shape */
  logSoftmaxBackward: { axis: number };
  /**
   * inputs: [q, k, v, gradOut] or [q, k, v, gradOut, additiveMask], as `attention` saw them (one
   * batch shape); outputs: gradQ, gradK, gradV (q's, k's and v's shapes). Not for a mask that
   * needs a gradient (the rule then differentiates the composite).
   */
  attentionBackward: { scale: number; causal: boolean };
}
/** The name of an optional fused backward kernel: a key of {@link FusedBackwardAttrs}. */
export type FusedBackwardOp = keyof FusedBackwardAttrs;

/**
 * Kernels that write several outputs, and how many; every other kernel writes one. The op
 * allocates them all (`runKernelOutputs`) and the kernel receives them in order.
 */
export interface KernelOutputCounts {
  adamwUpdate: 3;
  layerNormBackward: 3;
  attentionBackward: 3;
}
/** The kernels that write several outputs. */
export type MultiOutputOp = keyof KernelOutputCounts;

/** Every op a kernel table can hold: the primitives, the fusable composites and their backward kernels. */
export type AnyKernelOp = KernelOp | FusedOp | FusedBackwardOp;
/** The attributes of every kernel, by op: primitives, fused composites and fused backward kernels. */
export type KernelAttrs = OpAttrs & FusedAttrs & FusedBackwardAttrs;

/** The primitives every backend implements (the keys of {@link OpAttrs}, as a list). */
export const KERNEL_OPS: readonly KernelOp[] = [
  'unary',
  'binary',
  'where',
  'cast',
  'reduce',
  'argReduce',
  'contiguous',
  'pad',
  'concat',
  'matmul',
  'gather',
  'scatterAdd',
];

/** View primitives: they change shape/strides/offset and share storage, so no backend kernel runs. */
export interface ViewAttrs {
  reshape: { shape: number[] };
  permute: { perm: number[] };
  expand: { shape: number[] };
  slice: { starts: number[]; stops: number[]; steps: number[] };
}
/** The name of a view primitive: a key of {@link ViewAttrs}. */
export type ViewOp = keyof ViewAttrs;

/** Ops whose user-facing function has another name than the op itself. */
const PUBLIC_NAMES: Readonly<Record<string, string>> = { recip: 'reciprocal', attention: 'scaledDotProductAttention' };

/**
 * The name a user knows an op by, for error messages: the function they called. The generic
 * kernels (`unary`, `binary`, `reduce`, `argReduce`) are named by the op in their attributes.
 */
export function publicOpName(op: string, attrs?: unknown): string {
  const inner = ['unary', 'binary', 'reduce', 'argReduce'].includes(op) ? (attrs as { op?: string } | undefined)?.op : undefined;
  const name = inner ?? op;
  return PUBLIC_NAMES[name] ?? name;
}

/** The attributes a recorded op's node holds (what its gradient rule reads), by op. */
export type AttrsOf<K extends GradOp> = K extends UnaryOp
  ? Record<string, never>
  : K extends BinaryOp
    ? Record<string, never>
    : K extends ReduceOp
      ? { axes: number[] }
      : K extends Exclude<KernelOp, 'unary' | 'binary' | 'reduce'>
        ? OpAttrs[K]
        : K extends ViewOp
          ? ViewAttrs[K]
          : K extends FusedOp
            ? FusedAttrs[K]
            : never;

/** Every op the autograd engine can record. Unary and binary ops are recorded by their own name. */
export type GradOp = UnaryOp | BinaryOp | ReduceOp | Exclude<KernelOp, 'unary' | 'binary' | 'reduce'> | ViewOp | FusedOp;
