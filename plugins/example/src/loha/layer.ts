/**
 * LoHa on a Linear (PEFT's `loha.Linear`): per adapter four factors, `hada_w1_a` `[out, r]`,
 * `hada_w1_b` `[r, in]`, `hada_w2_a` `[out, r]` and `hada_w2_b` `[r, in]`, and the update
 * `ΔW = (w1a·w1b) ⊙ (w2a·w2b) · alpha/r` added to the base output as `x·ΔWᵀ`. Initialised as
 * PEFT: w1a, w1b and w2a Kaiming-uniform (a = √5), w2b zero, so a new adapter starts as the
 * identity (with `init_weights: false` w2b is random too). While training, `rank_dropout` drops
 * rows of ΔW and `module_dropout` skips the update for a whole forward pass, both drawn from the
 * seeded generator. Merging adds ΔW to the base weight; unmerging subtracts it.
 *
 * Everything here is @graft/peft's public `AdapterLayer` contract: PEFT's in-memory names come
 * from the `ParameterDict`s (`query.hada_w1_a.default`), file keys from `adapterTensors`, and
 * switching, disabling, safe merging and freezing from the base class.
 */
import { bernoulli, type Generator, noGrad, scope, type Tensor, zeros } from '@graft/core';
import { functional as F, init, type Linear, Parameter } from '@graft/nn';
import { AdapterLayer, type LayerTensor, ParameterDict, PeftTargetError, type WeightUpdate } from '@graft/peft';

/** What adding one LoHa adapter to a layer needs. */
export interface LoHaLayerOptions {
  r: number;
  alpha: number;
  rankDropout: number;
  moduleDropout: number;
  /** `init_weights`: w2b zero (true) or random (false). */
  initWeights: boolean;
  /** false: weights are loaded next, draw nothing (all zeros). */
  init: boolean;
  /** The generator initialisation draws from (the global one when undefined). */
  generator: Generator | undefined;
}

const FACTORS = ['hada_w1_a', 'hada_w1_b', 'hada_w2_a', 'hada_w2_b'] as const;

/** LoHa on a Linear. */
export class LoHaLinear extends AdapterLayer<Linear> {
  /** The left factor of the first product, `[out, r]`, per adapter. */
  hada_w1_a = new ParameterDict();
  /** The right factor of the first product, `[r, in]`, per adapter. */
  hada_w1_b = new ParameterDict();
  /** The left factor of the second product, `[out, r]`, per adapter. */
  hada_w2_a = new ParameterDict();
  /** The right factor of the second product, `[r, in]` (zero at initialisation), per adapter. */
  hada_w2_b = new ParameterDict();
  /** Rank per adapter. */
  r: Record<string, number> = {};
  /** Alpha per adapter. */
  alpha: Record<string, number> = {};
  /** `alpha / r` per adapter. */
  scaling: Record<string, number> = {};
  /** `rank_dropout` per adapter. */
  rankDropout: Record<string, number> = {};
  /** `module_dropout` per adapter. */
  moduleDropout: Record<string, number> = {};

  constructor(base: Linear, name: string, o: LoHaLayerOptions) {
    super(base);
    this.updateLayer(name, o);
  }

  /** `'LOHA'`. */
  get peftType(): string {
    return 'LOHA';
  }

  /** Adds adapter `name` (or replaces its factors when it exists). */
  updateLayer(name: string, o: LoHaLayerOptions): void {
    if (!Number.isInteger(o.r) || o.r <= 0) throw new PeftTargetError('peft_target_unsupported', `LoHa: r must be a positive integer, got ${o.r}`);
    const { inFeatures, outFeatures, weight } = this.base_layer;
    const device = weight.device;
    const shapes = [
      [outFeatures, o.r],
      [o.r, inFeatures],
      [outFeatures, o.r],
      [o.r, inFeatures],
    ];
    FACTORS.forEach((field, i) => {
      const p = scope(() =>
        noGrad(() => {
          // adapters are float32 whatever the base's dtype (PEFT's autocast_adapter_dtype)
          const t = zeros(shapes[i], { device });
          const zero = !o.init || (field === 'hada_w2_b' && o.initWeights);
          if (!zero) init.kaimingUniform(t, { a: Math.sqrt(5), generator: o.generator });
          return new Parameter(t);
        }),
      );
      this[field].get(name)?.dispose();
      this[field].set(name, p);
    });
    this.r[name] = o.r;
    this.alpha[name] = o.alpha;
    this.scaling[name] = o.alpha / o.r;
    this.rankDropout[name] = o.rankDropout;
    this.moduleDropout[name] = o.moduleDropout;
  }

  adapterNames(): string[] {
    return this.hada_w1_a.keys();
  }

  adapterTensors(name: string): LayerTensor[] {
    if (!this.hada_w1_a.has(name)) return [];
    return FACTORS.map((field) => ({ key: `${field}.${name}`, fileKey: field, parameter: this[field].get(name)! }));
  }

  protected removeAdapter(name: string): void {
    for (const field of FACTORS) {
      this[field].get(name)?.dispose();
      this[field].delete(name);
    }
    for (const table of [this.r, this.alpha, this.scaling, this.rankDropout, this.moduleDropout]) delete table[name];
  }

  /** Adapter `name`'s update `(w1a·w1b) ⊙ (w2a·w2b) · alpha/r`, `[out, in]`, without dropout. */
  deltaWeight(name: string): Tensor {
    return scope(() => {
      const [w1a, w1b, w2a, w2b] = FACTORS.map((field) => this[field].get(name)!);
      return w1a.matmul(w1b).mul(w2a.matmul(w2b)).mul(this.scaling[name]);
    });
  }

  forward(x: Tensor): Tensor {
    const base = this.base_layer;
    if (this.disabled) {
      if (this.merged) this.unmerge();
      return base.call(x);
    }
    if (this.merged) return base.call(x);
    return scope(() => {
      let y = base.call(x);
      for (const name of this.activeAdapters) {
        if (!this.hada_w1_a.has(name)) continue;
        let delta = this.deltaWeight(name);
        const rankDropout = this.rankDropout[name];
        if (this.training && rankDropout > 0) {
          // PEFT drops rows of ΔW and divides by the kept share (torch's `drop /= drop.mean()`); the
          // share is floored at one row so a draw that drops every row gives a zero update, not 0/0
          const keep = bernoulli([delta.shape[0], 1], 1 - rankDropout, { device: delta.device });
          delta = delta.mul(keep.div(keep.mean().maximum(1 / delta.shape[0])));
        }
        let out = F.linear(x.dtype === delta.dtype ? x : x.cast(delta.dtype), delta);
        const moduleDropout = this.moduleDropout[name];
        // PEFT skips the update when torch.rand(1) ≤ p; a 0/1 factor drawn on the host does the same without a branch on device data
        if (this.training && moduleDropout > 0) out = out.mul(bernoulli([], 1 - moduleDropout, { device: out.device }));
        y = y.add(out.dtype === y.dtype ? out : out.cast(y.dtype));
      }
      return y;
    });
  }

  protected mergeUpdates(name: string): WeightUpdate[] {
    const w = this.base_layer.weight;
    return [[w, w.add(this.deltaWeight(name).cast(w.dtype))]];
  }

  protected unmergeUpdates(name: string): WeightUpdate[] {
    const w = this.base_layer.weight;
    return [[w, w.sub(this.deltaWeight(name).cast(w.dtype))]];
  }

  override extraRepr(): string {
    return Object.keys(this.r)
      .map((n) => `${n}: r=${this.r[n]}, alpha=${this.alpha[n]}`)
      .join('; ');
  }
}
