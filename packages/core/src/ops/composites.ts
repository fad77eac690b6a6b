/**
 * The composite (reference) implementation of every fusable op, in one static table whose type
 * makes a missing entry a compile error. The ops themselves call their composite directly when
 * the backend has no fused kernel; this table is for the code that needs a composite by name:
 * the gradient rules of fused kernels (which differentiate the composite on the saved inputs)
 * and the tests that hold each fused kernel to its composite.
 */
import type { Tensor } from '../tensor';
import { geluComposite, logSoftmaxComposite, softmaxComposite } from './activations';
import { attentionComposite } from './attention';
import { layerNormComposite } from './normalization';
import { adamwStep } from './optim';
import type { FusedAttrs, FusedOp } from './spec';

/** A composite over the inputs of its fused kernel, in the kernel's order, with its attributes. */
export type Composite<K extends FusedOp> = (inputs: Tensor[], attrs: FusedAttrs[K]) => K extends 'adamwUpdate' ? Tensor[] : Tensor;

/** Every fusable op's composite, by name. */
export const composites: { readonly [K in FusedOp]: Composite<K> } = Object.freeze({
  softmax: ([x], { axis }) => softmaxComposite(x, axis),
  logSoftmax: ([x], { axis }) => logSoftmaxComposite(x, axis),
  gelu: ([x], { approximate }) => geluComposite(x, approximate),
  layerNorm: ([x, w, b], { dims, eps }) => layerNormComposite(x, x.shape.slice(x.rank - dims), w, b, eps),
  attention: ([q, k, v, mask], { scale, causal }) => attentionComposite(q, k, v, { mask: mask ?? null, causal, scale }),
  adamwUpdate: ([param, grad, expAvg, expAvgSq], scalars) => {
    const r = adamwStep(param, grad, expAvg, expAvgSq, scalars);
    return [r.param, r.expAvg, r.expAvgSq];
  },
});

/** The composite (reference) implementation of a fusable op. */
export function compositeOf<K extends FusedOp>(op: K): Composite<K> {
  return composites[op] as Composite<K>;
}
