/**
 * Every gradient rule, in one table. Its type lists every recordable op, so adding a primitive
 * without a rule (or an explicit 'nondiff') does not compile. Rules are written with tensor ops
 * only, so they run on every backend, and return one gradient per input (null where none flows).
 */
import type { Tensor } from '../tensor';
import type { GradNode } from './graph';
import type { FusedAttrs, GradOp } from '../ops/spec';
import * as o from '../ops/index';
import { fusedBackward, fusedBackwardKernel, type DifferentiableFusedOp } from '../ops/fused';

export interface GradRule<K extends GradOp> {
  /** What the backward pass needs kept alive. */
  save: 'none' | 'inputs' | 'output' | 'both';
  /** Inputs that never receive a gradient (indices, masks, conditions). */
  nondiffInputs?: number[];
  /** Inputs not worth saving even when `save` includes inputs (only their shape is needed). */
  unsavedInputs?: number[];
  backward(g: Tensor, node: GradNode<K>): (Tensor | null)[];
}

export type GradTable = { [K in GradOp]: GradRule<K> | 'nondiff' };

const wants = (node: GradNode, i: number) => node.edges[i] !== null;
const input = (node: GradNode, i: number) => node.savedInputs()[i] as Tensor;

export const gradRules: GradTable = {
  // ---- unary ----
  neg: { save: 'none', backward: (g) => [o.neg(g)] },
  abs: { save: 'inputs', backward: (g, n) => [o.mul(g, o.sign(input(n, 0)))] },
  exp: { save: 'output', backward: (g, n) => [o.mul(g, n.savedOutput())] },
  log: { save: 'inputs', backward: (g, n) => [o.div(g, input(n, 0))] },
  sqrt: { save: 'output', backward: (g, n) => [o.div(o.mul(g, 0.5), n.savedOutput())] },
  // d/dx x^(-1/2) = -1/2 · y³
  rsqrt: { save: 'output', backward: (g, n) => [o.mul(g, o.mul(o.pow(n.savedOutput(), 3), -0.5))] },
  recip: { save: 'output', backward: (g, n) => [o.neg(o.mul(g, o.square(n.savedOutput())))] },
  tanh: { save: 'output', backward: (g, n) => [o.mul(g, o.sub(1, o.square(n.savedOutput())))] },
  sigmoid: {
    save: 'output',
    backward: (g, n) => {
      const y = n.savedOutput();
      return [o.mul(g, o.mul(y, o.sub(1, y)))];
    },
  },
  // relu'(0) = 0, as in PyTorch
  relu: { save: 'output', backward: (g, n) => [o.mul(g, o.cast(o.gt(n.savedOutput(), 0), g.dtype))] },
  erf: {
    save: 'inputs',
    backward: (g, n) => [o.mul(g, o.mul(o.exp(o.neg(o.square(input(n, 0)))), 2 / Math.sqrt(Math.PI)))],
  },
  sin: { save: 'inputs', backward: (g, n) => [o.mul(g, o.cos(input(n, 0)))] },
  cos: { save: 'inputs', backward: (g, n) => [o.neg(o.mul(g, o.sin(input(n, 0))))] },
  sign: 'nondiff',
  floor: 'nondiff',
  ceil: 'nondiff',
  round: 'nondiff',
  logicalNot: 'nondiff',

  // ---- binary (inputs already broadcast to one shape) ----
  add: { save: 'none', backward: (g) => [g, g] },
  sub: { save: 'none', backward: (g, n) => [g, wants(n, 1) ? o.neg(g) : null] },
  mul: {
    save: 'inputs',
    backward: (g, n) => [wants(n, 0) ? o.mul(g, input(n, 1)) : null, wants(n, 1) ? o.mul(g, input(n, 0)) : null],
  },
  div: {
    save: 'both',
    backward: (g, n) => [
      wants(n, 0) ? o.div(g, input(n, 1)) : null,
      wants(n, 1) ? o.neg(o.div(o.mul(g, n.savedOutput()), input(n, 1))) : null,
    ],
  },
  pow: {
    save: 'both',
    backward: (g, n) => {
      const [a, b] = [input(n, 0), input(n, 1)];
      // d/da a^b = b·a^(b-1); d/db a^b = a^b·ln a, taken as 0 where a <= 0 (PyTorch gives nan there)
      const ga = wants(n, 0) ? o.mul(g, o.mul(b, o.pow(a, o.sub(b, 1)))) : null;
      const gb = wants(n, 1) ? o.mul(g, o.where(o.gt(a, 0), o.mul(n.savedOutput(), o.log(o.maximum(a, 1e-300))), 0)) : null;
      return [ga, gb];
    },
  },
  // at ties the gradient is split evenly between the two inputs, as in PyTorch
  maximum: { save: 'inputs', backward: (g, n) => tieSplit(g, n, o.gt(input(n, 0), input(n, 1))) },
  minimum: { save: 'inputs', backward: (g, n) => tieSplit(g, n, o.lt(input(n, 0), input(n, 1))) },
  mod: {
    save: 'inputs',
    backward: (g, n) => [g, wants(n, 1) ? o.neg(o.mul(g, o.floor(o.div(input(n, 0), input(n, 1))))) : null],
  },
  eq: 'nondiff',
  ne: 'nondiff',
  lt: 'nondiff',
  le: 'nondiff',
  gt: 'nondiff',
  ge: 'nondiff',
  logicalAnd: 'nondiff',
  logicalOr: 'nondiff',

  where: {
    save: 'inputs',
    nondiffInputs: [0],
    unsavedInputs: [1, 2],
    backward: (g, n) => {
      const c = input(n, 0);
      return [null, wants(n, 1) ? o.where(c, g, 0) : null, wants(n, 2) ? o.where(c, 0, g) : null];
    },
  },
  cast: { save: 'none', backward: (g, n) => [o.cast(g, n.inputs[0].dtype)] },

  // ---- reductions (`axes` removed from the output) ----
  sum: { save: 'none', backward: (g, n) => [broadcastBack(g, n.inputs[0].shape, n.attrs.axes)] },
  prod: {
    // y/x, so undefined where an input is exactly 0
    save: 'both',
    backward: (g, n) => [o.div(o.mul(broadcastBack(g, n.inputs[0].shape, n.attrs.axes), broadcastBack(n.savedOutput(), n.inputs[0].shape, n.attrs.axes)), input(n, 0))],
  },
  max: { save: 'both', backward: (g, n) => [extremumGrad(g, n)] },
  min: { save: 'both', backward: (g, n) => [extremumGrad(g, n)] },
  argReduce: 'nondiff',

  // ---- data movement ----
  contiguous: { save: 'none', backward: (g) => [g] },
  pad: {
    save: 'none',
    backward: (g, n) =>
      [
        o.sliceRaw(
          g,
          n.attrs.widths.map(([lo]) => lo),
          n.attrs.widths.map(([lo, , interior], d) => lo + (n.inputs[0].shape[d] - 1) * (interior + 1) + 1),
          n.attrs.widths.map(([, , interior]) => interior + 1),
        ),
      ],
  },
  concat: {
    save: 'none',
    backward: (g, n) => {
      const axis = n.attrs.axis;
      let start = 0;
      return n.inputs.map((m) => {
        const piece = o.narrow(g, axis, start, m.shape[axis]);
        start += m.shape[axis];
        return piece;
      });
    },
  },
  matmul: {
    save: 'inputs',
    backward: (g, n) => [
      wants(n, 0) ? o.matmul(g, o.transpose(input(n, 1), -1, -2)) : null,
      wants(n, 1) ? o.matmul(o.transpose(input(n, 0), -1, -2), g) : null,
    ],
  },
  gather: {
    save: 'inputs',
    nondiffInputs: [1],
    unsavedInputs: [0],
    backward: (g, n) => [o.scatterAdd(o.zeros(n.inputs[0].shape, { dtype: g.dtype, device: g.device }), n.attrs.axis, input(n, 1), g), null],
  },
  scatterAdd: {
    save: 'inputs',
    nondiffInputs: [1],
    unsavedInputs: [0, 2],
    backward: (g, n) => [g, null, wants(n, 2) ? o.gather(g, n.attrs.axis, input(n, 1)) : null],
  },

  // ---- fused kernels: differentiated through their composites ----
  softmax: { save: 'inputs', backward: (g, n) => recompute('softmax', g, n) },
  logSoftmax: { save: 'inputs', backward: (g, n) => recompute('logSoftmax', g, n) },
  // a backend's fused backward kernel when it has one, else the composite differentiated
  gelu: { save: 'inputs', backward: (g, n) => fusedBackwardKernel('gelu', n.savedInputs(), n.attrs, g, wanted(n)) ?? recompute('gelu', g, n) },
  layerNorm: { save: 'inputs', backward: (g, n) => fusedBackwardKernel('layerNorm', n.savedInputs(), n.attrs, g, wanted(n)) ?? recompute('layerNorm', g, n) },
  attention: { save: 'inputs', backward: (g, n) => recompute('attention', g, n) },
  adamwUpdate: 'nondiff',

  // ---- views ----
  reshape: { save: 'none', backward: (g, n) => [o.reshape(g, [...n.inputs[0].shape])] },
  permute: {
    save: 'none',
    backward: (g, n) => {
      const inverse = new Array<number>(n.attrs.perm.length);
      n.attrs.perm.forEach((p, i) => (inverse[p] = i));
      return [o.permute(g, inverse)];
    },
  },
  expand: { save: 'none', backward: (g, n) => [o.sumTo(g, n.inputs[0].shape)] },
  slice: {
    save: 'none',
    backward: (g, n) => {
      const { starts, steps } = n.attrs;
      const inShape = n.inputs[0].shape;
      return [
        o.padRaw(
          g,
          inShape.map((dim, d) => {
            const count = g.shape[d];
            if (count === 0) return [dim, 0, 0] as const;
            const last = starts[d] + (count - 1) * steps[d];
            return [starts[d], dim - last - 1, steps[d] - 1] as const;
          }),
          0,
        ),
      ];
    },
  },
};

