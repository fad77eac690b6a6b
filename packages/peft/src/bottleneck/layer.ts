/**
 * A bottleneck adapter on a Linear (Houlsby et al. 2019): `y = base(x)`, then for each active
 * adapter `y ← y + scaling · dropout(up(f(down(y))))`, with `adapter_down.<adapter>` (out →
 * bottleneck) and `adapter_up.<adapter>` (bottleneck → out), biases included. Put on the
 * attention's and the feed-forward block's output projections, this is the paper's placement:
 * inside the residual branch, before the residual is added and normalised. (The `adapters`
 * library applies it after that branch's dropout, this layer before it: the same function in
 * evaluation, another dropout mask in training.) Several active adapters stack, each on the
 * previous one's output. The function is not linear in its input (f, and the residual through
 * it), so it cannot be folded into the base weight.
 */
import { type Generator, gelu, relu, scope, silu, type Tensor, tanh } from '@graft/core';
import { Dropout, Identity, init, Linear, ModuleDict } from '@graft/nn';
import { PeftAdapterError } from '../errors';
import { AdapterLayer, type LayerTensor, type WeightUpdate } from '../tuners/adapter-layer';
import { SKIP_INIT } from '../tuners/skip-init';
import type { BottleneckInit, BottleneckNonLinearity } from './config';

/** What adding one bottleneck adapter to a layer needs. */
export interface BottleneckLayerOptions {
  /** The bottleneck's width. */
  size: number;
  nonLinearity: BottleneckNonLinearity;
  /** How the projections start (`init_weights`). */
  initWeights: BottleneckInit;
  scaling: number;
  dropout: number;
  /** false: weights are loaded next, draw nothing. */
  init: boolean;
  generator: Generator | undefined;
}

/** f of a bottleneck (`gelu` is the exact one, `gelu_new` the tanh approximation, as in transformers). */
export function nonLinearity(name: BottleneckNonLinearity): (x: Tensor) => Tensor {
  switch (name) {
    case 'relu':
      return relu;
    case 'gelu':
      return (x) => gelu(x);
    case 'gelu_new':
      return (x) => gelu(x, 'tanh');
    case 'tanh':
      return tanh;
    default:
      return silu;
  }
}

/** Draws a new adapter's projections as the `adapters` library's `init_weights` says (biases stay zero). */
function initialise(down: Linear, up: Linear, how: BottleneckInit, generator: Generator | undefined): void {
  const g = { generator };
  if (how === 'bert') {
    init.normal(down.weight, 0, 0.02, g);
    init.normal(up.weight, 0, 0.02, g);
  } else if (how === 'houlsby') {
    init.truncNormal(down.weight, 0, 1e-2, -2e-2, 2e-2, g);
    init.truncNormal(up.weight, 0, 1e-2, -2e-2, 2e-2, g);
  } else {
    // torch's kaiming_uniform_(a=√5): U(±1/√fan_in), what nn.Linear draws; the up-projection stays zero
    init.kaimingUniform(down.weight, { a: Math.sqrt(5), ...g });
  }
}

/** Bottleneck adapters on a Linear. */
export class BottleneckLayer extends AdapterLayer<Linear> {
  /** The down-projections (out → bottleneck), per adapter. */
  adapter_down = new ModuleDict<Linear>();
  /** The up-projections (bottleneck → out), per adapter. */
  adapter_up = new ModuleDict<Linear>();
  /** Dropout on each adapter's output (Identity when the probability is 0). */
  adapter_dropout = new ModuleDict<Dropout | Identity>();
  /** f per adapter. */
  readonly nonLinearities: Record<string, BottleneckNonLinearity> = {};
  /** The output factor per adapter. */
  readonly scalings: Record<string, number> = {};

  constructor(base: Linear, name: string, o: BottleneckLayerOptions) {
    super(base);
    this.updateLayer(name, o);
  }

