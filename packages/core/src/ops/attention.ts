/** Scaled dot-product attention as a composite (backends may register a fused kernel). */
import { isFloat } from '../dtype';
import { ArgumentError, DTypeError, ShapeError } from '../errors';
import { scope } from '../memory';
import { broadcastShapesFor, formatShape, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { softmax } from './activations';
import { add, mul, where } from './elementwise';
import { ones } from './creation';
import { tril } from './indexing';
import { matmul } from './linalg';
import { expand, transpose } from './views';
import { dropout } from './normalization';
import type { RandomOptions } from './random';
import { checkFloat, checkSameDevice } from './dispatch';
import { fused } from './fused';

/** Options of `scaledDotProductAttention`: mask, causality, dropout and scale. */
export interface AttentionOptions extends RandomOptions {
  /**
   * Added to the scores (float, broadcast to `[..., Lq, Lk]`; use large negatives to mask), or a
   * bool mask where `true` means "may attend".
   */
  mask?: Tensor | null;
  /** Masks future keys (query i sees keys ≤ i). */
  causal?: boolean;
  /** Dropout on the attention weights (only while `training`). */
  dropoutP?: number;
  training?: boolean;
  /** Defaults to `1/sqrt(headDim)`. */
  scale?: number;
}

/**
 * `softmax(q·kᵀ·scale + mask)·v` over `[..., L, headDim]` tensors, as
 * `torch.nn.functional.scaled_dot_product_attention`.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  if (q.rank < 2 || k.rank < 2 || v.rank < 2) throw new ShapeError('attention needs [..., L, headDim] tensors');
  if (q.shape[q.rank - 1] !== k.shape[k.rank - 1]) {
    throw new ShapeError(`attention: query ${formatShape(q.shape)} and key ${formatShape(k.shape)} head dims differ`);
  }
  const { mask = null, causal = false, dropoutP = 0, training = false } = opts;
  checkFloat('scaledDotProductAttention', q, 'query');
  checkFloat('scaledDotProductAttention', k, 'key');
  checkFloat('scaledDotProductAttention', v, 'value');
  if (mask && mask.dtype !== 'bool' && !isFloat(mask.dtype)) {
    // an integer mask is ambiguous: added to the scores, a Hugging Face 0/1 keep-mask masks nothing
    throw new DTypeError(
      `scaledDotProductAttention(): the mask is ${mask.dtype} ${formatShape(mask.shape)}; it must be bool (true = may attend) or float (added to the scores: 0 = attend, -Infinity = masked), as in PyTorch. ` +
        `Make an additive mask float with .cast('float32') (where(m, 0, -1e9) of whole numbers is int32), or turn a 0/1 keep-mask (a Hugging Face attention_mask) into a bool mask with .cast('bool')`,
    );
  }
  checkSameDevice('scaledDotProductAttention', [q, k, v, mask]);
  const scale = opts.scale ?? 1 / Math.sqrt(q.shape[q.rank - 1]);
  if (!(scale > 0)) throw new ArgumentError(`attention scale must be positive, got ${scale}`);
  const useDropout = dropoutP > 0 && training;
  if (!useDropout && mask?.dtype !== 'bool') {
    // the fused kernel sees one batch shape: broadcast q, k, v and the mask to it (views)
    const batch = broadcastShapesFor('scaledDotProductAttention', [
      q.shape.slice(0, -2),
      k.shape.slice(0, -2),
      v.shape.slice(0, -2),
      mask ? mask.shape.slice(0, -2) : [],
    ]);
    const [lq, lk] = [q.shape[q.rank - 2], k.shape[k.rank - 2]];
    return scope(() => {
      const to = (t: Tensor, tail: number[]) => (shapesEqual(t.shape, [...batch, ...tail]) ? t : expand(t, [...batch, ...tail]));
      const inputs = [to(q, q.shape.slice(-2)), to(k, k.shape.slice(-2)), to(v, v.shape.slice(-2))];
      if (mask) inputs.push(to(mask, [lq, lk]));
      const [qb, kb, vb, maskb] = inputs;
      return (
        fused('attention', inputs, { scale, causal }, [...batch, lq, v.shape[v.rank - 1]]) ??
        attentionComposite(qb, kb, vb, { mask: maskb ?? null, causal, scale })
      );
    });
  }
  return attentionComposite(q, k, v, { ...opts, scale });
}

/** The composite attention, the reference for fused kernels. */
export function attentionComposite(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions & { scale: number }): Tensor {
  const { mask = null, causal = false, dropoutP = 0, training = false, scale } = opts;
  return scope(() => {
    let scores = mul(matmul(q, transpose(k, -2, -1)), scale);
    if (mask) scores = mask.dtype === 'bool' ? where(mask, scores, -Infinity) : add(scores, mask);
    if (causal) {
      const [lq, lk] = [q.shape[q.rank - 2], k.shape[k.rank - 2]];
      const allowed = tril(ones([lq, lk], { dtype: 'bool', device: q.device }), lk - lq).cast('bool');
      scores = where(allowed, scores, -Infinity);
    }
    let weights = softmax(scores, -1);
    if (dropoutP > 0 && training) weights = dropout(weights, dropoutP, true, opts);
    return matmul(weights, v);
  });
}
