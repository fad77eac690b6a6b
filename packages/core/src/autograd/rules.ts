/**
 * Every gradient formula, in one table. Its type has a key for exactly the ops that saves.ts
 * marks differentiable, so adding a primitive without a rule (or a rule for an op marked
 * `'nondiff'`) does not compile. Rules are written with tensor ops only, so they run on every
 * backend, and return one gradient per input (null where none flows). What a rule may read
 * from its node (`savedInputs()`, `savedOutput()`) is what the op's save policy keeps.
 */
import * as o from '../ops/index';
import type { FusedAttrs } from '../ops/spec';
import type { DifferentiableFusedOp } from '../ops/fused';
import type { Tensor } from '../tensor';
import { fusedBackward, fusedBackwardKernel } from './fused-grad';
import type { GradNode } from './graph';
import type { DifferentiableOp } from './saves';

/** The vector-Jacobian product of one op: the gradient of each input from the output's `g`. */
export type GradRule<K extends DifferentiableOp> = (g: Tensor, node: GradNode<K>) => (Tensor | null)[];

/** One rule per differentiable op. */
export type GradTable = { readonly [K in DifferentiableOp]: GradRule<K> };

const wants = (node: GradNode, i: number) => node.edges[i] !== null;
const input = (node: GradNode, i: number) => node.savedInputs()[i] as Tensor;