const wanted = (n: GradNode) => n.edges.map((e) => e !== null);

function recompute<K extends DifferentiableFusedOp>(op: K, g: Tensor, n: GradNode<K>): (Tensor | null)[] {
  return fusedBackward(op, n.savedInputs(), n.attrs as FusedAttrs[K], g, n.edges.map((e) => e !== null));
}

/** Re-inserts reduced axes (as size 1) and broadcasts back to the input shape. */
function broadcastBack(g: Tensor, inShape: readonly number[], axes: readonly number[]): Tensor {
  const keep = inShape.map((d, i) => (axes.includes(i) ? 1 : d));
  return o.expand(o.reshape(g, keep), [...inShape]);
}

/** max/min: the gradient goes to every position that attains the extremum, split evenly. */
function extremumGrad(g: Tensor, n: GradNode<'max' | 'min'>): Tensor {
  const x = input(n, 0);
  const y = broadcastBack(n.savedOutput(), x.shape, n.attrs.axes);
  const mask = o.cast(o.eq(x, y), g.dtype);
  const count = broadcastBack(o.sum(mask, n.attrs.axes), x.shape, n.attrs.axes);
  return o.div(o.mul(broadcastBack(g, x.shape, n.attrs.axes), mask), count);
}

/** `aWins` marks where input 0 is the result; ties send half of the gradient each way. */
function tieSplit(g: Tensor, n: GradNode, aWins: Tensor): (Tensor | null)[] {
  const tie = o.eq(input(n, 0), input(n, 1));
  const shareA = o.add(o.cast(aWins, g.dtype), o.mul(o.cast(tie, g.dtype), 0.5));
  const ga = o.mul(g, shareA);
  return [wants(n, 0) ? ga : null, wants(n, 1) ? o.sub(g, ga) : null];
}
