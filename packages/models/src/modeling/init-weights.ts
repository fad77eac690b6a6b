/**
 * Initialisation as transformers' `_init_weights` does it for BERT-family models: Linear and
 * Embedding weights from N(0, initializer_range) (the padding row of an embedding zeroed), biases
 * zero, LayerNorm weight one and bias zero, an LM head's own bias zero. Draws come from the
 * seeded generator the caller passes, in module order, so one seed gives one set of weights.
 */
import { Generator, noGrad } from '@graft/core';
import { type AnyModule, Embedding, init, LayerNorm, type Parameter } from '@graft/nn';

/**
 * A generator whose draws are all zero. Layers built with it skip their default initialisation
 * (Kaiming-uniform for Linear, N(0, 1) for Embedding), which would be overwritten anyway: by the
 * checkpoint in `fromPretrained`, or by {@link initParameter} in a fresh model. This is what
 * transformers gets from `init_empty_weights`; drawing bert-base's 110 M parameters takes about
 * ten seconds on this project's 2-core machine, so building a model to load it should not.
 */
export class SkipInitGenerator extends Generator {
  override uniform(n: number, dtype?: 'float32'): Float32Array;
  override uniform(n: number, dtype: 'float64'): Float64Array;
  override uniform(n: number, dtype: 'float32' | 'float64' = 'float32'): Float32Array | Float64Array {
    return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  override normal(n: number, dtype?: 'float32', mean?: number, std?: number): Float32Array;
  override normal(n: number, dtype: 'float64', mean?: number, std?: number): Float64Array;
  override normal(n: number, dtype: 'float32' | 'float64' = 'float32'): Float32Array | Float64Array {
    return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }
}

/**
 * Initialises parameter `name` of `module` as transformers' `_init_weights` would (`std` is the
 * config's `initializer_range`). Parameters of other module types: a `bias` is zeroed (the LM
 * heads' output bias), anything else drawn from N(0, std).
 */
export function initParameter(module: AnyModule, name: string, p: Parameter, std: number, generator: Generator): void {
  noGrad(() => {
    if (module instanceof LayerNorm) {
      if (name === 'weight') init.ones(p);
      else init.zeros(p);
    } else if (name === 'bias') {
      init.zeros(p);
    } else {
      init.normal(p, 0, std, { generator });
      if (module instanceof Embedding && module.paddingIdx !== null) module.zeroPaddingRow();
    }
  });
}

/** The zero-drawing generator every model layer is built with (its default init is replaced anyway). */
export const LAYER_INIT = new SkipInitGenerator(0);
