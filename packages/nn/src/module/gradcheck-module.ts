/**
 * Gradient checks of whole modules: core's `gradcheck` over a module's parameters and the
 * inputs, with the failing tensor named by its parameter path rather than a position.
 */
import { gradcheck, GradcheckError, type GradcheckOptions, type Tensor } from '@graft/core';
import { functionalCall } from './functional-call';
import type { AnyModule } from './module';

/**
 * Checks d run(inputs) / d(each trainable parameter and each input that requires grad) against
 * central differences. The module must hold float64 CPU parameters (build it with
 * `{ dtype: 'float64' }`) and be deterministic (dropout off).
 * @example gradcheckModule(new Linear(3, 2, { dtype: 'float64' }), [x], (x) => lin.call(x))
 */
export function gradcheckModule(module: AnyModule, inputs: Tensor[], run: (...inputs: Tensor[]) => Tensor, opts: GradcheckOptions = {}): true {
  const params = [...module.namedParameters()].filter(([, p]) => p.requiresGrad);
  const names = [...inputs.map((_, i) => `input ${i}`), ...params.map(([k]) => `parameter '${k}'`)];
  const fn = (...ts: Tensor[]) => functionalCall(module, new Map(params.map(([k], i) => [k, ts[inputs.length + i]])), () => run(...ts.slice(0, inputs.length)));
  try {
    return gradcheck(fn, [...inputs, ...params.map(([, p]) => p)], opts);
  } catch (e) {
    if (!(e instanceof GradcheckError)) throw e;
    throw new GradcheckError(e.message.replace(/^gradient of input (\d+)/, (_, i: string) => `gradient of ${names[Number(i)]}`));
  }
}
