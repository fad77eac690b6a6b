/** Activation composites: softmax, logSoftmax, GELU, SiLU and friends. */
import { ArgumentError } from '../errors';
import { normalizeAxis } from '../shape';
import { checkFloat } from './dispatch';
import { fused } from './fused';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { detach } from './views';
import { add, div, erf, exp, mul, pow, sigmoid, sub, tanh } from './elementwise';
import { logsumexp, max, sum } from './reduce';

/** `exp(x) / sum(exp(x))` along `axis`, shifted by the maximum for stability. */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkFloat('softmax', x);
  const a = normalizeAxis(axis, x.rank);
  return fused('softmax', [x], { axis: a }, x.shape) ?? softmaxComposite(x, a);
}

/** The composite softmax, the reference for fused kernels. */
export function softmaxComposite(x: Tensor, axis = -1): Tensor {
  return scope(() => {
    const e = exp(sub(x, detach(max(x, axis, true))));
    return div(e, sum(e, axis, true));
  });
}

/** `x - logsumexp(x)` along `axis`. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkFloat('logSoftmax', x);
  const a = normalizeAxis(axis, x.rank);
  return fused('logSoftmax', [x], { axis: a }, x.shape) ?? logSoftmaxComposite(x, a);
}

/** The composite logSoftmax, the reference for fused kernels. */
export function logSoftmaxComposite(x: Tensor, axis = -1): Tensor {
  return scope(() => sub(x, logsumexp(x, axis, true)));
}

/**
 * Gaussian error linear unit. `'none'` is the exact form `x·Φ(x)` (BERT's "gelu"); `'tanh'` is
 * the approximation (`gelu_new`, `gelu_pytorch_tanh`).
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  checkFloat('gelu', x);
  if (approximate !== 'none' && approximate !== 'tanh') throw new ArgumentError(`gelu: unknown approximation '${String(approximate)}' (use 'none' or 'tanh')`);
  return fused('gelu', [x], { approximate }, x.shape) ?? geluComposite(x, approximate);
}

/** The composite GELU, the reference for fused kernels. */
export function geluComposite(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  return scope(() => {
    if (approximate === 'none') return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
    const inner = mul(add(x, mul(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  });
}

/** `x·sigmoid(x)`. */
export function silu(x: Tensor): Tensor {
  checkFloat('silu', x);
  return scope(() => mul(x, sigmoid(x)));
}

/** `max(0, x) + slope·min(0, x)`. */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  checkFloat('leakyRelu', x);
  return scope(() => {
    const pos = x.relu();
    return add(pos, mul(sub(x, pos), slope));
  });
}
