/**
 * Multi-head attention with PyTorch's parameters (`in_proj_weight` `[3E, E]`, `in_proj_bias`,
 * `out_proj`), mask conventions and default `batchFirst = false`, so `nn.MultiheadAttention` and
 * `nn.Transformer*` checkpoints load as they are. The attention itself is core's
 * `scaledDotProductAttention`, which a backend may fuse.
 */
import { dropout, formatShape, type Generator, ones, scaledDotProductAttention, scope, softmax, type Tensor } from '@graft/core';
import { LayerConfigError } from '../errors';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import * as init from '../init';
import { additiveMask, checkAttentionMasks } from './attention-masks';
import { checkPositive, checkProbability, type FactoryOptions, newParameter } from './factory';
import { Linear } from './linear';

/** Options of MultiheadAttention. */
export interface MultiheadAttentionOptions extends FactoryOptions {
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  /** Biases on the projections (default true). */
  bias?: boolean;
  /** Inputs are `[N, L, E]` (true) or `[L, N, E]` (false, PyTorch's default). */
  batchFirst?: boolean;
  /** Key and value feature sizes when they differ from `embedDim` (separate projections then). */
  kdim?: number;
  vdim?: number;
}

/**
 * Masks of one attention call, in PyTorch's conventions (bool or float; integer masks throw
 * AttentionMaskError: convert a Hugging Face attention_mask with `toKeyPaddingMask`).
 */
export interface AttentionMasks {
  /** `[N, S]`: bool true marks padding keys to ignore; float values are added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** `[L, S]` or `[N·H, L, S]`: bool true marks pairs that may NOT attend; float values are added. */
  attnMask?: Tensor | null;
  /** Each query sees only keys at or before its position. */
  isCausal?: boolean;
}

