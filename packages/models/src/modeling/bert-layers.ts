/**
 * BERT's layers with transformers' module names, so parameter paths are checkpoint keys:
 * `embeddings.{word,position,token_type}_embeddings`, `embeddings.LayerNorm`,
 * `encoder.layer.N.attention.self.{query,key,value}`, `attention.output.{dense,LayerNorm}`,
 * `intermediate.dense`, `output.{dense,LayerNorm}`, `pooler.dense`. RoBERTa's encoder and pooler
 * are these same classes; only its embeddings differ (roberta.ts).
 */
import { arange, scope, type Tensor, zeros } from '@graft/core';
import { Dropout, Embedding, LayerNorm, Linear, Module } from '@graft/nn';
import type { BertConfig } from '../config/bert-config';
import { ModelInputError } from '../errors';
import { type Activation, activation } from './activations';
import { selfAttention } from './attention';
import type { BaseModelOutput } from './model-io';
import { LAYER_INIT } from './init-weights';

const opts = { generator: LAYER_INIT };

/** What the embeddings take. */
export interface EmbeddingInputs {
  inputIds: Tensor;
  tokenTypeIds?: Tensor | null;
  positionIds?: Tensor | null;
}

/** Word + position + token-type embeddings, then LayerNorm and dropout. */
export class BertEmbeddings extends Module<[EmbeddingInputs], Tensor> {
  word_embeddings: Embedding;
  position_embeddings: Embedding;
  token_type_embeddings: Embedding;
  LayerNorm: LayerNorm;
  dropout: Dropout;

  constructor(readonly config: BertConfig) {
    super();
    const h = config.hidden_size;
    this.word_embeddings = new Embedding(config.vocab_size, h, { ...opts, paddingIdx: config.pad_token_id });
    this.position_embeddings = new Embedding(config.max_position_embeddings, h, opts);
    this.token_type_embeddings = new Embedding(config.type_vocab_size, h, opts);
    this.LayerNorm = new LayerNorm(h, { eps: config.layer_norm_eps, ...opts });
    this.dropout = new Dropout(config.hidden_dropout_prob);
  }

  /** Position ids `0 … L-1` (as `[L]`, broadcast over the batch). */
  protected defaultPositions(ids: Tensor): Tensor {
    const l = ids.shape[1];
    if (l > this.config.max_position_embeddings) {
      throw new ModelInputError(
        'inputIds',
        `the sequence length ${l} exceeds max_position_embeddings (${this.config.max_position_embeddings}); truncate the inputs (the tokenizer's model_max_length)`,
      );
    }
    return arange(l, undefined, 1, { dtype: 'int32', device: ids.device });
  }

  forward({ inputIds, tokenTypeIds, positionIds }: EmbeddingInputs): Tensor {
    return scope(() => {
      const positions = positionIds ?? this.defaultPositions(inputIds);
      const types = tokenTypeIds ?? zeros(inputIds.shape, { dtype: 'int32', device: inputIds.device });
      const sum = this.word_embeddings.call(inputIds).add(this.token_type_embeddings.call(types)).add(this.position_embeddings.call(positions));
      return this.dropout.call(this.LayerNorm.call(sum));
    });
  }
}

/** Query, key and value projections and the attention itself (`attention.self`). */
export class BertSelfAttention extends Module<[Tensor, Tensor | null, boolean], { context: Tensor; probs?: Tensor }> {
  query: Linear;
  key: Linear;
  value: Linear;

  constructor(readonly config: BertConfig) {
    super();
    const h = config.hidden_size;
    this.query = new Linear(h, h, opts);
    this.key = new Linear(h, h, opts);
    this.value = new Linear(h, h, opts);
  }

  forward(x: Tensor, mask: Tensor | null, outputAttentions: boolean): { context: Tensor; probs?: Tensor } {
    return selfAttention(this.query.call(x), this.key.call(x), this.value.call(x), {
      numHeads: this.config.num_attention_heads,
      mask,
      dropoutP: this.config.attention_probs_dropout_prob,
      training: this.training,
      outputAttentions,
    });
  }
}

/** `LayerNorm(dropout(dense(x)) + residual)`: BERT's `SelfOutput` and `Output`. */
export class BertResidualOutput extends Module<[Tensor, Tensor], Tensor> {
  dense: Linear;
  LayerNorm: LayerNorm;
  dropout: Dropout;

