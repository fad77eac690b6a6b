/**
 * Multi-head self-attention as BERT, DistilBERT and RoBERTa compute it, on @graft/core's fused
 * `scaledDotProductAttention`. The Hugging Face `attention_mask` (1 = token, 0 = padding) becomes
 * an additive float mask `[B, 1, 1, L]` holding 0 or the dtype's lowest value, exactly what
 * transformers' `get_extended_attention_mask` builds. An additive mask (rather than core's bool
 * mask, where true means "may attend") keeps the fused kernel in play: core falls back to the
 * composite for bool masks. The lowest finite value rather than -Infinity keeps a row whose keys
 * are all padding finite (uniform weights, as in transformers) instead of NaN.
 *
 * Keys and values of earlier positions (`pastKeyValues`, prefix tuning's prefix) are put before
 * the input's own, per head, as transformers' `torch.cat([past_key, key], dim=2)`: every query
 * attends to them, and the mask then covers them first.
 */
import { concat, type DType, dropout, scaledDotProductAttention, scope, softmax, type Tensor } from '@graft/core';
import { ModelInputError } from '../errors';
import type { PastKeyValue } from './model-io';

/** The lowest finite value of a float dtype (`torch.finfo(dtype).min`). */
export function lowestValue(dtype: DType): number {
  if (dtype === 'float16') return -65504;
  if (dtype === 'float64') return -Number.MAX_VALUE;
  return -3.4028234663852886e38;
}

/**
 * The additive mask `[B, 1, 1, L]` of a Hugging Face `attention_mask` `[B, L]` (int32, bool or
 * float, 1 = attend), in `dtype`; null when there is no mask (every token attends).
 */
export function additiveAttentionMask(mask: Tensor | null | undefined, dtype: DType): Tensor | null {
  if (!mask) return null;
  if (mask.rank !== 2) throw new ModelInputError('attentionMask', `must be [batch, length] (1 = token, 0 = padding), got rank ${mask.rank}`);
  return scope(() => {
    const keep = mask.cast(dtype);
    const [b, l] = mask.shape;
    return keep.mul(-1).add(1).mul(lowestValue(dtype)).reshape(b, 1, 1, l);
  });
}

/** Options of {@link selfAttention}. */
export interface SelfAttentionOptions {
  numHeads: number;
  /** Additive mask broadcastable to `[B, heads, L, P + L]`, or null. */
  mask: Tensor | null;
  /** Dropout on the attention probabilities (applied only while training). */
  dropoutP: number;
  training: boolean;
  /** Also return the probabilities `[B, heads, L, P + L]`; computed unfused. */
  outputAttentions?: boolean;
  /** Keys and values `[B, heads, P, headDim]` of P earlier positions, attended to before the input's own; null for none. */
  past?: PastKeyValue | null;
}

/** `[B, L, hidden]` → `[B, heads, L, headDim]`. */
function splitHeads(x: Tensor, numHeads: number): Tensor {
  const [b, l, h] = x.shape;
  return x.reshape(b, l, numHeads, h / numHeads).transpose(1, 2);
}

/**
 * Attention of already projected queries, keys and values `[B, L, hidden]` (after `o.past`'s
 * keys and values when given): the context `[B, L, hidden]` (heads merged back), and the
 * probabilities when asked for.
 */
export function selfAttention(q: Tensor, k: Tensor, v: Tensor, o: SelfAttentionOptions): { context: Tensor; probs?: Tensor } {
  return scope(() => {
    const [b, l, h] = q.shape;
    const qh = splitHeads(q, o.numHeads);
    let [kh, vh] = [splitHeads(k, o.numHeads), splitHeads(v, o.numHeads)];
    if (o.past) {
      // a prefix kept in float32 (PEFT's adapters) joins a float16 model in the model's dtype
      const [pk, pv] = o.past.map((t) => (t.dtype === kh.dtype ? t : t.cast(kh.dtype)));
      kh = concat([pk, kh], 2);
      vh = concat([pv, vh], 2);
    }
    const p = o.training ? o.dropoutP : 0;
    let ctx: Tensor;
    let probs: Tensor | undefined;
    if (o.outputAttentions) {
      let scores = qh.matmul(kh.transpose(-2, -1)).mul(1 / Math.sqrt(h / o.numHeads));
      if (o.mask) scores = scores.add(o.mask);
      probs = softmax(scores, -1);
      ctx = (p > 0 ? dropout(probs, p, true) : probs).matmul(vh);
    } else {
      ctx = scaledDotProductAttention(qh, kh, vh, { mask: o.mask, dropoutP: p, training: o.training });
    }
    const context = ctx.transpose(1, 2).reshape(b, l, h);
    return probs ? { context, probs } : { context };
  });
}
