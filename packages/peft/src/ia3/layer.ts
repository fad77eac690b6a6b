/**
 * (IA)³ on a Linear (PEFT's `ia3.Linear`): a vector `ia3_l.<adapter>` rescales the output
 * (`[out, 1]`, bias included) or, for feedforward modules, the input (`[1, in]`). Active adapters'
 * vectors multiply. Merging multiplies the weight's rows (or columns) and, for output scaling,
 * the bias; unmerging divides by `l + 1e-8` as PEFT does, so it is exact only up to float error.
 */
import { type Generator, noGrad, scope, type Tensor, zeros } from '@graft/core';
import { init, type Linear, Parameter } from '@graft/nn';
import { AdapterLayer, type LayerTensor, type WeightUpdate } from '../tuners/adapter-layer';
import { ParameterDict } from '../tuners/parameter-dict';

/** PEFT's guard against dividing by a zero vector entry when unmerging. */
const UNMERGE_EPS = 1e-8;

/** What adding one (IA)³ adapter to a layer needs. */
export interface IA3LayerOptions {
  /** `init_ia3_weights`: ones (true) or N(0, 1). */
  initWeights: boolean;
  /** false: weights are loaded next, draw nothing. */
  init: boolean;
  generator: Generator | undefined;
}

/** (IA)³ on a Linear. */
export class IA3Linear extends AdapterLayer<Linear> {
  /** The learned vector per adapter. */
  ia3_l = new ParameterDict();
  /** Whether the vector scales the input (feedforward) instead of the output. */
  readonly isFeedforward: boolean;

  constructor(base: Linear, name: string, isFeedforward: boolean, o: IA3LayerOptions) {
    super(base);
    this.isFeedforward = isFeedforward;
    this.updateLayer(name, o);
  }

  /** `'IA3'`. */
  get peftType(): string {
    return 'IA3';
  }

  /** Adds (or re-initialises) adapter `name`'s vector: ones, or N(0, 1) when `initWeights` is false. */
  updateLayer(name: string, o: IA3LayerOptions): void {
    const base = this.base_layer;
    const shape = this.isFeedforward ? [1, base.inFeatures] : [base.outFeatures, 1];
    const p = scope(() =>
      noGrad(() => {
        const t = zeros(shape, { device: base.weight.device });
        if (o.init) {
          if (o.initWeights) init.ones(t);
          else init.normal(t, 0, 1, { generator: o.generator });
        }
        return new Parameter(t);
      }),
    );
    this.ia3_l.get(name)?.dispose();
    this.ia3_l.set(name, p);
  }

  adapterNames(): string[] {
    return this.ia3_l.keys();
  }

  adapterTensors(name: string): LayerTensor[] {
    const l = this.ia3_l.get(name);
    return l ? [{ key: `ia3_l.${name}`, fileKey: 'ia3_l', parameter: l }] : [];
  }

  protected removeAdapter(name: string): void {
    this.ia3_l.get(name)?.dispose();
    this.ia3_l.delete(name);
  }

  forward(x: Tensor): Tensor {
    const base = this.base_layer;
    if (this.disabled) {
      if (this.merged) this.unmerge();
      return base.call(x);
    }
    if (this.merged) return base.call(x);
    return scope(() => {
      let scaling: Tensor | null = null;
      for (const name of this.activeAdapters) {
        const l = this.ia3_l.get(name);
        if (l) scaling = scaling ? scaling.mul(l.reshape(-1)) : l.reshape(-1);
      }
      if (!scaling) return base.call(x);
      if (this.isFeedforward) return base.call(x.mul(scaling.cast(x.dtype)));
      const y = base.call(x);
      return y.mul(scaling.cast(y.dtype));
    });
  }

  protected mergeUpdates(name: string): WeightUpdate[] {
    const base = this.base_layer;
    const l = this.ia3_l.get(name)!;
    const updates: WeightUpdate[] = [[base.weight, base.weight.mul(l)]];
    if (!this.isFeedforward && base.bias) updates.push([base.bias, base.bias.mul(l.reshape(-1))]);
    return updates;
  }

  protected unmergeUpdates(name: string): WeightUpdate[] {
    const base = this.base_layer;
    const l = this.ia3_l.get(name)!.add(UNMERGE_EPS);
    const updates: WeightUpdate[] = [[base.weight, base.weight.div(l)]];
    if (!this.isFeedforward && base.bias) updates.push([base.bias, base.bias.div(l.reshape(-1))]);
    return updates;
  }

  override extraRepr(): string {
    return `${this.adapterNames().join(', ')}${this.isFeedforward ? ', feedforward' : ''}`;
  }
}
