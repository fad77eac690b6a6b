/**
 * Sums that stay on the device until someone reads them: the training loss and step metrics of
 * a logging window, and the evaluation loss. Adding is one device op and no read-back, so a
 * training step never waits for the GPU; `read()` is the one wait, when the Trainer logs.
 */
import { noGrad, scope, type Tensor } from '@graft/core';
import { TrainerError } from '../errors';
import { isTensor } from './steps';

/** Named running sums of scalar tensors and numbers. */
export class RunningSums {
  readonly #tensors = new Map<string, Tensor>();
  readonly #numbers = new Map<string, number>();

  /** Adds `value · weight` to the sum named `name`. A tensor must hold one value. */
  add(name: string, value: Tensor | number, weight = 1): void {
    if (!isTensor(value)) {
      if (typeof value !== 'number')
        throw new TrainerError('trainer_step_output', `step value '${name}' must be a number or a scalar tensor, got ${typeof value}`);
      this.#numbers.set(name, (this.#numbers.get(name) ?? 0) + value * weight);
      return;
    }
    if (value.size !== 1) {
      throw new TrainerError(
        'trainer_step_output',
        `step value '${name}' must be a scalar, got a tensor of shape [${value.shape.join(', ')}]; reduce it (mean or sum) in the step`,
      );
    }
    const prev = this.#tensors.get(name);
    // as few ops as possible: this runs every micro-batch (noGrad records no graph, so no detach)
    const next = scope(() =>
      noGrad(() => {
        const v = value.dtype === 'float32' ? value : value.cast('float32');
        const scaled = weight === 1 ? v : v.mul(weight);
        return prev ? prev.add(scaled) : scaled === value ? value.clone() : scaled;
      }),
    ).keep();
    prev?.dispose();
    this.#tensors.set(name, next);
  }

  /** Whether anything was added since the last reset. */
  get isEmpty(): boolean {
    return this.#tensors.size === 0 && this.#numbers.size === 0;
  }

  /** The sums, read from the device (the one wait). */
  async read(): Promise<Record<string, number>> {
    const out: Record<string, number> = Object.fromEntries(this.#numbers);
    const entries = [...this.#tensors];
    const values = await Promise.all(entries.map(([, t]) => t.item()));
    entries.forEach(([name], i) => {
      out[name] = (out[name] ?? 0) + values[i];
    });
    return out;
  }

  /** Frees the sums and starts again from zero. */
  reset(): void {
    for (const t of this.#tensors.values()) t.dispose();
    this.#tensors.clear();
    this.#numbers.clear();
  }
}
