/**
 * Loss functions beyond core's cross-entropy, NLL and MSE, as composites of core ops with
 * PyTorch's formulas, defaults and reductions (`torch.nn.functional.*`).
 */
import { ArgumentError, formatShape, maximum, type Reduction, scope, ShapeError, shapesEqual, type Tensor, where } from '@graft/core';

/** A loss reduction, plus KL divergence's 'batchmean' (sum divided by the batch size). */
export type KlReduction = Reduction | 'batchmean';

/** Applies a reduction to elementwise losses. */
export function reduceLoss(loss: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.mean();
  throw new ArgumentError(`unknown reduction '${String(reduction)}' (use 'mean', 'sum' or 'none')`);
}

function sameShape(what: string, a: Tensor, b: Tensor): void {
  if (!shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(`${what}: input ${formatShape(a.shape)} and target ${formatShape(b.shape)} differ`);
  }
}

/** Mean absolute error. */
export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  sameShape('l1Loss', input, target);
  return scope(() => reduceLoss(input.sub(target).abs(), reduction));
}

/** Quadratic below `beta`, linear above: `0.5·d²/β` if `|d| < β`, else `|d| − 0.5·β`. */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: { beta?: number; reduction?: Reduction } = {}): Tensor {
  const { beta = 1, reduction = 'mean' } = opts;
  if (!(beta >= 0)) throw new ArgumentError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  sameShape('smoothL1Loss', input, target);
  return scope(() => {
    const d = input.sub(target).abs();
    if (beta === 0) return reduceLoss(d, reduction);
    return reduceLoss(where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)), reduction);
  });
}

/** Huber: `0.5·d²` if `|d| ≤ δ`, else `δ·(|d| − 0.5·δ)` (smooth L1 scaled by δ). */
export function huberLoss(input: Tensor, target: Tensor, opts: { delta?: number; reduction?: Reduction } = {}): Tensor {
  const { delta = 1, reduction = 'mean' } = opts;
  if (!(delta > 0)) throw new ArgumentError(`huberLoss: delta must be positive, got ${delta}`);
  sameShape('huberLoss', input, target);
  return scope(() => {
    const d = input.sub(target).abs();
    return reduceLoss(where(d.le(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), reduction);
  });
}

/** Options of binaryCrossEntropyWithLogits. */
export interface BceOptions {
  /** A weight per element (broadcast to the input). */
  weight?: Tensor | null;
  /** A weight for positives per class (broadcast over the last dim), to trade recall for precision. */
  posWeight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * Binary cross-entropy on logits, computed stably as PyTorch does:
 * `(1−y)·x + (1 + (pw−1)·y)·(log(1 + e^{−|x|}) + max(−x, 0))`.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  const { weight = null, posWeight = null, reduction = 'mean' } = opts;
  sameShape('binaryCrossEntropyWithLogits', input, target);
  return scope(() => {
    const softplusNeg = input.abs().neg().exp().add(1).log().add(maximum(input.neg(), 0));
    const logWeight = posWeight ? posWeight.sub(1).mul(target).add(1) : null;
    let loss = target
      .neg()
      .add(1)
      .mul(input)
      .add(logWeight ? logWeight.mul(softplusNeg) : softplusNeg);
    if (weight) loss = loss.mul(weight);
    return reduceLoss(loss, reduction);
  });
}

/** Binary cross-entropy on probabilities; logs are clamped at −100 as in PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  sameShape('binaryCrossEntropy', input, target);
  return scope(() => {
    const logP = input.log().clamp(-100);
    const log1mP = input.neg().add(1).log().clamp(-100);
    let loss = target.mul(logP).add(target.neg().add(1).mul(log1mP)).neg();
    if (opts.weight) loss = loss.mul(opts.weight);
    return reduceLoss(loss, opts.reduction ?? 'mean');
  });
}

/**
 * KL divergence `Σ target·(log target − input)` where `input` holds log-probabilities and
 * `target` probabilities (or log-probabilities with `logTarget`), as `F.kl_div`. Zero targets
 * contribute zero. 'batchmean' divides the sum by the first dim: the true KL per sample.
 */
export function klDiv(input: Tensor, target: Tensor, opts: { reduction?: KlReduction; logTarget?: boolean } = {}): Tensor {
  const { reduction = 'mean', logTarget = false } = opts;
  sameShape('klDiv', input, target);
  return scope(() => {
    let loss: Tensor;
    if (logTarget) loss = target.exp().mul(target.sub(input));
    else {
      // log of 1 where the target is 0, so neither the value nor the gradient sees log(0)
      const positive = target.gt(0);
      const safeLog = where(positive, target, 1).log();
      loss = where(positive, target.mul(safeLog.sub(input)), 0);
    }
    if (reduction === 'batchmean') return loss.sum().div(input.rank === 0 ? 1 : input.shape[0]);
    return reduceLoss(loss, reduction);
  });
}

/**
 * Cosine embedding loss for pairs `x1, x2` `[N, D]` and labels `y` ∈ {1, −1} `[N]`:
 * `1 − cos` for similar pairs, `max(0, cos − margin)` for dissimilar ones.
 */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, y: Tensor, opts: { margin?: number; reduction?: Reduction } = {}): Tensor {
  const { margin = 0, reduction = 'mean' } = opts;
  sameShape('cosineEmbeddingLoss', x1, x2);
  if (!shapesEqual(y.shape, x1.shape.slice(0, -1))) {
    throw new ShapeError(
      `cosineEmbeddingLoss: labels ${formatShape(y.shape)} for inputs ${formatShape(x1.shape)} (expected ${formatShape(x1.shape.slice(0, -1))})`,
    );
  }
  return scope(() => {
    // PyTorch adds eps = 1e-12 to both squared norms
    const dot = x1.mul(x2).sum(-1);
    const cos = dot.div(x1.square().sum(-1).add(1e-12).mul(x2.square().sum(-1).add(1e-12)).sqrt());
    const loss = where(y.eq(1), cos.neg().add(1), where(y.eq(-1), maximum(cos.sub(margin), 0), 0));
    return reduceLoss(loss, reduction);
  });
}

/** Margin ranking loss `max(0, −y·(x1 − x2) + margin)` for labels y ∈ {1, −1}. */
export function marginRankingLoss(x1: Tensor, x2: Tensor, y: Tensor, opts: { margin?: number; reduction?: Reduction } = {}): Tensor {
  const { margin = 0, reduction = 'mean' } = opts;
  sameShape('marginRankingLoss', x1, x2);
  return scope(() => reduceLoss(maximum(y.neg().mul(x1.sub(x2)).add(margin), 0), reduction));
}
