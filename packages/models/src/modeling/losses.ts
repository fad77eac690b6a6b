/**
 * The task losses, chosen as transformers chooses them. Sequence classification reads
 * `problem_type`, and when it is unset infers it on the first call (and records it in the config,
 * as transformers does): one label → regression (MSE), integer labels → single-label
 * classification (cross-entropy), float labels → multi-label (BCE with logits). Token tasks and
 * masked LM use cross-entropy over every position with -100 ignored; question answering averages
 * the start and end cross-entropies with out-of-range positions ignored.
 */
import { crossEntropy, formatShape, mseLoss, scope, type Tensor } from '@graft/core';
import { functional as F } from '@graft/nn';
import type { PretrainedConfig, ProblemType } from '../config/pretrained-config';
import { ModelInputError } from '../errors';

/** The problem type a batch's labels imply, as transformers infers it. */
export function inferProblemType(numLabels: number, labels: Tensor): ProblemType {
  if (numLabels === 1) return 'regression';
  return labels.dtype === 'int32' ? 'single_label_classification' : 'multi_label_classification';
}

/** The loss of sequence-classification logits `[B, numLabels]` against `labels` (see the file comment). */
export function sequenceClassificationLoss(config: PretrainedConfig, logits: Tensor, labels: Tensor): Tensor {
  const n = logits.shape[1];
  config.problem_type ??= inferProblemType(n, labels);
  const b = logits.shape[0];
  return scope(() => {
    switch (config.problem_type) {
      case 'regression': {
        const target = labels.cast(logits.dtype);
        if (n === 1) {
          if (target.size !== b) throw new ModelInputError('labels', `regression with one label takes [${b}] targets, got ${formatShape(labels.shape)}`);
          return mseLoss(logits.reshape(b), target.reshape(b));
        }
        if (target.rank !== 2 || target.shape[0] !== b || target.shape[1] !== n) {
          throw new ModelInputError('labels', `regression with ${n} outputs takes [${b}, ${n}] targets, got ${formatShape(labels.shape)}`);
        }
        return mseLoss(logits, target);
      }
      case 'multi_label_classification': {
        if (labels.rank !== 2 || labels.shape[0] !== b || labels.shape[1] !== n) {
          throw new ModelInputError('labels', `multi-label classification takes [${b}, ${n}] 0/1 targets, got ${formatShape(labels.shape)}`);
        }
        return F.binaryCrossEntropyWithLogits(logits, labels.cast(logits.dtype));
      }
      default: {
        if (labels.dtype !== 'int32') {
          throw new ModelInputError('labels', `single-label classification takes int32 class ids, got ${labels.dtype}: cast them with .cast('int32')`);
        }
        if (labels.size !== b) throw new ModelInputError('labels', `takes one class id per sequence ([${b}]), got ${formatShape(labels.shape)}`);
        return crossEntropy(logits.reshape(b, n), labels.reshape(b));
      }
    }
  });
}

/** Cross-entropy over every position of `[B, L, C]` logits against int32 `[B, L]` labels, -100 ignored. */
export function tokenLoss(logits: Tensor, labels: Tensor): Tensor {
  const [b, l, c] = logits.shape;
  if (labels.dtype !== 'int32') throw new ModelInputError('labels', `token labels must be int32 ids (-100 = ignored), got ${labels.dtype}`);
  if (labels.rank !== 2 || labels.shape[0] !== b || labels.shape[1] !== l) {
    throw new ModelInputError('labels', `token labels must be [${b}, ${l}] like inputIds, got ${formatShape(labels.shape)}`);
  }
  return scope(() => crossEntropy(logits.reshape(b * l, c), labels.reshape(b * l)));
}

/** Question answering: the mean of the start and end cross-entropies (positions outside `[0, L)` ignored). */
export function spanLoss(startLogits: Tensor, endLogits: Tensor, startPositions: Tensor, endPositions: Tensor): Tensor {
  const [b, l] = startLogits.shape;
  for (const [field, t] of [
    ['startPositions', startPositions],
    ['endPositions', endPositions],
  ] as const) {
    if (t.dtype !== 'int32') throw new ModelInputError(field, `must be int32 token positions, got ${t.dtype}`);
    if (t.size !== b) throw new ModelInputError(field, `takes one position per sequence ([${b}]), got ${formatShape(t.shape)}`);
  }
  return scope(() => {
    // transformers clamps to [0, L] and ignores L: an answer cut off by truncation adds nothing
    const clampIgnored = (t: Tensor) => t.reshape(b).clamp(0, l);
    const start = crossEntropy(startLogits, clampIgnored(startPositions), { ignoreIndex: l });
    const end = crossEntropy(endLogits, clampIgnored(endPositions), { ignoreIndex: l });
    return start.add(end).div(2);
  });
}
