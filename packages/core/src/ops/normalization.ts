/** Normalisation, dropout and embedding composites. */
import { ArgumentError, ShapeError } from '../errors';
import { scope } from '../memory';
import { formatShape, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { add, cast, eq, mul, rsqrt, sub, where } from './elementwise';
import { checkFloat, checkSameDevice } from './dispatch';
import { checkIndex, indexSelect } from './indexing';
import { detach, reshape } from './views';
import { bernoulliMask, type RandomOptions } from './random';
import { fused } from './fused';
import { mean } from './reduce';

/**
 * Layer normalisation over the trailing `normalizedShape` dims, with the biased variance and
 * `eps` inside the square root, as `torch.nn.functional.layer_norm`.
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkFloat('layerNorm', x);
  const n = normalizedShape.length;
  if (n === 0 || n > x.rank || !shapesEqual(normalizedShape, x.shape.slice(x.rank - n))) {
    throw new ShapeError(`layerNorm: normalized shape ${formatShape(normalizedShape)} does not end input shape ${formatShape(x.shape)}`);
  }
  for (const [what, p] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (p && !shapesEqual(p.shape, normalizedShape)) {
      throw new ShapeError(`layerNorm: ${what} of shape ${formatShape(p.shape)} for normalized shape ${formatShape(normalizedShape)}`);
    }
  }
  checkFloat('layerNorm', weight, 'weight');
  checkFloat('layerNorm', bias, 'bias');
  checkSameDevice('layerNorm', [x, weight, bias]);
  // the fused kernel takes both affine parameters; without them the composite runs
  const y = weight && bias ? fused('layerNorm', [x, weight, bias], { dims: n, eps }, x.shape) : null;
  return y ?? layerNormComposite(x, normalizedShape, weight, bias, eps);
}

/** The composite layerNorm, the reference for fused kernels. */
export function layerNormComposite(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const n = normalizedShape.length;
  return scope(() => {
    const axes = Array.from({ length: n }, (_, i) => x.rank - n + i);
    const mu = mean(x, axes, true);
    const centered = sub(x, mu);
    const v = mean(mul(centered, centered), axes, true);
    let y = mul(centered, rsqrt(add(v, eps)));
    if (weight) y = mul(y, weight);
    if (bias) y = add(y, bias);
    return y;
  });
}

/**
 * Zeroes elements with probability `p` and scales the rest by `1/(1-p)` while `training`;
 * the identity otherwise. The mask comes from the seeded generator.
 */
export function dropout(x: Tensor, p: number, training = true, opts: RandomOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`dropout probability must be in [0, 1], got ${p}`);
  // stricter than PyTorch, which lets integers through when not training: a model then fails alike in both modes
  checkFloat('dropout', x);
  return scope(() => {
    if (!training || p === 0) return mul(x, 1);
    if (p === 1) return mul(x, 0);
    const keepMask = bernoulliMask(x.shape, 1 - p, { ...opts, device: x.device });
    return mul(x, mul(cast(keepMask, x.dtype), 1 / (1 - p)));
  });
}

/**
 * Rows of `weight` for integer `ids`: shape `[...ids.shape, dim]`. Rows looked up at
 * `paddingIdx` get no gradient, as in `torch.nn.Embedding`.
 */
export function embedding(weight: Tensor, ids: Tensor, paddingIdx?: number | null): Tensor {
  if (weight.rank !== 2) throw new ShapeError(`embedding weight must be 2-D, got ${formatShape(weight.shape)}`);
  checkIndex('embedding', ids, 'ids');
  checkSameDevice('embedding', [weight, ids]);
  return scope(() => {
    const rows = reshape(indexSelect(weight, 0, reshape(ids, [ids.size])), [...ids.shape, weight.shape[1]]);
    if (paddingIdx == null) return rows;
    return where(reshape(eq(ids, paddingIdx), [...ids.shape, 1]), detach(rows), rows);
  });
}

/** Root-mean-square normalisation over the last dim (`x / rms(x) · weight`). */
export function rmsNorm(x: Tensor, weight?: Tensor | null, eps = 1e-6): Tensor {
  checkFloat('rmsNorm', x);
  checkSameDevice('rmsNorm', [x, weight]);
  return scope(() => {
    const y = mul(x, rsqrt(add(mean(mul(x, x), -1, true), eps)));
    return weight ? mul(y, weight) : y;
  });
}
