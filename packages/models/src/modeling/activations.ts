/**
 * The activations config.json names (`hidden_act`, DistilBERT's `activation`), as transformers'
 * `ACT2FN` defines them: `gelu` is the exact erf form; `gelu_new`, `gelu_pytorch_tanh` and
 * `gelu_fast` are the tanh approximation (one formula, three historical names).
 */
import { gelu, relu, sigmoid, silu, type Tensor, tanh } from '@graft/core';
import { ModelConfigError } from '../errors';

/** An activation function of one tensor. */
export type Activation = (x: Tensor) => Tensor;

const table: Record<string, Activation> = {
  gelu: (x) => gelu(x),
  gelu_python: (x) => gelu(x),
  gelu_new: (x) => gelu(x, 'tanh'),
  gelu_pytorch_tanh: (x) => gelu(x, 'tanh'),
  gelu_fast: (x) => gelu(x, 'tanh'),
  quick_gelu: (x) => x.mul(sigmoid(x.mul(1.702))),
  relu: (x) => relu(x),
  silu: (x) => silu(x),
  swish: (x) => silu(x),
  tanh: (x) => tanh(x),
  sigmoid: (x) => sigmoid(x),
  linear: (x) => x.mul(1),
};

/** The activation names config.json may use. */
export const ACTIVATION_NAMES: readonly string[] = Object.keys(table);

/** The activation called `name` in config.json; an unknown name throws ModelConfigError listing the known ones. */
export function activation(name: string, field = 'hidden_act'): Activation {
  const fn = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!fn) throw new ModelConfigError(`unknown ${field} '${name}' (known: ${ACTIVATION_NAMES.join(', ')})`, field);
  return fn;
}
