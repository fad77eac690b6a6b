/**
 * Finite-difference gradient checking. Compares the gradients autograd computes with central
 * differences in float64 on the CPU, where rounding error is far below the tolerance.
 */
import { GraftError } from '../errors';
import { keep, scope } from '../memory';
import { Generator } from '../random/generator';
import type { Tensor } from '../tensor';
import { noGrad } from './graph';
import * as o from '../ops/index';

/** Options of `gradcheck`: the finite-difference step and the tolerances. */
export interface GradcheckOptions {
  /** Step of the central difference (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
}

export class GradcheckError extends GraftError {
  constructor(message: string) {
    super('gradcheck_failed', message);
  }
}

/** Reduces any output to a scalar with fixed random weights, so every output element is checked. */
function project(out: Tensor, weights: Tensor | null): Tensor {
  return weights ? o.sum(o.mul(out, weights)) : o.sum(out);
}

/**
 * Checks `fn`'s gradients with respect to every input that requires them. Inputs must be float64
 * CPU tensors. Throws a GradcheckError naming the input and element that disagree.
 * @example gradcheck((x) => x.tanh(), [randn([3, 4], { dtype: 'float64' }).requiresGrad_()])
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-4 } = opts;
  for (const [i, t] of inputs.entries()) {
    if (t.requiresGrad && (t.dtype !== 'float64' || t.device !== 'cpu')) {
      throw new GradcheckError(`gradcheck needs float64 CPU inputs; input ${i} is ${t.dtype} on ${t.device}`);
    }
  }
  const hosts = inputs.map((t) => t.dataSync());
  const rebuild = (which: number, values: ArrayLike<number>) =>
    inputs.map((t, i) =>
      i === which ? o.tensor(Float64Array.from(values), { shape: t.shape, dtype: 'float64' }) : o.tensor(hosts[i] as never, { shape: t.shape, dtype: t.dtype }),
    );

  // analytic gradients
  let weights: Tensor | null = null;
  const analytic = scope(() => {
    for (const t of inputs) {
      t.grad?.dispose();
      t.grad = null;
    }
    const out = fn(...inputs);
    if (out.size > 1) {
      const values = new Generator(20240917).normal(out.size, 'float64');
      weights = keep(o.tensor(values, { shape: out.shape, dtype: 'float64' }));
    }
    project(out, weights).backward();
    return inputs.map((t) => (t.requiresGrad ? (t.grad ? Float64Array.from(t.grad.dataSync()) : new Float64Array(t.size)) : null));
  });

  try {
    const lossAt = (which: number, values: Float64Array) => noGrad(() => scope(() => project(fn(...rebuild(which, values)), weights).itemSync()));
    inputs.forEach((t, i) => {
      const grad = analytic[i];
      if (!grad) return;
      const x = Float64Array.from(hosts[i]);
      for (let j = 0; j < x.length; j++) {
        const x0 = x[j];
        x[j] = x0 + eps;
        const plus = lossAt(i, x);
        x[j] = x0 - eps;
        const minus = lossAt(i, x);
        x[j] = x0;
        const numeric = (plus - minus) / (2 * eps);
        const err = Math.abs(numeric - grad[j]);
        if (!(err <= atol + rtol * Math.abs(numeric))) {
          throw new GradcheckError(
            `gradient of input ${i} (shape [${t.shape.join(', ')}]) at element ${j}: autograd ${grad[j]}, finite differences ${numeric} (|diff| ${err.toExponential(2)})`,
          );
        }
      }
    });
  } finally {
    (weights as Tensor | null)?.dispose();
    for (const t of inputs) {
      t.grad?.dispose();
      t.grad = null;
    }
  }
  return true;
}
