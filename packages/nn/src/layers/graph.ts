/**
 * Graph layers over an edge list, with PyTorch Geometric's parameter names (`lin.weight`,
 * `bias`, `att_src`, `att_dst`) and defaults: GCNConv (symmetric normalisation with self loops)
 * and GATConv (additive attention over incoming edges, multi-head).
 */
import { dropout, type Generator, leakyRelu, scope, type Tensor } from '@graft/core';
import { LayerConfigError } from '../errors';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import * as init from '../init';
import { addSelfLoops, endpoints, gatherNodes, inDegree, scatterAddNodes } from '../functional/message-passing';
import { checkPositive, checkProbability, type FactoryOptions, newParameter } from './factory';
import { Linear } from './linear';

/** Options of GCNConv. */
export interface GCNOptions extends FactoryOptions {
  /** Add a self loop to every node before normalising (default true). */
  addSelfLoops?: boolean;
  /** Use `D^-1/2 A D^-1/2` weights (default true); plain sums otherwise. */
  normalize?: boolean;
  bias?: boolean;
}

/** Graph convolution (Kipf & Welling): `X' = D̂^-1/2 Â D̂^-1/2 X Wᵀ + b`. */
export class GCNConv extends Module<[Tensor, Tensor], Tensor> {
  lin: Linear;
  bias: Parameter | null;
  readonly selfLoops: boolean;
  readonly normalize: boolean;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    opts: GCNOptions = {},
  ) {
    super();
    this.lin = new Linear(inChannels, outChannels, { ...opts, bias: false });
    init.xavierUniform(this.lin.weight, 1, opts);
    this.bias = (opts.bias ?? true) ? newParameter([outChannels], opts) : null;
    this.selfLoops = opts.addSelfLoops ?? true;
    this.normalize = opts.normalize ?? true;
  }

  /** `inChannels=…, outChannels=…`. */
  override extraRepr(): string {
    return `inChannels=${this.inChannels}, outChannels=${this.outChannels}`;
  }

  /** `x` `[V, in]` and `edgeIndex` `[2, E]` → `[V, out]`. */
  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    return scope(() => {
      const v = x.shape[0];
      const edges = this.selfLoops ? addSelfLoops(edgeIndex, v) : edgeIndex;
      const { source, target } = endpoints(edges);
      let messages = gatherNodes(this.lin.call(x), source);
      if (this.normalize) {
        // degree counted at targets, as PyG; nodes without edges get weight 0 rather than inf
        const deg = inDegree(edges, v, x.dtype);
        const inv = deg.clamp(1e-12, null).rsqrt().where(deg.gt(0), 0);
        messages = messages.mul(gatherNodes(inv, source).mul(gatherNodes(inv, target)).reshape(-1, 1));
      }
      const out = scatterAddNodes(messages, target, v);
      return this.bias ? out.add(this.bias) : out;
    });
  }
}

/** Options of GATConv. */
export interface GATOptions extends FactoryOptions {
  heads?: number;
  /** Concatenate heads (default true) or average them. */
  concat?: boolean;
  negativeSlope?: number;
  /** Dropout on the attention coefficients while training. */
  dropout?: number;
  addSelfLoops?: boolean;
  bias?: boolean;
}

/**
 * Graph attention (Veličković et al.): `α_ij = softmax_j(LeakyReLU(a_srcᵀ W x_j + a_dstᵀ W x_i))`
 * over the edges into i, `x'_i = Σ_j α_ij W x_j`, per head.
 */
export class GATConv extends Module<[Tensor, Tensor], Tensor> {
  lin: Linear;
  att_src: Parameter;
  att_dst: Parameter;
  bias: Parameter | null;
  readonly heads: number;
  readonly concat: boolean;
  readonly negativeSlope: number;
  readonly dropout: number;
  readonly selfLoops: boolean;
  generator: Generator | undefined;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    opts: GATOptions = {},
  ) {
    super();
    this.heads = opts.heads ?? 1;
    checkPositive('GATConv', 'heads', this.heads);
    this.concat = opts.concat ?? true;
    this.negativeSlope = opts.negativeSlope ?? 0.2;
    this.dropout = opts.dropout ?? 0;
    checkProbability('GATConv', 'dropout', this.dropout);
    this.selfLoops = opts.addSelfLoops ?? true;
    this.generator = opts.generator;
    const hc = this.heads * outChannels;
    this.lin = new Linear(inChannels, hc, { ...opts, bias: false });
    init.xavierUniform(this.lin.weight, 1, opts);
    this.att_src = newParameter([1, this.heads, outChannels], opts, (t) => init.xavierUniform(t, 1, opts));
    this.att_dst = newParameter([1, this.heads, outChannels], opts, (t) => init.xavierUniform(t, 1, opts));
    this.bias = (opts.bias ?? true) ? newParameter([this.concat ? hc : outChannels], opts) : null;
  }

  /** `inChannels=…, outChannels=…, heads=…, concat=…`. */
  override extraRepr(): string {
    return `inChannels=${this.inChannels}, outChannels=${this.outChannels}, heads=${this.heads}, concat=${this.concat}`;
  }

  /** `x` `[V, in]` and `edgeIndex` `[2, E]` → `[V, heads·out]` (or `[V, out]` when averaging heads). */
  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.inChannels) throw new LayerConfigError(`GATConv: x [${x.shape.join(', ')}] should be [V, ${this.inChannels}]`);
    return scope(() => {
      const v = x.shape[0];
      const [hN, c] = [this.heads, this.outChannels];
      const edges = this.selfLoops ? addSelfLoops(edgeIndex, v) : edgeIndex;
      const { source, target } = endpoints(edges);
      const h = this.lin.call(x).reshape(v, hN, c);
      const aSrc = h.mul(this.att_src).sum(-1);
      const aDst = h.mul(this.att_dst).sum(-1);
      const scores = leakyRelu(gatherNodes(aSrc, source).add(gatherNodes(aDst, target)), this.negativeSlope);
      // softmax per target node: subtracting any constant leaves it unchanged, and without a
      // scatter-max primitive the (detached) maximum per head over all edges keeps exp bounded
      const shifted = scores.sub(scores.detach().max(0, true)).exp();
      const denom = scatterAddNodes(shifted, target, v);
      let alpha = shifted.div(gatherNodes(denom, target));
      alpha = dropout(alpha, this.dropout, this.training, { generator: this.generator });
      const out = scatterAddNodes(gatherNodes(h, source).mul(alpha.unsqueeze(-1)), target, v);
      const merged = this.concat ? out.reshape(v, hN * c) : out.mean(1);
      return this.bias ? merged.add(this.bias) : merged;
    });
  }
}
