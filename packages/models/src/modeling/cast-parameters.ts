/**
 * Changing a model's parameter dtype (float32 ↔ float16). A parameter's dtype is fixed
 * (`assign` casts to it), so each parameter is replaced by a new one of the other dtype, on the
 * same device; a parameter shared by two modules (tied embeddings) stays shared.
 */
import { type DType, scope } from '@graft/core';
import { type AnyModule, Parameter } from '@graft/nn';

/** Replaces every parameter of `model` by a copy in `dtype` (ties kept); returns the model. */
export function castParameters<M extends AnyModule>(model: M, dtype: DType): M {
  const replaced = new Map<Parameter, Parameter>();
  scope(() => {
    for (const m of model.modules()) {
      for (const [name, p] of [...m.namedOwnParameters()]) {
        if (p.dtype === dtype || name.includes('.')) continue;
        let next = replaced.get(p);
        if (!next) {
          next = new Parameter(p.cast(dtype).detach(), { requiresGrad: p.requiresGrad });
          replaced.set(p, next);
        }
        m.registerParameter(name, next);
      }
    }
  });
  for (const old of replaced.keys()) old.dispose();
  return model;
}