  constructor(config: BertConfig, inFeatures: number) {
    super();
    this.dense = new Linear(inFeatures, config.hidden_size, opts);
    this.LayerNorm = new LayerNorm(config.hidden_size, { eps: config.layer_norm_eps, ...opts });
    this.dropout = new Dropout(config.hidden_dropout_prob);
  }

  forward(x: Tensor, residual: Tensor): Tensor {
    return scope(() => this.LayerNorm.call(this.dropout.call(this.dense.call(x)).add(residual)));
  }
}

/** `attention.self` and `attention.output`. */
export class BertAttention extends Module<[Tensor, Tensor | null, boolean], { output: Tensor; probs?: Tensor }> {
  self: BertSelfAttention;
  output: BertResidualOutput;

  constructor(config: BertConfig) {
    super();
    this.self = new BertSelfAttention(config);
    this.output = new BertResidualOutput(config, config.hidden_size);
  }

  forward(x: Tensor, mask: Tensor | null, outputAttentions: boolean): { output: Tensor; probs?: Tensor } {
    return scope(() => {
      const { context, probs } = this.self.call(x, mask, outputAttentions);
      const output = this.output.call(context, x);
      return probs ? { output, probs } : { output };
    });
  }
}

/** `intermediate.dense` and the activation `hidden_act`. */
export class BertIntermediate extends Module {
  dense: Linear;
  readonly act: Activation;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hidden_size, config.intermediate_size, opts);
    this.act = activation(config.hidden_act);
  }

  forward(x: Tensor): Tensor {
    return scope(() => this.act(this.dense.call(x)));
  }
}

/** One transformer layer: attention, then the feed-forward block. */
export class BertLayer extends Module<[Tensor, Tensor | null, boolean], { hidden: Tensor; probs?: Tensor }> {
  attention: BertAttention;
  intermediate: BertIntermediate;
  output: BertResidualOutput;

  constructor(config: BertConfig) {
    super();
    this.attention = new BertAttention(config);
    this.intermediate = new BertIntermediate(config);
    this.output = new BertResidualOutput(config, config.intermediate_size);
  }

  forward(x: Tensor, mask: Tensor | null, outputAttentions: boolean): { hidden: Tensor; probs?: Tensor } {
    return scope(() => {
      const { output, probs } = this.attention.call(x, mask, outputAttentions);
      const hidden = this.output.call(this.intermediate.call(output), output);
      return probs ? { hidden, probs } : { hidden };
    });
  }
}

/** What the encoder returns. */
export interface EncoderOutput {
  lastHiddenState: Tensor;
  hiddenStates?: Tensor[];
  attentions?: Tensor[];
}

/** `encoder.layer.0 … N-1`. */
export class BertEncoder extends Module<[Tensor, Tensor | null, { outputHiddenStates?: boolean; outputAttentions?: boolean }], EncoderOutput> {
  layer: BertLayer[];

  constructor(config: BertConfig) {
    super();
    this.layer = Array.from({ length: config.num_hidden_layers }, () => new BertLayer(config));
  }

  forward(x: Tensor, mask: Tensor | null, o: { outputHiddenStates?: boolean; outputAttentions?: boolean }): EncoderOutput {
    return scope(() => {
      const hiddenStates = o.outputHiddenStates ? [x] : undefined;
      const attentions: Tensor[] | undefined = o.outputAttentions ? [] : undefined;
      let h = x;
      for (const layer of this.layer) {
        const out = layer.call(h, mask, !!attentions);
        h = out.hidden;
        hiddenStates?.push(h);
        if (attentions && out.probs) attentions.push(out.probs);
      }
      return { lastHiddenState: h, ...(hiddenStates ? { hiddenStates } : {}), ...(attentions ? { attentions } : {}) };
    });
  }
}

/** `tanh(dense(first token))`: the sentence vector the sequence classifier reads. */
export class BertPooler extends Module {
  dense: Linear;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hidden_size, config.hidden_size, opts);
  }

  forward(hidden: Tensor): Tensor {
    return scope(() => this.dense.call(hidden.narrow(1, 0, 1).squeeze(1)).tanh());
  }
}

/** A base model's output with the encoder's extras. */
export function baseOutput(enc: EncoderOutput, poolerOutput?: Tensor): BaseModelOutput {
  return { ...enc, ...(poolerOutput ? { poolerOutput } : {}) };
}
