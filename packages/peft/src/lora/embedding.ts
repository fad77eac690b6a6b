/**
 * LoRA on an Embedding (PEFT's `lora.Embedding`): `y = base(ids) + s · (A[:, ids])ᵀ·Bᵀ`, with
 * A `lora_embedding_A.<adapter>` ([r, vocab]) and B `lora_embedding_B.<adapter>` ([dim, r]) as
 * bare parameters. Initialised as PEFT: A zero and B ~ N(0, 1) (`init_lora_weights` true or
 * 'gaussian'), both N(0, 1) when false. The padding row gets no gradient through A, as in the
 * base embedding. PEFT applies no dropout to embedding adapters, and neither does Graft.
 */
import { embedding, noGrad, scope, type Tensor, zeros } from '@graft/core';
import { type Embedding, init, Parameter } from '@graft/nn';
import { PeftTargetError } from '../errors';
import type { LayerTensor, WeightUpdate } from '../tuners/adapter-layer';
import { ParameterDict } from '../tuners/parameter-dict';
import { initialMagnitude, rowNorm } from './dora';
import { LoraLayer, type LoraLayerOptions } from './layer';

/** LoRA on an Embedding. */
export class LoraEmbedding extends LoraLayer<Embedding> {
  /** A per adapter: [r, numEmbeddings]. */
  lora_embedding_A = new ParameterDict();
  /** B per adapter: [embeddingDim, r]. */
  lora_embedding_B = new ParameterDict();

  constructor(base: Embedding, name: string, o: LoraLayerOptions) {
    super(base);
    this.updateLayer(name, o);
  }

  updateLayer(name: string, o: LoraLayerOptions): void {
    if (o.loraBias)
      throw new PeftTargetError(
        'peft_target_unsupported',
        'LoRA: lora_bias is not supported for Embedding layers (as in PEFT); target only Linear layers or set lora_bias: false',
      );
    this.setHyperparameters(name, o);
    const base = this.base_layer;
    const device = base.weight.device;
    const make = (shape: number[], random: boolean) =>
      scope(() =>
        noGrad(() => {
          const t = zeros(shape, { device });
          if (random) init.normal(t, 0, 1, { generator: o.generator });
          return new Parameter(t);
        }),
      );
    const a = make([o.r, base.numEmbeddings], o.init && o.initLoraWeights === false);
    const b = make([base.embeddingDim, o.r], o.init);
    for (const [dict, p] of [
      [this.lora_embedding_A, a],
      [this.lora_embedding_B, b],
    ] as const) {
      dict.get(name)?.dispose();
      dict.set(name, p);
    }
    this.lora_magnitude_vector.get(name)?.dispose();
    this.lora_magnitude_vector.delete(name);
    // DoRA on an embedding: one magnitude per embedding feature (PEFT's DoraEmbeddingLayer, fan_in_fan_out)
    if (o.useDora)
      this.lora_magnitude_vector.set(
        name,
        scope(() => initialMagnitude(base.weight.transpose(0, 1), this.deltaWeight(name).transpose(0, 1))),
      );
  }

  adapterNames(): string[] {
    return this.lora_embedding_A.keys();
  }

  adapterTensors(name: string): LayerTensor[] {
    const a = this.lora_embedding_A.get(name);
    const b = this.lora_embedding_B.get(name);
    if (!a || !b) return [];
    const out: LayerTensor[] = [
      { key: `lora_embedding_A.${name}`, fileKey: 'lora_embedding_A', parameter: a },
      { key: `lora_embedding_B.${name}`, fileKey: 'lora_embedding_B', parameter: b },
    ];
    const m = this.lora_magnitude_vector.get(name);
    if (m) out.push({ key: `lora_magnitude_vector.${name}.weight`, fileKey: 'lora_magnitude_vector', parameter: m.weight });
    return out;
  }

  protected removeAdapter(name: string): void {
    for (const dict of [this.lora_embedding_A, this.lora_embedding_B]) {
      dict.get(name)?.dispose();
      dict.delete(name);
    }
    this.removeCommon(name);
  }

  /** `(B·A)ᵀ · s`: [numEmbeddings, embeddingDim], the base weight's layout. */
  deltaWeight(name: string): Tensor {
    return scope(() => this.lora_embedding_B.get(name)!.matmul(this.lora_embedding_A.get(name)!).transpose(0, 1).mul(this.scaling[name]));
  }

  forward(ids: Tensor): Tensor {
    const base = this.base_layer;
    if (this.disabled) {
      if (this.merged) this.unmerge();
      return base.call(ids);
    }
    if (this.merged) return base.call(ids);
    return scope(() => {
      let result = base.call(ids);
      for (const name of this.activeAdapters) {
        const a = this.lora_embedding_A.get(name);
        if (!a) continue;
        const b = this.lora_embedding_B.get(name)!;
        const s = this.scaling[name];
        const lora = embedding(a.transpose(0, 1), ids, base.paddingIdx).matmul(b.transpose(0, 1)).mul(s);
        const magnitude = this.lora_magnitude_vector.get(name);
        if (!magnitude) result = result.add(lora.cast(result.dtype));
        else {
          // PEFT: m / ‖Wᵀ + s·BA‖ per feature scales base output and update alike
          const norm = rowNorm(base.weight.transpose(0, 1).add(b.matmul(a).detach().mul(s))).detach();
          const scale = magnitude.weight.div(norm);
          result = scale.mul(result).add(scale.mul(lora)).cast(result.dtype);
        }
      }
      return result;
    });
  }

  protected mergeUpdates(name: string): WeightUpdate[] {
    const base = this.base_layer;
    let weight = base.weight.add(this.deltaWeight(name));
    const magnitude = this.lora_magnitude_vector.get(name);
    if (magnitude) {
      const norm = rowNorm(weight.transpose(0, 1));
      this.mergedNorms.set(name, norm.keep());
      weight = magnitude.weight.div(norm).reshape(1, -1).mul(weight);
    }
    return [[base.weight, weight]];
  }

  protected unmergeUpdates(name: string): WeightUpdate[] {
    const base = this.base_layer;
    const delta = this.deltaWeight(name);
    const magnitude = this.lora_magnitude_vector.get(name);
    if (!magnitude) return [[base.weight, base.weight.sub(delta)]];
    const norm = this.mergedNorms.get(name)!;
    const weight = base.weight.div(magnitude.weight.div(norm).reshape(1, -1)).sub(delta);
    this.mergedNorms.delete(name);
    norm.dispose();
    return [[base.weight, weight]];
  }
}
