/**
 * Transformer encoder and decoder layers and stacks with PyTorch's structure and parameter names
 * (`self_attn`, `linear1`, `norm1`, …; stacks as `layers.<i>`), post-norm by default and
 * pre-norm with `normFirst`, so `nn.TransformerEncoder` checkpoints load as they are.
 */
import { gelu, scope, type Tensor } from '@graft/core';
import { Module } from '../module/module';
import { Dropout } from './dropout';
import type { FactoryOptions } from './factory';
import { Linear } from './linear';
import { type AttentionMasks, MultiheadAttention } from './attention';
import { checkAttentionMasks, type MaskNames } from './attention-masks';
import { LayerNorm } from './normalization';

/** Options shared by the encoder and decoder layers (PyTorch's defaults). */
export interface TransformerLayerOptions extends FactoryOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: 'relu' | 'gelu';
  layerNormEps?: number;
  batchFirst?: boolean;
  /** Pre-norm (norm → sublayer → residual) instead of post-norm (default false). */
  normFirst?: boolean;
  bias?: boolean;
}

/** Masks of an encoder layer, in MultiheadAttention's conventions (`AttentionMasks`: bool or float, never integer). */
export interface EncoderMasks {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/** Masks of a decoder layer, in MultiheadAttention's conventions (`AttentionMasks`: bool or float, never integer). */
export interface DecoderMasks {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
}

// mask errors name the argument the caller passed
const ENCODER_NAMES: MaskNames = { keyPaddingMask: 'srcKeyPaddingMask', attnMask: 'srcMask', isCausal: 'isCausal' };
const DECODER_SELF_NAMES: MaskNames = { keyPaddingMask: 'tgtKeyPaddingMask', attnMask: 'tgtMask', isCausal: 'tgtIsCausal' };
const DECODER_CROSS_NAMES: MaskNames = { keyPaddingMask: 'memoryKeyPaddingMask', attnMask: 'memoryMask', isCausal: 'isCausal' };

/** The feed-forward block `linear2(dropout(act(linear1(x))))` and the pieces both layers share. */
abstract class LayerBase<I extends unknown[]> extends Module<I, Tensor> {
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  readonly activation: 'relu' | 'gelu';

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    opts: TransformerLayerOptions,
  ) {
    super();
    const ff = opts.dimFeedforward ?? 2048;
    this.linear1 = new Linear(dModel, ff, opts);
    this.dropout = new Dropout(opts.dropout ?? 0.1, opts);
    this.linear2 = new Linear(ff, dModel, opts);
    this.normFirst = opts.normFirst ?? false;
    this.batchFirst = opts.batchFirst ?? false;
    this.activation = opts.activation ?? 'relu';
  }

  /** The feed-forward block `linear2(dropout(activation(linear1(x))))`, without residual or norm. */
  protected feedForward(x: Tensor): Tensor {
    const h = this.linear1.call(x);
    return this.linear2.call(this.dropout.call(this.activation === 'relu' ? h.relu() : gelu(h)));
  }

  /**
   * Checks the masks of one attention block under the names the caller used (`srcKeyPaddingMask`,
   * not the inner `keyPaddingMask`); inputs of the wrong rank are left to MultiheadAttention.
   * @internal
   */
  protected checkMasks(x: Tensor, kv: Tensor, masks: AttentionMasks, names: MaskNames): void {
    if (x.rank !== 3 || kv.rank !== 3) return;
    const [b, t] = this.batchFirst ? [0, 1] : [1, 0];
    checkAttentionMasks(masks, { n: x.shape[b], l: x.shape[t], s: kv.shape[t], heads: this.nhead }, x.device, names);
  }

