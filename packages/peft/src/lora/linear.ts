/**
 * LoRA on a Linear (PEFT's `lora.Linear`): `y = base(x) + s · B(A(dropout(x)))` with A
 * `lora_A.<adapter>` (in → r, no bias) and B `lora_B.<adapter>` (r → out, bias with `lora_bias`).
 * Initialised as PEFT: A Kaiming-uniform (nn.Linear's default) and B zero, so a new adapter
 * starts as the identity; 'gaussian' draws A from N(0, 1/r); false leaves both random. Merging
 * adds `s·BA` to the base weight (and `s·b_B` to its bias).
 */
import { type Tensor, scope } from '@graft/core';
import { Identity, init, Linear, ModuleDict } from '@graft/nn';
import { PeftTargetError } from '../errors';
import type { LayerTensor, WeightUpdate } from '../tuners/adapter-layer';
import { SKIP_INIT } from '../tuners/skip-init';
import { doraLinearDelta, initialMagnitude, rowNorm } from './dora';
import { LoraLayer, type LoraLayerOptions } from './layer';

/** LoRA on a Linear. */
export class LoraLinear extends LoraLayer<Linear> {
  /** The down-projections (in → r), per adapter. */
  lora_A = new ModuleDict<Linear>();
  /** The up-projections (r → out), per adapter. */
  lora_B = new ModuleDict<Linear>();

  constructor(base: Linear, name: string, o: LoraLayerOptions) {
    super(base);
    this.updateLayer(name, o);
  }

  updateLayer(name: string, o: LoraLayerOptions): void {
    this.setHyperparameters(name, o);
    const base = this.base_layer;
    const device = base.weight.device;
    const random = o.init ? o.generator : SKIP_INIT;
    // PEFT: A as nn.Linear initialises it (Kaiming-uniform, a = √5) unless 'gaussian'; B zero unless init_lora_weights is false
    const a = new Linear(base.inFeatures, o.r, {
      bias: false,
      device,
      generator: o.initLoraWeights === true || o.initLoraWeights === false ? random : SKIP_INIT,
    });
    if (o.init && o.initLoraWeights === 'gaussian') init.normal(a.weight, 0, 1 / o.r, { generator: o.generator });
    const b = new Linear(o.r, base.outFeatures, { bias: o.loraBias, device, generator: o.initLoraWeights === false ? random : SKIP_INIT });
    if (o.initLoraWeights !== false || !o.init) {
      // a zero-drawing generator leaves uniform inits at their lower bound, so B is zeroed explicitly
      init.zeros(b.weight);
      if (b.bias) init.zeros(b.bias);
    }
    if (o.loraBias && base.bias === null) {
      throw new PeftTargetError(
        'peft_target_unsupported',
        'LoRA: lora_bias needs a base layer with a bias (merging adds lora_B.bias to it); this Linear has none',
      );
    }
    for (const [dict, layer] of [
      [this.lora_A, a],
      [this.lora_B, b],
    ] as const) {
      dict.get(name)?.dispose();
      dict.set(name, layer);
    }
    this.lora_magnitude_vector.get(name)?.dispose();
    this.lora_magnitude_vector.delete(name);
    if (o.useDora) this.lora_magnitude_vector.set(name, initialMagnitude(base.weight, this.deltaWeight(name)));
  }

  adapterNames(): string[] {
    return this.lora_A.keys();
  }

  adapterTensors(name: string): LayerTensor[] {
    const a = this.lora_A.get(name);
    const b = this.lora_B.get(name);
    if (!a || !b) return [];
    const out: LayerTensor[] = [
      { key: `lora_A.${name}.weight`, fileKey: 'lora_A.weight', parameter: a.weight },
      { key: `lora_B.${name}.weight`, fileKey: 'lora_B.weight', parameter: b.weight },
    ];
    if (b.bias) out.push({ key: `lora_B.${name}.bias`, fileKey: 'lora_B.bias', parameter: b.bias });
    const m = this.lora_magnitude_vector.get(name);
    // PEFT saves DoRA's magnitude without its `.weight` (the format predates DoraLinearLayer)
    if (m) out.push({ key: `lora_magnitude_vector.${name}.weight`, fileKey: 'lora_magnitude_vector', parameter: m.weight });
    return out;
  }

  protected removeAdapter(name: string): void {
    for (const dict of [this.lora_A, this.lora_B]) {
      dict.get(name)?.dispose();
      dict.delete(name);
    }
    this.removeCommon(name);
  }

  deltaWeight(name: string): Tensor {
    return scope(() => this.lora_B.get(name)!.weight.matmul(this.lora_A.get(name)!.weight).mul(this.scaling[name]));
  }

  forward(x: Tensor): Tensor {
    const base = this.base_layer;
    if (this.disabled) {
      if (this.merged) this.unmerge();
      return base.call(x);
    }
    if (this.merged) return base.call(x);
    return scope(() => {
      let result = base.call(x);
      for (const name of this.activeAdapters) {
        const a = this.lora_A.get(name);
        if (!a) continue;
        const b = this.lora_B.get(name)!;
        const dropout = this.lora_dropout.get(name)!;
        const s = this.scaling[name];
        const input = this.castInput(x, a.weight.dtype);
        const magnitude = this.lora_magnitude_vector.get(name);
        let delta: Tensor;
        if (!magnitude) delta = b.call(a.call(dropout.call(input))).mul(s);
        else {
          // PEFT: without active dropout the base output (minus bias) is reused instead of a second x·Wᵀ
          const dropped = this.training && !(dropout instanceof Identity);
          const xd = dropped ? dropout.call(input) : input;
          delta = doraLinearDelta({
            x: xd,
            weight: base.weight,
            baseOutput: dropped ? null : base.bias ? result.sub(base.bias) : result,
            loraOutput: b.call(a.call(xd)),
            loraWeight: b.weight.matmul(a.weight),
            magnitude: magnitude.weight,
            scaling: s,
          });
        }
        result = result.add(delta.dtype === result.dtype ? delta : delta.cast(result.dtype));
      }
      return result;
    });
  }

  protected mergeUpdates(name: string): WeightUpdate[] {
    const base = this.base_layer;
    const delta = this.deltaWeight(name);
    const magnitude = this.lora_magnitude_vector.get(name);
    let weight = base.weight.add(delta);
    if (magnitude) {
      // the norm is the one before merging, kept for unmerging (PEFT's `_cache_store`)
      const norm = rowNorm(weight);
      this.mergedNorms.set(name, norm.keep());
      weight = magnitude.weight.div(norm).reshape(-1, 1).mul(weight);
    }
    const updates: WeightUpdate[] = [[base.weight, weight]];
    const loraBias = this.lora_B.get(name)!.bias;
    if (loraBias) updates.push([base.bias!, base.bias!.add(loraBias.mul(this.scaling[name]))]);
    return updates;
  }

  protected unmergeUpdates(name: string): WeightUpdate[] {
    const base = this.base_layer;
    const delta = this.deltaWeight(name);
    const magnitude = this.lora_magnitude_vector.get(name);
    let weight: Tensor;
    if (magnitude) {
      const norm = this.mergedNorms.get(name)!;
      weight = base.weight.div(magnitude.weight.div(norm).reshape(-1, 1)).sub(delta);
      this.mergedNorms.delete(name);
      norm.dispose();
    } else weight = base.weight.sub(delta);
    const updates: WeightUpdate[] = [[base.weight, weight]];
    const loraBias = this.lora_B.get(name)!.bias;
    if (loraBias) updates.push([base.bias!, base.bias!.sub(loraBias.mul(this.scaling[name]))]);
    return updates;
  }
}
