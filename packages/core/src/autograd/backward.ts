/**
 * The backward pass, the other half of the autograd engine: walks the graph from a root in
 * reverse topological order, applies each node's gradient rule (rules.ts), sums the gradients
 * that meet at a node, and accumulates them into the leaves' `.grad`.
 */
import { ArgumentError, GraftError } from '../errors';
import { keep, scope } from '../memory';
import { denseCopyOf } from '../ops/convert';
import { onesLike } from '../ops/creation';
import { add, cast } from '../ops/elementwise';
import { formatShape, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { type GradNode, noGrad } from './graph';
import { type GradRule, gradRules } from './rules';
import type { DifferentiableOp } from './saves';

/** The nodes reachable from `root`, each before every node it depends on (root first). */
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
  return order.reverse();
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
        // record() makes nodes only for differentiable ops, so every node has a rule
        const rule = gradRules[node.op as DifferentiableOp] as GradRule<DifferentiableOp>;
        const inputGrads = rule(g, node as GradNode<DifferentiableOp>);
        node.edges.forEach((edge, i) => {
          const gi0 = inputGrads[i];
          if (!edge || !gi0) return;
          const meta = node.inputs[i];
          if (!shapesEqual(gi0.shape, meta.shape)) {
            throw new GraftError(
              'autograd_internal',
              `the gradient rule of '${node.op}' returned shape ${formatShape(gi0.shape)} for an input of shape ${formatShape(meta.shape)}`,
            );
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
