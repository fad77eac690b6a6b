/** Loss composites: cross-entropy (class indices or probabilities), NLL, MSE. */
import { isFloat, promoteTypes } from '../dtype';
import { ArgumentError, DTypeError, ShapeError } from '../errors';
import { scope } from '../memory';
import { formatShape, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { logSoftmax } from './activations';
import { add, cast, div, maximum, mul, ne, neg, square, sub, where } from './elementwise';
import { checkFloat, checkSameDevice } from './dispatch';
import { checkIndex, gather, indexSelect } from './indexing';
import { permute, reshape, squeeze, unsqueeze } from './views';
import { mean, sum } from './reduce';

/** How a loss reduces its per-element values: their mean, their sum, or none (the values themselves). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of `crossEntropy`, as `torch.nn.functional.cross_entropy` names them, camelCased. */
export interface CrossEntropyOptions {
  /** Targets equal to this class id add nothing to the loss or its mean (default -100). */
  ignoreIndex?: number;
  /** Mixes the target with the uniform distribution: `(1-ε)·target + ε/C`. */
  labelSmoothing?: number;
  /** A weight per class (shape `[C]`). */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** Moves the class axis (1) last and flattens the rest: `[N, C, d…]` → `[N·d…, C]`. */
function classesLast(logits: Tensor): Tensor {
  if (logits.rank <= 2) return logits;
  const perm = [0, ...Array.from({ length: logits.rank - 2 }, (_, i) => i + 2), 1];
  return reshape(permute(logits, perm), [-1, logits.shape[1]]);
}

function reduce(loss: Tensor, reduction: Reduction, denominator?: Tensor): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return sum(loss);
  if (reduction !== 'mean') throw new ArgumentError(`unknown reduction '${String(reduction)}' (use 'mean', 'sum' or 'none')`);
  return denominator ? div(sum(loss), denominator) : mean(loss);
}

/**
 * Cross-entropy between `logits` (`[N, C]` or `[N, C, d…]`) and either int32 class ids
 * (`[N]` / `[N, d…]`) or class probabilities (logits' shape), as `torch.nn.functional.cross_entropy`:
 * with `mean`, ignored targets leave the denominator and class weights weigh it.
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const { ignoreIndex = -100, labelSmoothing = 0, weight = null, reduction = 'mean' } = opts;
  checkFloat('crossEntropy', logits, 'logits');
  if (logits.rank < 1) throw new ShapeError('crossEntropy: logits need a class dim');
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ArgumentError(`labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  const numClasses = logits.rank === 1 ? logits.shape[0] : logits.shape[1];
  if (weight && (weight.rank !== 1 || weight.shape[0] !== numClasses)) {
    throw new ShapeError(`crossEntropy: class weights of shape ${formatShape(weight.shape)} for ${numClasses} classes`);
  }
  checkSameDevice('crossEntropy', [logits, target, weight]);
  const idShape = logits.rank === 1 ? [] : [logits.shape[0], ...logits.shape.slice(2)];
  if (isFloat(target.dtype) && !shapesEqual(target.shape, logits.shape) && shapesEqual(target.shape, idShape)) {
    // float targets are class probabilities; these have the shape of class ids
    throw new DTypeError(
      `crossEntropy: targets of shape ${formatShape(target.shape)} are class ids, which must be int32, got ${target.dtype}: cast them with .cast('int32') (float targets are class probabilities, of the logits' shape ${formatShape(logits.shape)})`,
    );
  }
  return scope(() => {
    const flat = logits.rank === 1 ? unsqueeze(logits, 0) : classesLast(logits);
    const logp = logSoftmax(flat, -1);
    const w = weight ? unsqueeze(cast(weight, logp.dtype), 0) : null;
    // the smoothing term: -Σ_c w_c·log p_c / C
    const smoothTerm = labelSmoothing > 0 ? div(neg(sum(w ? mul(logp, w) : logp, -1)), numClasses) : null;

    if (isFloat(target.dtype)) {
      const probsFlat = logits.rank === 1 ? unsqueeze(target, 0) : classesLast(target);
      if (probsFlat.shape[0] !== flat.shape[0] || probsFlat.shape[1] !== numClasses) {
        throw new ShapeError(`crossEntropy: probability targets ${formatShape(target.shape)} do not match logits ${formatShape(logits.shape)}`);
      }
      const p = labelSmoothing > 0 ? add(mul(probsFlat, 1 - labelSmoothing), labelSmoothing / numClasses) : probsFlat;
      const weighted = w ? mul(mul(p, logp), w) : mul(p, logp);
      const loss = neg(sum(weighted, -1));
      return reduce(logits.rank === 1 ? squeeze(loss, 0) : reshapeLoss(loss, logits), reduction);
    }

    if (target.dtype !== 'int32') throw new DTypeError(`crossEntropy: class targets must be int32, got ${target.dtype}: cast them with .cast('int32')`);
    if (!shapesEqual(target.shape, idShape)) {
      throw new ShapeError(
        `crossEntropy: targets of shape ${formatShape(target.shape)} for logits ${formatShape(logits.shape)} (expected ${formatShape(idShape)})`,
      );
    }
    const t = reshape(target, [flat.shape[0]]);
    const valid = ne(t, ignoreIndex);
    const safe = where(valid, t, 0);
    const validF = cast(valid, logp.dtype);
    let nll = neg(squeeze(gather(logp, 1, unsqueeze(safe, 1)), 1));
    const rowWeight = w ? mul(indexSelect(cast(weight!, logp.dtype), 0, safe), validF) : validF;
    nll = mul(nll, rowWeight);
    let loss = labelSmoothing > 0 ? add(mul(nll, 1 - labelSmoothing), mul(mul(smoothTerm!, validF), labelSmoothing)) : nll;
    loss = logits.rank === 1 ? squeeze(loss, 0) : reshapeLoss(loss, logits);
    // PyTorch divides by Σ w[target] over non-ignored rows; 0/0 stays nan as in PyTorch
    return reduce(loss, reduction, sum(rowWeight));
  });
}

function reshapeLoss(loss: Tensor, logits: Tensor): Tensor {
  return logits.rank <= 2 ? loss : reshape(loss, [logits.shape[0], ...logits.shape.slice(2)]);
}

/** Negative log-likelihood of log-probabilities `[N, C]` at int32 targets `[N]`. */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: { ignoreIndex?: number; reduction?: Reduction } = {}): Tensor {
  const { ignoreIndex = -100, reduction = 'mean' } = opts;
  if (logProbs.rank !== 2 || target.rank !== 1 || target.shape[0] !== logProbs.shape[0]) {
    throw new ShapeError(`nllLoss: log-probabilities ${formatShape(logProbs.shape)} and targets ${formatShape(target.shape)}`);
  }
  checkFloat('nllLoss', logProbs, 'log-probabilities');
  checkIndex('nllLoss', target, 'class targets');
  checkSameDevice('nllLoss', [logProbs, target]);
  return scope(() => {
    const valid = ne(target, ignoreIndex);
    const validF = cast(valid, logProbs.dtype);
    const picked = squeeze(gather(logProbs, 1, unsqueeze(where(valid, target, 0), 1)), 1);
    return reduce(mul(neg(picked), validF), reduction, maximum(sum(validF), 0));
  });
}

/** Mean squared error. */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  // as PyTorch: the operands promote together, and the result must be floating point
  if (!isFloat(promoteTypes(input.dtype, target.dtype))) checkFloat('mseLoss', input);
  checkSameDevice('mseLoss', [input, target]);
  return scope(() => reduce(square(sub(input, target)), reduction));
}
