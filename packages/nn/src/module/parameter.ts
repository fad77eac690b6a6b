/**
 * Parameter: a Tensor subclass that marks a module field as trainable state. Being a Tensor, a
 * parameter goes straight into ops (`x.matmul(this.weight.transpose())`), carries its own
 * `.grad`, and keeps its identity across optimizer steps because `assign()` rebinds storage
 * instead of replacing the object. Parameters are `keep()`-ed on creation, so no scope frees them;
 * they live until `dispose()` (`module.dispose()` disposes a whole model).
 */
import { Tensor } from '@graft/core';

/** Options of `new Parameter`. */
export interface ParameterOptions {
  /** Whether the optimizer should train it (default true). */
  requiresGrad?: boolean;
}

/** Trainable state of a module: a kept, leaf Tensor found by walking the module's fields. */
export class Parameter extends Tensor {
  /**
   * Wraps `data`'s values through Tensor's subclassing constructor: dense tensors share storage
   * with `data` (safe: storage is never mutated, `assign` rebinds it); views are copied first,
   * because `assign` needs owned data. `data` stays the caller's to dispose.
   */
  constructor(data: Tensor, opts: ParameterOptions = {}) {
    super(data);
    this.keep();
    if (opts.requiresGrad ?? true) this.requiresGrad_(true);
  }

  /** `Parameter(shape=[…], dtype=…, requiresGrad=…)`: what error messages and `Module.toString()` show. */
  override describe(): string {
    return `Parameter(shape=[${this.shape.join(', ')}], dtype=${this.dtype}${this.isDisposed ? ', disposed' : ''}, requiresGrad=${this.requiresGrad})`;
  }
}

/** Whether `v` is a Parameter. */
export function isParameter(v: unknown): v is Parameter {
  return v instanceof Parameter;
}