/** Multi-head scaled dot-product attention (as `torch.nn.MultiheadAttention`). */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, AttentionMasks?], Tensor> {
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null;
  out_proj: Linear;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly kdim: number;
  readonly vdim: number;
  generator: Generator | undefined;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    opts: MultiheadAttentionOptions = {},
  ) {
    super();
    checkPositive('MultiheadAttention', 'embedDim', embedDim);
    checkPositive('MultiheadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) throw new LayerConfigError(`MultiheadAttention: embedDim ${embedDim} is not divisible by numHeads ${numHeads}`);
    this.dropout = opts.dropout ?? 0;
    checkProbability('MultiheadAttention', 'dropout', this.dropout);
    this.headDim = embedDim / numHeads;
    this.batchFirst = opts.batchFirst ?? false;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.generator = opts.generator;
    const xavier = (t: Tensor) => init.xavierUniform(t, 1, opts);
    if (this.kdim === embedDim && this.vdim === embedDim) this.in_proj_weight = newParameter([3 * embedDim, embedDim], opts, xavier);
    else {
      this.q_proj_weight = newParameter([embedDim, embedDim], opts, xavier);
      this.k_proj_weight = newParameter([embedDim, this.kdim], opts, xavier);
      this.v_proj_weight = newParameter([embedDim, this.vdim], opts, xavier);
    }
    const bias = opts.bias ?? true;
    this.in_proj_bias = bias ? newParameter([3 * embedDim], opts) : null;
    this.out_proj = new Linear(embedDim, embedDim, { ...opts, bias });
    if (this.out_proj.bias) init.zeros(this.out_proj.bias);
  }

  /** Projects q, k, v and splits heads: `[N, H, L, headDim]` each. */
  #project(query: Tensor, key: Tensor, value: Tensor): [Tensor, Tensor, Tensor] {
    const e = this.embedDim;
    const weights = this.in_proj_weight ? this.in_proj_weight.split(e, 0) : [this.q_proj_weight!, this.k_proj_weight!, this.v_proj_weight!];
    const biases = this.in_proj_bias ? this.in_proj_bias.split(e, 0) : [null, null, null];
    return [query, key, value].map((x, i) => {
      const batchMajor = this.batchFirst ? x : x.transpose(0, 1);
      let y = batchMajor.matmul(weights[i].transpose(0, 1));
      if (biases[i]) y = y.add(biases[i]!);
      const [n, l] = y.shape;
      return y.reshape(n, l, this.numHeads, this.headDim).permute(0, 2, 1, 3);
    }) as [Tensor, Tensor, Tensor];
  }

  /** The combined additive mask `[N, 1|H, L, S]`, or null (the masks are checked already). */
  #mask(n: number, l: number, s: number, masks: AttentionMasks, dtype: Tensor['dtype']): Tensor | null {
    let mask: Tensor | null = null;
    if (masks.keyPaddingMask) mask = additiveMask(masks.keyPaddingMask, dtype).reshape(n, 1, 1, s);
    if (masks.attnMask) {
      const m = masks.attnMask;
      const a = additiveMask(m.rank === 2 ? m.reshape(1, 1, l, s) : m.reshape(n, this.numHeads, l, s), dtype);
      mask = mask ? mask.add(a) : a;
    }
    return mask;
  }

  #merge(out: Tensor): Tensor {
    const [n, , l] = out.shape;
    const y = this.out_proj.call(out.permute(0, 2, 1, 3).reshape(n, l, this.embedDim));
    return this.batchFirst ? y : y.transpose(0, 1);
  }

  #checkInputs(query: Tensor, key: Tensor, value: Tensor, masks: AttentionMasks): void {
    const [b, t] = this.batchFirst ? [0, 1] : [1, 0];
    const ok =
      query.rank === 3 &&
      key.rank === 3 &&
      value.rank === 3 &&
      query.shape[2] === this.embedDim &&
      key.shape[2] === this.kdim &&
      value.shape[2] === this.vdim &&
      key.shape[b] === query.shape[b] &&
      value.shape[b] === query.shape[b] &&
      value.shape[t] === key.shape[t];
    if (!ok) {
      const layout = this.batchFirst ? '[N, L, E]' : '[L, N, E] (batchFirst is false)';
      throw new LayerConfigError(
        `MultiheadAttention(${this.embedDim}) got query ${formatShape(query.shape)}, key ${formatShape(key.shape)}, value ${formatShape(value.shape)}: ` +
          `each is ${layout} with E = ${this.embedDim}, ${this.kdim}, ${this.vdim}, one batch size, and key and value of one length`,
      );
    }
    checkAttentionMasks(masks, { n: query.shape[b], l: query.shape[t], s: key.shape[t], heads: this.numHeads }, query.device);
  }

  /** `embedDim=…, numHeads=…` and the options that differ from PyTorch's defaults. */
  override extraRepr(): string {
    const kv = this.kdim !== this.embedDim || this.vdim !== this.embedDim ? `, kdim=${this.kdim}, vdim=${this.vdim}` : '';
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, batchFirst=${this.batchFirst}${kv}`;
  }

  /** Attention output, shaped like `query`. */
  forward(query: Tensor, key: Tensor, value: Tensor, masks: AttentionMasks = {}): Tensor {
    this.#checkInputs(query, key, value, masks);
    return scope(() => {
      const [q, k, v] = this.#project(query, key, value);
      const mask = this.#mask(q.shape[0], q.shape[2], k.shape[2], masks, q.dtype);
      const out = scaledDotProductAttention(q, k, v, {
        mask,
        causal: masks.isCausal ?? false,
        dropoutP: this.dropout,
        training: this.training,
        generator: this.generator,
      });
      return this.#merge(out);
    });
  }

  /** The output and the attention weights `[N, L, S]` averaged over heads (PyTorch's `need_weights`). */
  forwardWithWeights(query: Tensor, key: Tensor, value: Tensor, masks: AttentionMasks = {}): { output: Tensor; weights: Tensor } {
    this.#checkInputs(query, key, value, masks);
    return scope(() => {
      const [q, k, v] = this.#project(query, key, value);
      const [n, , l] = q.shape;
      const s = k.shape[2];
      let scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(this.headDim));
      const mask = this.#mask(n, l, s, masks, q.dtype);
      if (mask) scores = scores.add(mask);
      // causal aligned bottom-right, as core's attention: query i sees keys up to i + s − l
      if (masks.isCausal)
        scores = scores.add(
          additiveMask(
            ones([l, s], { device: q.device })
              .triu(s - l + 1)
              .cast('bool'),
            q.dtype,
          ),
        );
      // as PyTorch, the weights returned are those applied, dropout included
      const weights = dropout(softmax(scores, -1), this.dropout, this.training, { generator: this.generator });
      return { output: this.#merge(weights.matmul(v)), weights: weights.mean(1) };
    });
  }
}
