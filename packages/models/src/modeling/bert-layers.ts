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
import type { BaseModelOutput, PastKeyValue } from './model-io';
import { LAYER_INIT } from './init-weights';

const opts = { generator: LAYER_INIT };

/** What the embeddings take: `inputIds` or `inputsEmbeds` (one of them). */
export interface EmbeddingInputs {
  inputIds?: Tensor | null;
  /** `[B, L, hidden]` word embeddings to use instead of looking `inputIds` up. */
  inputsEmbeds?: Tensor | null;
  tokenTypeIds?: Tensor | null;
  positionIds?: Tensor | null;
  /** Earlier positions (`pastKeyValues`): default position ids start after them. */
  pastLength?: number;
}

/** `[B, L]` and the device of the embeddings' inputs, checking an `inputsEmbeds` width against `hidden`. */
export function embeddingShape(inputs: EmbeddingInputs, hidden: number): { batch: number; length: number; device: string } {
  const ref = inputs.inputIds ?? inputs.inputsEmbeds;
  if (!ref) throw new ModelInputError('inputIds', 'the embeddings need inputIds or inputsEmbeds');
  if (!inputs.inputIds && ref.shape[2] !== hidden) {
    throw new ModelInputError('inputsEmbeds', `is ${ref.shape[2]} wide, but the model's hidden size is ${hidden}`);
  }
  return { batch: ref.shape[0], length: ref.shape[1], device: ref.device };
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

  /** Position ids `P … P+L-1` after `past` earlier positions (as `[L]`, broadcast over the batch), as transformers' `position_ids[:, past:past + L]`. */
  protected defaultPositions(length: number, past: number, device: string): Tensor {
    if (past + length > this.config.max_position_embeddings) {
      const what = past > 0 ? `${past} earlier positions and the sequence length ${length} exceed` : `the sequence length ${length} exceeds`;
      throw new ModelInputError(
        'inputIds',
        `${what} max_position_embeddings (${this.config.max_position_embeddings}); truncate the inputs (the tokenizer's model_max_length)`,
      );
    }
    return arange(past, past + length, 1, { dtype: 'int32', device });
  }

  forward(inputs: EmbeddingInputs): Tensor {
    const { batch, length, device } = embeddingShape(inputs, this.config.hidden_size);
    return scope(() => {
      const positions = inputs.positionIds ?? this.defaultPositions(length, inputs.pastLength ?? 0, device);
      const types = inputs.tokenTypeIds ?? zeros([batch, length], { dtype: 'int32', device });
      const words = inputs.inputsEmbeds ?? this.word_embeddings.call(inputs.inputIds as Tensor);
      const sum = words.add(this.token_type_embeddings.call(types)).add(this.position_embeddings.call(positions));
      return this.dropout.call(this.LayerNorm.call(sum));
    });
  }
}

/** Query, key and value projections and the attention itself (`attention.self`); `past` keys and values are attended to first. */
export class BertSelfAttention extends Module<[Tensor, Tensor | null, boolean, (PastKeyValue | null)?], { context: Tensor; probs?: Tensor }> {
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

  forward(x: Tensor, mask: Tensor | null, outputAttentions: boolean, past: PastKeyValue | null = null): { context: Tensor; probs?: Tensor } {
    return selfAttention(this.query.call(x), this.key.call(x), this.value.call(x), {
      numHeads: this.config.num_attention_heads,
      mask,
      dropoutP: this.config.attention_probs_dropout_prob,
      training: this.training,
      outputAttentions,
      past,
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
export class BertAttention extends Module<[Tensor, Tensor | null, boolean, (PastKeyValue | null)?], { output: Tensor; probs?: Tensor }> {
  self: BertSelfAttention;
  output: BertResidualOutput;

  constructor(config: BertConfig) {
    super();
    this.self = new BertSelfAttention(config);
    this.output = new BertResidualOutput(config, config.hidden_size);
  }

  forward(x: Tensor, mask: Tensor | null, outputAttentions: boolean, past: PastKeyValue | null = null): { output: Tensor; probs?: Tensor } {
    return scope(() => {
      const { context, probs } = this.self.call(x, mask, outputAttentions, past);
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

/** One transformer layer: attention (to `past` keys and values too, when given), then the feed-forward block. */
export class BertLayer extends Module<[Tensor, Tensor | null, boolean, (PastKeyValue | null)?], { hidden: Tensor; probs?: Tensor }> {
  attention: BertAttention;
  intermediate: BertIntermediate;
  output: BertResidualOutput;

  constructor(config: BertConfig) {
    super();
    this.attention = new BertAttention(config);
    this.intermediate = new BertIntermediate(config);
    this.output = new BertResidualOutput(config, config.intermediate_size);
  }

  forward(x: Tensor, mask: Tensor | null, outputAttentions: boolean, past: PastKeyValue | null = null): { hidden: Tensor; probs?: Tensor } {
    return scope(() => {
      const { output, probs } = this.attention.call(x, mask, outputAttentions, past);
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

/** What the encoder's layers are asked for besides the hidden states: extra outputs, and earlier positions' keys and values per layer. */
export interface EncoderOptions {
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
  /** One `[key, value]` pair per layer (checked by the model). */
  pastKeyValues?: readonly PastKeyValue[] | null;
}

/** `encoder.layer.0 … N-1`. */
export class BertEncoder extends Module<[Tensor, Tensor | null, EncoderOptions], EncoderOutput> {
  layer: BertLayer[];

  constructor(config: BertConfig) {
    super();
    this.layer = Array.from({ length: config.num_hidden_layers }, () => new BertLayer(config));
  }

  forward(x: Tensor, mask: Tensor | null, o: EncoderOptions): EncoderOutput {
    return scope(() => {
      const hiddenStates = o.outputHiddenStates ? [x] : undefined;
      const attentions: Tensor[] | undefined = o.outputAttentions ? [] : undefined;
      let h = x;
      for (const [i, layer] of this.layer.entries()) {
        const out = layer.call(h, mask, !!attentions, o.pastKeyValues?.[i] ?? null);
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
