/**
 * What LoRA's layers share (PEFT's `LoraLayer`): per adapter a rank `r`, an alpha and the
 * scaling `alpha/r` (`alpha/√r` with rsLoRA), a dropout on the adapter's input, and for DoRA a
 * magnitude vector. The Linear and Embedding layers add their low-rank factors.
 */
import type { Generator, Tensor } from '@graft/core';
import { type AnyModule, Dropout, Identity, ModuleDict } from '@graft/nn';
import { PeftTargetError } from '../errors';
import { AdapterLayer } from '../tuners/adapter-layer';
import type { InitLoraWeights } from './config';
import type { DoraMagnitude } from './dora';

/** What adding one LoRA adapter to a layer needs. */
export interface LoraLayerOptions {
  r: number;
  alpha: number;
  dropout: number;
  initLoraWeights: InitLoraWeights;
  useRslora: boolean;
  useDora: boolean;
  loraBias: boolean;
  /** false: weights are loaded next, draw nothing (all zeros). */
  init: boolean;
  generator: Generator | undefined;
}

/** The base of LoRA's Linear and Embedding layers. */
export abstract class LoraLayer<B extends AnyModule = AnyModule> extends AdapterLayer<B> {
  /** Rank per adapter. */
  r: Record<string, number> = {};
  /** Alpha per adapter. */
  lora_alpha: Record<string, number> = {};
  /** The factor the low-rank update is multiplied by, per adapter. */
  scaling: Record<string, number> = {};
  /** Dropout on the adapter's input (Identity when the probability is 0), per adapter. */
  lora_dropout = new ModuleDict<Dropout | Identity>();
  /** DoRA's trainable magnitude per output feature, for adapters with `use_dora`. */
  lora_magnitude_vector = new ModuleDict<DoraMagnitude>();
  /** DoRA: the weight norm each merged adapter was merged with (unmerging needs it). */
  protected readonly mergedNorms = new Map<string, Tensor>();

  /** `'LORA'`. */
  get peftType(): string {
    return 'LORA';
  }

  /** Adds adapter `name` to this layer (or replaces its weights when it exists). */
  abstract updateLayer(name: string, o: LoraLayerOptions): void;

  /** The merged weight delta of adapter `name`, in the base weight's layout. */
  abstract deltaWeight(name: string): Tensor;

  /** Records r, alpha, scaling and the dropout of adapter `name`. */
  protected setHyperparameters(name: string, o: LoraLayerOptions): void {
    if (!Number.isInteger(o.r) || o.r <= 0) throw new PeftTargetError('peft_target_unsupported', `LoRA: r must be a positive integer, got ${o.r}`);
    this.r[name] = o.r;
    this.lora_alpha[name] = o.alpha;
    this.scaling[name] = o.useRslora ? o.alpha / Math.sqrt(o.r) : o.alpha / o.r;
    this.lora_dropout.get(name)?.dispose();
    this.lora_dropout.set(name, o.dropout > 0 ? new Dropout(o.dropout) : new Identity());
  }

  /** Drops adapter `name`'s hyperparameters, dropout and magnitude (subclasses drop their factors). */
  protected removeCommon(name: string): void {
    delete this.r[name];
    delete this.lora_alpha[name];
    delete this.scaling[name];
    this.lora_dropout.delete(name);
    this.lora_magnitude_vector.get(name)?.dispose();
    this.lora_magnitude_vector.delete(name);
    this.mergedNorms.get(name)?.dispose();
    this.mergedNorms.delete(name);
  }

  /** `x` in the adapter's dtype (PEFT casts the input to lora_A's dtype). */
  protected castInput(x: Tensor, dtype: Tensor['dtype']): Tensor {
    return x.dtype === dtype ? x : x.cast(dtype);
  }

  override extraRepr(): string {
    return Object.keys(this.r)
      .map((n) => `${n}: r=${this.r[n]}, lora_alpha=${this.lora_alpha[n]}${this.lora_magnitude_vector.has(n) ? ', dora' : ''}`)
      .join('; ');
  }
}
