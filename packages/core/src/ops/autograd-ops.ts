/** Ops that touch the autograd graph itself: backward, detach, clone, sumTo. */
import { gradRules } from '../autograd/rules';
import { type GradNode, noGrad } from '../autograd/graph';
import { ArgumentError, GraftError } from '../errors';
import { keep, scope } from '../memory';
import { formatShape, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { onesLike } from './creation';
import { add, cast } from './elementwise';
import { reshape } from './movement';
import { denseCopyOf } from './convert';
import { makeView, record, runKernel } from './dispatch';
import { sum } from './reduce';

/** A new leaf that shares `x`'s data but is cut from the graph. */
export function detach(x: Tensor): Tensor {
  return makeView(x, x.shape, x.strides, x.offset);
}

/** A dense copy that gradients flow through. */
export function clone(x: Tensor): Tensor {
  return scope(() => record('contiguous', [x], runKernel('contiguous', [x], {}, x.shape, x.dtype), {}));
}

/** Sums `g` down to `shape` over the dims broadcasting added (the adjoint of expand). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  return scope(() => {
    const lead = g.rank - shape.length;
    const axes: number[] = [];
    g.shape.forEach((d, i) => {
      if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
    });
    return reshape(sum(g, axes), shape);
  });
}

function topoOrder(root: GradNode): GradNode[] {
  const order: GradNode[] = [];
  const seen = new Set<GradNode>([root]);
  const stack: [GradNode, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.edges.length) {
      top[1]++;
      const next = node.edges[i]?.node;
      if (next && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse(); // root first
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  const prev = leaf.grad;
  // a fresh tensor object that owns all of its (dense) storage, so two leaves never share one
  // grad tensor and optimizers can assign() into it
  const next = prev ? add(prev, g) : denseCopyOf(g);
  keep(next);
  leaf.grad = next;
  prev?.dispose();
}

/**
 * Back-propagates from `root`, adding d root / d leaf into every leaf's `.grad`. `gradient`
 * defaults to 1 for a one-element root. The graph's saved tensors are freed afterwards unless
 * `retainGraph` is set.
 */
export function backward(root: Tensor, gradient?: Tensor, opts: { retainGraph?: boolean } = {}): void {
  if (!root.requiresGrad) throw new GraftError('no_grad', `backward() on ${root.describe()}, which does not require gradients`);
  if (!gradient && root.size !== 1) {
    throw new ArgumentError(`backward() without a gradient needs a one-element tensor, got shape ${formatShape(root.shape)}`);
  }
  if (gradient && !shapesEqual(gradient.shape, root.shape)) {
    throw new ArgumentError(`backward(): gradient shape ${formatShape(gradient.shape)} differs from ${formatShape(root.shape)}`);
  }
  noGrad(() =>
    scope(() => {
      const g0 = gradient ?? onesLike(root);
      if (!root._node) return accumulateLeaf(root, g0);
      const grads = new Map<GradNode, Tensor>([[root._node, g0]]);
      for (const node of topoOrder(root._node)) {
        const g = grads.get(node);
        if (!g) continue;
        grads.delete(node);
        const rule = gradRules[node.op];
        if (rule === 'nondiff') continue;
        const inputGrads = (rule.backward as (g: Tensor, n: GradNode) => (Tensor | null)[])(g, node);
        node.edges.forEach((edge, i) => {
          const gi0 = inputGrads[i];
          if (!edge || !gi0) return;
          const meta = node.inputs[i];
          if (!shapesEqual(gi0.shape, meta.shape)) {
            throw new GraftError('autograd_internal', `the gradient rule of '${node.op}' returned shape ${formatShape(gi0.shape)} for an input of shape ${formatShape(meta.shape)}`);
          }
          const gi = gi0.dtype === meta.dtype ? gi0 : cast(gi0, meta.dtype);
          if (edge.node) {
            const prev = grads.get(edge.node);
            grads.set(edge.node, prev ? add(prev, gi) : gi);
          } else if (edge.leaf) {
            accumulateLeaf(edge.leaf, gi);
          }
        });
        if (!opts.retainGraph) node.freeSaved();
      }
    }),
  );
}
