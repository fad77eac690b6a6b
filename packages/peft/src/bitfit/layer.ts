/**
 * BitFit on any module with a `bias` (Linear, LayerNorm, a convolution …): each adapter holds its
 * own copy of the bias (`bitfit_bias.<adapter>`, starting at the base bias, so a new adapter
 * changes nothing), and the module runs with that copy in place of its bias (nn's
 * `functionalCall`), so the base bias itself never changes and disabling restores the base
 * model exactly. Merging writes the adapter's bias into the base bias; unmerging puts the saved
 * original back, bit for bit.
 */
import { noGrad, scope, type Tensor } from '@graft/core';
import { type AnyModule, functionalCall, isParameter, Parameter } from '@graft/nn';
import { AdapterLayer, type LayerTensor, type WeightUpdate } from '../tuners/adapter-layer';
import { ParameterDict } from '../tuners/parameter-dict';

/** The bias a module holds as its own field, or null. */
export function ownBias(m: AnyModule): Parameter | null {
  const b = Object.hasOwn(m, 'bias') ? (m as unknown as { bias: unknown }).bias : null;
  return isParameter(b) ? b : null;
}

/** BitFit on one module. */
export class BitFitLayer extends AdapterLayer<AnyModule> {
  /** The trained bias per adapter. */
  bitfit_bias = new ParameterDict();
  /** The base bias as it was before each merged adapter replaced it. */
  readonly #originals = new Map<string, Tensor>();

  constructor(base: AnyModule, name: string, o: { init: boolean }) {
    super(base);
    this.updateLayer(name, o);
  }

  /** `'BITFIT'`. */
  get peftType(): string {
    return 'BITFIT';
  }

  /** The wrapped module's bias. */
  get baseBias(): Parameter {
    return ownBias(this.base_layer) as Parameter;
  }

  /** Adds (or resets) adapter `name`: a copy of the base bias, or zeros when weights are loaded next. */
  updateLayer(name: string, o: { init: boolean }): void {
    const bias = this.baseBias;
    const p = scope(() => noGrad(() => new Parameter(o.init ? bias.clone() : bias.mul(0))));
    this.bitfit_bias.get(name)?.dispose();
    this.bitfit_bias.set(name, p);
  }

  adapterNames(): string[] {
    return this.bitfit_bias.keys();
  }

  adapterTensors(name: string): LayerTensor[] {
    const p = this.bitfit_bias.get(name);
    // in the file, the base model's own key: `<module>.bias`
    return p ? [{ key: `bitfit_bias.${name}`, fileKey: 'bias', parameter: p }] : [];
  }

  protected removeAdapter(name: string): void {
    this.bitfit_bias.get(name)?.dispose();
    this.bitfit_bias.delete(name);
    this.#originals.get(name)?.dispose();
    this.#originals.delete(name);
  }

  forward(...args: unknown[]): unknown {
    const base = this.base_layer;
    if (this.disabled) {
      if (this.merged) this.unmerge();
      return base.call(...args);
    }
    if (this.merged) return base.call(...args);
    // one set of biases can be in place at a time: the first active adapter's
    const bias = this.activeAdapters.map((n) => this.bitfit_bias.get(n)).find((p) => p !== undefined);
    if (!bias) return base.call(...args);
    return functionalCall(base, { bias }, () => base.call(...args));
  }

  protected mergeUpdates(name: string): WeightUpdate[] {
    const bias = this.baseBias;
    this.#originals.set(name, bias.clone().keep());
    // a copy: update values are the merge's own tensors (mergeAsync disposes them after writing)
    return [[bias, this.bitfit_bias.get(name)!.clone()]];
  }

  protected unmergeUpdates(name: string): WeightUpdate[] {
    const original = this.#originals.get(name)!;
    this.#originals.delete(name);
    const value = original.clone();
    original.dispose();
    return [[this.baseBias, value]];
  }

  override extraRepr(): string {
    return this.adapterNames().join(', ');
  }
}
