/**
 * Attention-map distillation: the student's attention probabilities `[B, heads, L, L]` pulled
 * toward the teacher's, per mapped layer, by KL divergence (MiniLM's choice: each query row is a
 * distribution over keys) or MSE (TinyBERT's). Query rows at padding positions are left out, and
 * padded keys carry probability 0 on both sides. Models with different head counts compare
 * their head-averaged maps, since heads have no correspondence across models of other shapes.
 */
import { formatShape, scope, type Tensor } from '@graft/core';
import { functional as F } from '@graft/nn';
import { DistillError } from './errors';

/** How two attention maps are compared. */
export type AttentionLossKind = 'kl' | 'mse';

/** Options of {@link attentionMapLoss}. */
export interface AttentionMapLossOptions {
  /** `'kl'` (default): KL(teacher ‖ student) per query row; `'mse'`: mean squared difference. */
  loss?: AttentionLossKind;
  /** `[B, L]`, 1 = token: padding query rows are left out of the mean. */
  attentionMask?: Tensor | null;
}

// below this a probability is treated as 0 in log(p): a masked key's exp underflows to exactly 0,
// and log(0) would turn a zero gradient into NaN (0·∞)
const MIN_PROB = 1e-12;

/** The loss between one student map and one teacher map (teacher detached). */
function oneLayer(student: Tensor, teacher: Tensor, kind: AttentionLossKind, queryMask: Tensor | null): Tensor {
  let s = student;
  let t = teacher.detach();
  if (s.rank !== 4 || t.rank !== 4 || s.shape[0] !== t.shape[0] || s.shape[2] !== t.shape[2] || s.shape[3] !== t.shape[3]) {
    throw new DistillError(
      'distill_output',
      `attention maps must both be [B, heads, L, L] over the same batch; got student ${formatShape(s.shape)} and teacher ${formatShape(t.shape)}`,
      { field: 'attentions' },
    );
  }
  if (s.shape[1] !== t.shape[1]) {
    s = s.mean(1, true);
    t = t.mean(1, true);
  }
  const heads = s.shape[1];
  const keys = s.shape[3];
  // per query row: [B, heads, L]
  const perRow = kind === 'kl' ? F.klDiv(s.clamp(MIN_PROB).log(), t, { reduction: 'none' }).sum(-1) : s.sub(t).square().sum(-1).div(keys);
  if (!queryMask) return perRow.mean();
  const m = queryMask.cast(perRow.dtype).unsqueeze(1); // [B, 1, L]
  return perRow.mul(m).sum().div(m.sum().maximum(1).mul(heads));
}

/**
 * The mean over `pairs` (`[student layer, teacher layer]`, 0-based) of the per-layer attention
 * loss. KL is averaged over heads and real query rows; MSE over heads, real query rows and keys.
 */
export function attentionMapLoss(
  studentAttentions: readonly Tensor[],
  teacherAttentions: readonly Tensor[],
  pairs: readonly (readonly [number, number])[],
  opts: AttentionMapLossOptions = {},
): Tensor {
  const kind = opts.loss ?? 'kl';
  if (kind !== 'kl' && kind !== 'mse')
    throw new DistillError('distill_config', `attention.loss must be 'kl' or 'mse', got '${String(kind)}'`, { field: 'loss' });
  if (pairs.length === 0) throw new DistillError('distill_layer_map', 'attention distillation: no layer pairs to compare');
  return scope(() => {
    let total: Tensor | null = null;
    for (const [s, t] of pairs) {
      const loss = oneLayer(studentAttentions[s], teacherAttentions[t], kind, opts.attentionMask ?? null);
      total = total ? total.add(loss) : loss;
    }
    return (total as Tensor).div(pairs.length);
  });
}
