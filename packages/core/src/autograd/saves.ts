/**
 * What recording each op keeps for its backward pass, in one table whose type lists every
 * recordable op: an op without an entry (or an explicit `'nondiff'`) does not compile, and
 * `gradRules` (rules.ts) must then have a formula for exactly the ops marked here as
 * differentiable. Recording needs only this table, never the formulas, so the ops that record
 * sit below the rules that differentiate them and the imports run one way.
 */
import type { GradOp } from '../ops/spec';

/** What an op's node keeps for its backward pass. */
export interface SavePolicy {
  /** What the backward pass needs kept alive. */
  readonly save: 'none' | 'inputs' | 'output' | 'both';
  /** Inputs that never receive a gradient (indices, masks, conditions). */
  readonly nondiffInputs?: readonly number[];
  /** Inputs not worth saving even when `save` includes inputs (only their shape is needed). */
  readonly unsavedInputs?: readonly number[];
}

/** Every recordable op: its save policy, or `'nondiff'` when no gradient flows through it. */
export type SaveTable = { readonly [K in GradOp]: SavePolicy | 'nondiff' };

/** What every recordable op saves, or `'nondiff'`. */
export const savePolicies = {
  // ---- unary ----
  neg: { save: 'none' },
  abs: { save: 'inputs' },
  exp: { save: 'output' },
  log: { save: 'inputs' },
  sqrt: { save: 'output' },
  rsqrt: { save: 'output' },
  recip: { save: 'output' },
  tanh: { save: 'output' },
  sigmoid: { save: 'output' },
  relu: { save: 'output' },
  erf: { save: 'inputs' },
  sin: { save: 'inputs' },
  cos: { save: 'inputs' },
  sign: 'nondiff',
  floor: 'nondiff',
  ceil: 'nondiff',
  round: 'nondiff',
  logicalNot: 'nondiff',

  // ---- binary ----
  add: { save: 'none' },
  sub: { save: 'none' },
  mul: { save: 'inputs' },
  div: { save: 'both' },
  pow: { save: 'both' },
  maximum: { save: 'inputs' },
  minimum: { save: 'inputs' },
  mod: { save: 'inputs' },
  eq: 'nondiff',
  ne: 'nondiff',
  lt: 'nondiff',
  le: 'nondiff',
  gt: 'nondiff',
  ge: 'nondiff',
  logicalAnd: 'nondiff',
  logicalOr: 'nondiff',

  where: { save: 'inputs', nondiffInputs: [0], unsavedInputs: [1, 2] },
  cast: { save: 'none' },

  // ---- reductions ----
  sum: { save: 'none' },
  prod: { save: 'both' },
  max: { save: 'both' },
  min: { save: 'both' },
  argReduce: 'nondiff',

  // ---- data movement ----
  contiguous: { save: 'none' },
  pad: { save: 'none' },
  concat: { save: 'none' },
  matmul: { save: 'inputs' },
  gather: { save: 'inputs', nondiffInputs: [1], unsavedInputs: [0] },
  scatterAdd: { save: 'inputs', nondiffInputs: [1], unsavedInputs: [0, 2] },

  // ---- fused kernels: their rules differentiate the composites on the saved inputs ----
  softmax: { save: 'inputs' },
  logSoftmax: { save: 'inputs' },
  gelu: { save: 'inputs' },
  layerNorm: { save: 'inputs' },
  attention: { save: 'inputs' },
  adamwUpdate: 'nondiff',

  // ---- views ----
  reshape: { save: 'none' },
  permute: { save: 'none' },
  expand: { save: 'none' },
  slice: { save: 'none' },
} as const satisfies SaveTable;

/**
 * The recordable ops a gradient flows through: the keys of `gradRules`.
 * @useDeclaredType
 */
export type DifferentiableOp = { [K in GradOp]: (typeof savePolicies)[K] extends 'nondiff' ? never : K }[GradOp];