  /** `'BOTTLENECK_ADAPTER'`. */
  get peftType(): string {
    return 'BOTTLENECK_ADAPTER';
  }

  /** Bottleneck adapters are not linear in their input: no merging. */
  override get canMerge(): boolean {
    return false;
  }

  /** Adds (or re-initialises) adapter `name`. */
  updateLayer(name: string, o: BottleneckLayerOptions): void {
    const out = this.base_layer.outFeatures;
    const device = this.base_layer.weight.device;
    const down = new Linear(out, o.size, { device, generator: SKIP_INIT });
    const up = new Linear(o.size, out, { device, generator: SKIP_INIT });
    // SKIP_INIT leaves uniform inits at their lower bound: every tensor is set here
    for (const t of [down.weight, down.bias!, up.weight, up.bias!]) init.zeros(t);
    if (o.init) initialise(down, up, o.initWeights, o.generator);
    for (const [dict, layer] of [
      [this.adapter_down, down],
      [this.adapter_up, up],
      [this.adapter_dropout, o.dropout > 0 ? new Dropout(o.dropout) : new Identity()],
    ] as const) {
      (dict.get(name) as { dispose(): void } | undefined)?.dispose();
      (dict as ModuleDict<Linear | Dropout | Identity>).set(name, layer);
    }
    this.nonLinearities[name] = o.nonLinearity;
    this.scalings[name] = o.scaling;
  }

  adapterNames(): string[] {
    return this.adapter_down.keys();
  }

  adapterTensors(name: string): LayerTensor[] {
    const down = this.adapter_down.get(name);
    const up = this.adapter_up.get(name);
    if (!down || !up) return [];
    return [
      { key: `adapter_down.${name}.weight`, fileKey: 'adapter_down.weight', parameter: down.weight },
      { key: `adapter_down.${name}.bias`, fileKey: 'adapter_down.bias', parameter: down.bias! },
      { key: `adapter_up.${name}.weight`, fileKey: 'adapter_up.weight', parameter: up.weight },
      { key: `adapter_up.${name}.bias`, fileKey: 'adapter_up.bias', parameter: up.bias! },
    ];
  }

  protected removeAdapter(name: string): void {
    for (const dict of [this.adapter_down, this.adapter_up, this.adapter_dropout] as ModuleDict<Linear | Dropout | Identity>[]) {
      dict.get(name)?.dispose();
      dict.delete(name);
    }
    delete this.nonLinearities[name];
    delete this.scalings[name];
  }

  forward(x: Tensor): Tensor {
    const base = this.base_layer;
    if (this.disabled) return base.call(x);
    return scope(() => {
      let y = base.call(x);
      for (const name of this.activeAdapters) {
        const down = this.adapter_down.get(name);
        if (!down) continue;
        const up = this.adapter_up.get(name)!;
        // adapters are float32 (PEFT's autocast rule); a float16 base gets the update in its dtype
        const h = y.dtype === down.weight.dtype ? y : y.cast(down.weight.dtype);
        let delta = this.adapter_dropout.get(name)!.call(up.call(nonLinearity(this.nonLinearities[name])(down.call(h))));
        if (this.scalings[name] !== 1) delta = delta.mul(this.scalings[name]);
        y = y.add(delta.dtype === y.dtype ? delta : delta.cast(y.dtype));
      }
      return y;
    });
  }

  protected mergeUpdates(): WeightUpdate[] {
    throw new PeftAdapterError('peft_merge_unsupported', 'BOTTLENECK_ADAPTER adapters cannot be merged: up(f(down(h))) is not linear in h');
  }

  protected unmergeUpdates(): WeightUpdate[] {
    return this.mergeUpdates();
  }

  override extraRepr(): string {
    return this.adapterNames()
      .map((n) => `${n}: ${this.adapter_down.get(n)!.outFeatures}, ${this.nonLinearities[n]}, scaling=${this.scalings[n]}`)
      .join('; ');
  }
}
