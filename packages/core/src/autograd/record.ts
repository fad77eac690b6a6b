/**
 * Recording, the forward half of the autograd engine: after an op has run its kernel, `record`
 * adds a node to the graph when grad mode is on and an input needs a gradient, holding what the
 * op's save policy (saves.ts) names.
 */
import { Tensor } from '../tensor';
import type { AttrsOf, GradOp } from '../ops/spec';
import { type Edge, GradNode, isGradEnabled } from './graph';
import { savePolicies, type SavePolicy } from './saves';

/** A graph-owned reference to `t`'s data, immune to the disposal of `t` itself. */
export function saveForBackward(t: Tensor): Tensor {
  return new Tensor(t.storage.retain(), t.shape, t.strides, t.offset, { scoped: false });
}

/**
 * Records `out = op(inputs)` in the autograd graph when grad mode is on and an input needs a
 * gradient. Inputs the op's policy lists in `nondiffInputs` (indices, masks) never get one.
 * Returns `out`.
 */
export function record<K extends GradOp>(op: K, inputs: Tensor[], out: Tensor, attrs: AttrsOf<K>): Tensor {
  if (!isGradEnabled()) return out;
  const policy: SavePolicy | 'nondiff' = savePolicies[op];
  if (policy === 'nondiff') return out;
  let any = false;
  const edges: (Edge | null)[] = inputs.map((t, i) => {
    if (!t.requiresGrad || policy.nondiffInputs?.includes(i)) return null;
    any = true;
    if (t._node) {
      t._node.retain();
      return { node: t._node, leaf: null };
    }
    return { node: null, leaf: t };
  });
  if (!any) return out;
  const saveInputs = policy.save === 'inputs' || policy.save === 'both';
  const saveOutput = policy.save === 'output' || policy.save === 'both';
  const node = new GradNode(
    op,
    attrs,
    edges,
    inputs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
    { shape: out.shape, dtype: out.dtype },
    {
      inputs: saveInputs ? inputs.map((t, i) => (policy.unsavedInputs?.includes(i) ? null : saveForBackward(t))) : null,
      output: saveOutput ? saveForBackward(out) : null,
    },
  );
  out._setNode(node);
  return out;
}