/** The gradient rule of every differentiable op, keyed by op (see the file's header). */
export const gradRules: GradTable = {
  // ---- unary ----
  neg: (g) => [o.neg(g)],
  abs: (g, n) => [o.mul(g, o.sign(input(n, 0)))],
  exp: (g, n) => [o.mul(g, n.savedOutput())],
  log: (g, n) => [o.div(g, input(n, 0))],
  sqrt: (g, n) => [o.div(o.mul(g, 0.5), n.savedOutput())],
  // d/dx x^(-1/2) = -1/2 · y³
  rsqrt: (g, n) => [o.mul(g, o.mul(o.pow(n.savedOutput(), 3), -0.5))],
  recip: (g, n) => [o.neg(o.mul(g, o.square(n.savedOutput())))],
  tanh: (g, n) => [o.mul(g, o.sub(1, o.square(n.savedOutput())))],
  sigmoid: (g, n) => {
    const y = n.savedOutput();
    return [o.mul(g, o.mul(y, o.sub(1, y)))];
  },
  // relu'(0) = 0, as in PyTorch
  relu: (g, n) => [o.mul(g, o.cast(o.gt(n.savedOutput(), 0), g.dtype))],
  erf: (g, n) => [o.mul(g, o.mul(o.exp(o.neg(o.square(input(n, 0)))), 2 / Math.sqrt(Math.PI)))],
  sin: (g, n) => [o.mul(g, o.cos(input(n, 0)))],
  cos: (g, n) => [o.neg(o.mul(g, o.sin(input(n, 0))))],

  // ---- binary (inputs already broadcast to one shape) ----
  add: (g) => [g, g],
  sub: (g, n) => [g, wants(n, 1) ? o.neg(g) : null],
  mul: (g, n) => [wants(n, 0) ? o.mul(g, input(n, 1)) : null, wants(n, 1) ? o.mul(g, input(n, 0)) : null],
  div: (g, n) => [wants(n, 0) ? o.div(g, input(n, 1)) : null, wants(n, 1) ? o.neg(o.div(o.mul(g, n.savedOutput()), input(n, 1))) : null],
  pow: (g, n) => {
    const [a, b] = [input(n, 0), input(n, 1)];
    // d/da a^b = b·a^(b-1); d/db a^b = a^b·ln a, taken as 0 where a <= 0 (PyTorch gives nan there)
    const ga = wants(n, 0) ? o.mul(g, o.mul(b, o.pow(a, o.sub(b, 1)))) : null;
    const gb = wants(n, 1) ? o.mul(g, o.where(o.gt(a, 0), o.mul(n.savedOutput(), o.log(o.maximum(a, 1e-300))), 0)) : null;
    return [ga, gb];
  },
  // at ties the gradient is split evenly between the two inputs, as in PyTorch
  maximum: (g, n) => tieSplit(g, n, o.gt(input(n, 0), input(n, 1))),
  minimum: (g, n) => tieSplit(g, n, o.lt(input(n, 0), input(n, 1))),
  mod: (g, n) => [g, wants(n, 1) ? o.neg(o.mul(g, o.floor(o.div(input(n, 0), input(n, 1))))) : null],

  where: (g, n) => {
    const c = input(n, 0);
    return [null, wants(n, 1) ? o.where(c, g, 0) : null, wants(n, 2) ? o.where(c, 0, g) : null];
  },
  cast: (g, n) => [o.cast(g, n.inputs[0].dtype)],

  // ---- reductions (`axes` removed from the output) ----
  sum: (g, n) => [broadcastBack(g, n.inputs[0].shape, n.attrs.axes)],
  // y/x, so undefined where an input is exactly 0
  prod: (g, n) => [
    o.div(o.mul(broadcastBack(g, n.inputs[0].shape, n.attrs.axes), broadcastBack(n.savedOutput(), n.inputs[0].shape, n.attrs.axes)), input(n, 0)),
  ],
  max: (g, n) => [extremumGrad(g, n)],
  min: (g, n) => [extremumGrad(g, n)],

  // ---- data movement ----
  contiguous: (g) => [g],
  pad: (g, n) => [
    o.sliceRaw(
      g,
      n.attrs.widths.map(([lo]) => lo),
      n.attrs.widths.map(([lo, , interior], d) => lo + (n.inputs[0].shape[d] - 1) * (interior + 1) + 1),
      n.attrs.widths.map(([, , interior]) => interior + 1),
    ),
  ],
  concat: (g, n) => {
    const axis = n.attrs.axis;
    let start = 0;
    return n.inputs.map((m) => {
      const piece = o.narrow(g, axis, start, m.shape[axis]);
      start += m.shape[axis];
      return piece;
    });
  },
  matmul: (g, n) => [wants(n, 0) ? o.matmul(g, o.transpose(input(n, 1), -1, -2)) : null, wants(n, 1) ? o.matmul(o.transpose(input(n, 0), -1, -2), g) : null],
  gather: (g, n) => [o.scatterAdd(o.zeros(n.inputs[0].shape, { dtype: g.dtype, device: g.device }), n.attrs.axis, input(n, 1), g), null],
  scatterAdd: (g, n) => [g, null, wants(n, 2) ? o.gather(g, n.attrs.axis, input(n, 1)) : null],

  // ---- fused kernels: differentiated through their composites ----
  softmax: (g, n) => fusedBackwardKernel('softmax', n.savedInputs(), n.attrs, g, wanted(n)) ?? recompute('softmax', g, n),
  logSoftmax: (g, n) => fusedBackwardKernel('logSoftmax', n.savedInputs(), n.attrs, g, wanted(n)) ?? recompute('logSoftmax', g, n),
  // a backend's fused backward kernel when it has one, else the composite differentiated
  gelu: (g, n) => fusedBackwardKernel('gelu', n.savedInputs(), n.attrs, g, wanted(n)) ?? recompute('gelu', g, n),
  layerNorm: (g, n) => fusedBackwardKernel('layerNorm', n.savedInputs(), n.attrs, g, wanted(n)) ?? recompute('layerNorm', g, n),
  attention: (g, n) => fusedBackwardKernel('attention', n.savedInputs(), n.attrs, g, wanted(n)) ?? recompute('attention', g, n),

  // ---- views ----
  reshape: (g, n) => [o.reshape(g, [...n.inputs[0].shape])],
  permute: (g, n) => {
    const inverse = new Array<number>(n.attrs.perm.length);
    n.attrs.perm.forEach((p, i) => (inverse[p] = i));
    return [o.permute(g, inverse)];
  },
  expand: (g, n) => [o.sumTo(g, n.inputs[0].shape)],
  slice: (g, n) => {
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
};

const wanted = (n: GradNode) => n.edges.map((e) => e !== null);

function recompute<K extends DifferentiableFusedOp>(op: K, g: Tensor, n: GradNode<K>): (Tensor | null)[] {
  return fusedBackward(op, n.savedInputs(), n.attrs as FusedAttrs[K], g, wanted(n));
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
