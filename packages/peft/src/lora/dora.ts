/**
 * DoRA (weight-decomposed low-rank adaptation, Liu et al. 2024) as PEFT computes it: the adapted
 * weight is `m · (W + s·BA) / ‖W + s·BA‖`, a trainable magnitude `m` per output feature (stored
 * as `lora_magnitude_vector.<adapter>.weight`, initialised to the row norms of the base weight)
 * times the normalised direction. The norm is treated as a constant in the backward pass
 * (section 4.3 of the paper, and PEFT's `weight_norm.detach()`), and the output is written as a
 * correction added to the base layer's output, so the base layer itself runs unchanged.
 */
import { noGrad, scope, type Tensor } from '@graft/core';
import { Module, ModulePathError, Parameter } from '@graft/nn';

/** DoRA's magnitude vector of one adapter, PEFT's `DoraLinearLayer` (whose only tensor is `weight`). */
export class DoraMagnitude extends Module<never[], never> {
  /** The magnitude per output feature. */
  weight: Parameter;

  constructor(magnitude: Tensor) {
    super();
    this.weight = new Parameter(magnitude);
  }

  forward(): never {
    throw new ModulePathError('DoraMagnitude is applied by its LoRA layer');
  }
}

/** The L2 norm of each row of a 2-D tensor (`torch.linalg.norm(w, dim=1)`). */
export function rowNorm(w: Tensor): Tensor {
  return scope(() => w.square().sum(1).sqrt());
}

/** A magnitude vector initialised to the row norms of `weight + delta` (PEFT's lazy init, done at once). */
export function initialMagnitude(weight: Tensor, delta: Tensor): DoraMagnitude {
  return scope(() => noGrad(() => new DoraMagnitude(rowNorm(weight.add(delta)))));
}

/** What a DoRA Linear forward needs. */
export interface DoraLinearInputs {
  /** The adapter input (after dropout when dropout ran). */
  x: Tensor;
  weight: Tensor;
  /** The base output without bias when dropout did not run (saves a matmul), else null. */
  baseOutput: Tensor | null;
  /** `lora_B(lora_A(x))`, not yet scaled. */
  loraOutput: Tensor;
  /** `B·A` (the unscaled low-rank weight). */
  loraWeight: Tensor;
  magnitude: Tensor;
  scaling: number;
}

/** The correction DoRA adds to a Linear's output: `(m/‖W+sBA‖ − 1)·(x·Wᵀ) + m/‖W+sBA‖ · s·B(A(x))`. */
export function doraLinearDelta(o: DoraLinearInputs): Tensor {
  return scope(() => {
    const norm = rowNorm(o.weight.add(o.loraWeight.detach().mul(o.scaling))).detach();
    const scale = o.magnitude.div(norm);
    const base = o.baseOutput ?? o.x.matmul(o.weight.transpose(0, 1));
    return scale.sub(1).mul(base).add(scale.mul(o.loraOutput).mul(o.scaling));
  });
}