  /** `dModel=…, nhead=…` and the layout. */
  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, batchFirst=${this.batchFirst}, normFirst=${this.normFirst}`;
  }

  /** @internal the options each MultiheadAttention block is built with (PyTorch's dropout and bias defaults) */
  protected attentionOptions(opts: TransformerLayerOptions) {
    return { ...opts, dropout: opts.dropout ?? 0.1, batchFirst: this.batchFirst, bias: opts.bias ?? true };
  }
}

/** Self-attention then feed-forward, each with a residual and a LayerNorm. */
export class TransformerEncoderLayer extends LayerBase<[Tensor, EncoderMasks?]> {
  self_attn: MultiheadAttention;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super(dModel, nhead, opts);
    this.self_attn = new MultiheadAttention(dModel, nhead, this.attentionOptions(opts));
    const normOpts = { ...opts, eps: opts.layerNormEps ?? 1e-5, bias: opts.bias ?? true };
    this.norm1 = new LayerNorm(dModel, normOpts);
    this.norm2 = new LayerNorm(dModel, normOpts);
    this.dropout1 = new Dropout(opts.dropout ?? 0.1, opts);
    this.dropout2 = new Dropout(opts.dropout ?? 0.1, opts);
  }

  #selfAttention(x: Tensor, m: EncoderMasks): Tensor {
    const masks: AttentionMasks = { attnMask: m.srcMask, keyPaddingMask: m.srcKeyPaddingMask, isCausal: m.isCausal };
    return this.dropout1.call(this.self_attn.call(x, x, x, masks));
  }

  forward(src: Tensor, masks: EncoderMasks = {}): Tensor {
    this.checkMasks(src, src, { keyPaddingMask: masks.srcKeyPaddingMask, attnMask: masks.srcMask, isCausal: masks.isCausal }, ENCODER_NAMES);
    return scope(() => {
      let x = src;
      if (this.normFirst) {
        x = x.add(this.#selfAttention(this.norm1.call(x), masks));
        return x.add(this.dropout2.call(this.feedForward(this.norm2.call(x))));
      }
      x = this.norm1.call(x.add(this.#selfAttention(x, masks)));
      return this.norm2.call(x.add(this.dropout2.call(this.feedForward(x))));
    });
  }
}

/** Self-attention, cross-attention over the encoder memory, then feed-forward. */
export class TransformerDecoderLayer extends LayerBase<[Tensor, Tensor, DecoderMasks?]> {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super(dModel, nhead, opts);
    this.self_attn = new MultiheadAttention(dModel, nhead, this.attentionOptions(opts));
    this.multihead_attn = new MultiheadAttention(dModel, nhead, this.attentionOptions(opts));
    const normOpts = { ...opts, eps: opts.layerNormEps ?? 1e-5, bias: opts.bias ?? true };
    this.norm1 = new LayerNorm(dModel, normOpts);
    this.norm2 = new LayerNorm(dModel, normOpts);
    this.norm3 = new LayerNorm(dModel, normOpts);
    this.dropout1 = new Dropout(opts.dropout ?? 0.1, opts);
    this.dropout2 = new Dropout(opts.dropout ?? 0.1, opts);
    this.dropout3 = new Dropout(opts.dropout ?? 0.1, opts);
  }

  #selfAttention(x: Tensor, m: DecoderMasks): Tensor {
    return this.dropout1.call(this.self_attn.call(x, x, x, { attnMask: m.tgtMask, keyPaddingMask: m.tgtKeyPaddingMask, isCausal: m.tgtIsCausal }));
  }

  #crossAttention(x: Tensor, memory: Tensor, m: DecoderMasks): Tensor {
    return this.dropout2.call(this.multihead_attn.call(x, memory, memory, { attnMask: m.memoryMask, keyPaddingMask: m.memoryKeyPaddingMask }));
  }

  forward(tgt: Tensor, memory: Tensor, masks: DecoderMasks = {}): Tensor {
    this.checkMasks(tgt, tgt, { keyPaddingMask: masks.tgtKeyPaddingMask, attnMask: masks.tgtMask, isCausal: masks.tgtIsCausal }, DECODER_SELF_NAMES);
    this.checkMasks(tgt, memory, { keyPaddingMask: masks.memoryKeyPaddingMask, attnMask: masks.memoryMask }, DECODER_CROSS_NAMES);
    return scope(() => {
      let x = tgt;
      if (this.normFirst) {
        x = x.add(this.#selfAttention(this.norm1.call(x), masks));
        x = x.add(this.#crossAttention(this.norm2.call(x), memory, masks));
        return x.add(this.dropout3.call(this.feedForward(this.norm3.call(x))));
      }
      x = this.norm1.call(x.add(this.#selfAttention(x, masks)));
      x = this.norm2.call(x.add(this.#crossAttention(x, memory, masks)));
      return this.norm3.call(x.add(this.dropout3.call(this.feedForward(x))));
    });
  }
}

/** `numLayers` encoder layers (each built by `makeLayer`) and an optional final norm. */
export class TransformerEncoder extends Module<[Tensor, EncoderMasks?], Tensor> {
  layers: TransformerEncoderLayer[];
  norm: LayerNorm | null;

  constructor(makeLayer: (index: number) => TransformerEncoderLayer, numLayers: number, opts: { norm?: LayerNorm | null } = {}) {
    super();
    this.layers = Array.from({ length: numLayers }, (_, i) => makeLayer(i));
    this.norm = opts.norm ?? null;
  }

  forward(src: Tensor, masks: EncoderMasks = {}): Tensor {
    return scope(() => {
      let x = src;
      for (const layer of this.layers) x = layer.call(x, masks);
      return this.norm ? this.norm.call(x) : x;
    });
  }
}

/** `numLayers` decoder layers (each built by `makeLayer`) and an optional final norm. */
export class TransformerDecoder extends Module<[Tensor, Tensor, DecoderMasks?], Tensor> {
  layers: TransformerDecoderLayer[];
  norm: LayerNorm | null;

  constructor(makeLayer: (index: number) => TransformerDecoderLayer, numLayers: number, opts: { norm?: LayerNorm | null } = {}) {
    super();
    this.layers = Array.from({ length: numLayers }, (_, i) => makeLayer(i));
    this.norm = opts.norm ?? null;
  }

  forward(tgt: Tensor, memory: Tensor, masks: DecoderMasks = {}): Tensor {
    return scope(() => {
      let x = tgt;
      for (const layer of this.layers) x = layer.call(x, memory, masks);
      return this.norm ? this.norm.call(x) : x;
    });
  }
}
