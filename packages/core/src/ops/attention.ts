/** Scaled dot-product attention as a composite (backends may register a fused kernel). */
import { ArgumentError, ShapeError } from '../errors';
import { scope } from '../memory';
import { formatShape } from '../shape';
import type { Tensor } from '../tensor';
import { softmax } from './activations';
import { add, mul, where } from './elementwise';
import { ones } from './creation';
import { tril } from './indexing';
import { matmul } from './linalg';
import { transpose } from './movement';
import { dropout } from './normalization';
import type { RandomOptions } from './random';

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
  const scale = opts.scale ?? 1 / Math.sqrt(q.shape[q.rank - 1]);
  if (!(scale > 0)) throw new ArgumentError(`attention scale must be positive, got ${scale}`);
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
