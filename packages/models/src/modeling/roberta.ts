/**
 * RoBERTa: BERT's encoder with its own embeddings and heads. Positions are numbered from the
 * padding id: a real token at index i gets `pad_token_id + 1 + (real tokens before it)`, padding
 * gets `pad_token_id` (whose embedding row is the padding row). transformers derives this from
 * `input_ids != pad_token_id`, not from the attention mask, and so does this file. The count is
 * a matmul with an upper-triangular ones matrix (exact in float32 up to 2^24 tokens), so it runs
 * on any device without reading the ids back.
 */
import { arange, gelu, ones, scope, type Tensor, zeros } from '@graft/core';
import { Dropout, Embedding, LayerNorm, Linear, Module, Parameter } from '@graft/nn';
import { RobertaConfig } from '../config/bert-config';
import { ModelInputError } from '../errors';
import { BertEmbeddings, type EmbeddingInputs, embeddingShape } from './bert-layers';
import { BertModel, type BertModelOptions, tiedDecoder, withLoss } from './bert';
import { LAYER_INIT } from './init-weights';
import { sequenceClassificationLoss, tokenLoss } from './losses';
import type { ModelInputs, ModelOutput } from './model-io';
import { type ModelOptions, PreTrainedModel } from './pretrained-model';

const layerOpts = { generator: LAYER_INIT };

/**
 * RoBERTa's position ids for `inputIds` `[B, L]`: `padding_idx + (cumsum(mask) + past)·mask`
 * with `mask = inputIds != padding_idx` (transformers' `create_position_ids_from_input_ids`,
 * `past` being the number of earlier positions in `pastKeyValues`).
 */
export function positionIdsFromInputIds(inputIds: Tensor, paddingIdx: number, past = 0): Tensor {
  return scope(() => {
    const l = inputIds.shape[1];
    const mask = inputIds.ne(paddingIdx).cast('float32');
    const upper = ones([l, l], { device: inputIds.device }).triu();
    const counts = mask.matmul(upper);
    return (past > 0 ? counts.add(past) : counts).mul(mask).add(paddingIdx).cast('int32');
  });
}

/** BERT's embeddings with position embeddings that skip padding (`padding_idx` = `pad_token_id`). */
export class RobertaEmbeddings extends BertEmbeddings {
  constructor(override readonly config: RobertaConfig) {
    super(config);
    const pad = config.pad_token_id!;
    this.position_embeddings.dispose();
    this.position_embeddings = new Embedding(config.max_position_embeddings, config.hidden_size, { ...layerOpts, paddingIdx: pad });
  }

  override forward(inputs: EmbeddingInputs): Tensor {
    if (inputs.positionIds) return super.forward(inputs);
    const pad = this.config.pad_token_id!;
    const { length, device } = embeddingShape(inputs, this.config.hidden_size);
    // embeddings given directly have no padding to skip: transformers numbers them pad+1 … pad+L, whatever the past
    const past = inputs.inputIds ? (inputs.pastLength ?? 0) : 0;
    const limit = this.config.max_position_embeddings - pad - 1;
    if (past + length > limit) {
      const what = past > 0 ? `${past} earlier positions and the sequence length ${length} exceed` : `the sequence length ${length} exceeds`;
      throw new ModelInputError(
        'inputIds',
        `${what} what RoBERTa's positions allow (max_position_embeddings ${this.config.max_position_embeddings} − pad_token_id − 1 = ${limit}); truncate the inputs`,
      );
    }
    const positions = () =>
      inputs.inputIds ? positionIdsFromInputIds(inputs.inputIds, pad, past) : arange(pad + 1, pad + 1 + length, 1, { dtype: 'int32', device });
    return scope(() => super.forward({ ...inputs, positionIds: positions() }));
  }
}

/** The RoBERTa encoder (keys `embeddings.…`, `encoder.…`, `pooler.…`). */
export class RobertaModel extends BertModel {
  static override readonly architecture: string = 'RobertaModel';
  static override readonly baseModelPrefix: string = 'roberta';
  static override readonly configClass = RobertaConfig;

  constructor(config: RobertaConfig, opts: BertModelOptions = {}) {
    super(config, opts);
  }

  protected override makeEmbeddings(config: RobertaConfig): BertEmbeddings {
    return new RobertaEmbeddings(config);
  }
}

/** `classifier`: dropout → dense → tanh → dropout → out_proj, on the first token (`<s>`). */
export class RobertaClassificationHead extends Module {
  dense: Linear;
  dropout: Dropout;
  out_proj: Linear;

  constructor(config: RobertaConfig) {
    super();
    this.dense = new Linear(config.hidden_size, config.hidden_size, layerOpts);
    this.dropout = new Dropout(config.classifier_dropout ?? config.hidden_dropout_prob);
    this.out_proj = new Linear(config.hidden_size, config.num_labels, layerOpts);
  }

  forward(hidden: Tensor): Tensor {
    return scope(() => {
      const first = this.dropout.call(hidden.narrow(1, 0, 1).squeeze(1));
      return this.out_proj.call(this.dropout.call(this.dense.call(first).tanh()));
    });
  }
}

/** A sentence classifier on RoBERTa (no pooler: the head reads `<s>` itself). */
export class RobertaForSequenceClassification extends PreTrainedModel<RobertaConfig> {
  static override readonly architecture: string = 'RobertaForSequenceClassification';
  static override readonly task = 'sequence-classification' as const;
  static override readonly baseModelPrefix: string = 'roberta';
  static override readonly configClass = RobertaConfig;

  roberta: RobertaModel;
  classifier: RobertaClassificationHead;

  constructor(config: RobertaConfig, opts: ModelOptions = {}) {
    super(config);
    this.roberta = new RobertaModel(config, { init: false, addPoolingLayer: false });
    this.classifier = new RobertaClassificationHead(config);
    this.postInit(opts);
  }

  forward(inputs: ModelInputs): ModelOutput {
    return scope(() => {
      const out = this.roberta.call(inputs);
      const logits = this.classifier.call(out.lastHiddenState);
      const loss = inputs.labels ? sequenceClassificationLoss(this.config, logits, inputs.labels) : undefined;
      return withLoss(loss, { logits, ...out });
    });
  }
}

/** `lm_head`: dense → GELU → layer_norm → decoder (tied to the word embeddings) + bias. */
export class RobertaLMHead extends Module {
  dense: Linear;
  layer_norm: LayerNorm;
  decoder: Linear;
  bias: Parameter;

  constructor(config: RobertaConfig, wordEmbeddings: Parameter | null) {
    super();
    this.dense = new Linear(config.hidden_size, config.hidden_size, layerOpts);
    this.layer_norm = new LayerNorm(config.hidden_size, { eps: config.layer_norm_eps, ...layerOpts });
    this.decoder = tiedDecoder(config.hidden_size, config.vocab_size, wordEmbeddings);
    this.bias = scope(() => new Parameter(zeros([config.vocab_size])));
    this.decoder.bias = this.bias;
  }

  forward(x: Tensor): Tensor {
    // transformers' RobertaLMHead uses the exact GELU whatever hidden_act says
    return scope(() => this.decoder.call(this.layer_norm.call(gelu(this.dense.call(x)))));
  }
}

/** Masked language modelling on RoBERTa. */
export class RobertaForMaskedLM extends PreTrainedModel<RobertaConfig> {
  static override readonly architecture: string = 'RobertaForMaskedLM';
  static override readonly task = 'masked-lm' as const;
  static override readonly baseModelPrefix: string = 'roberta';
  static override readonly configClass = RobertaConfig;

  roberta: RobertaModel;
  lm_head: RobertaLMHead;

  constructor(config: RobertaConfig, opts: ModelOptions = {}) {
    super(config);
    this.roberta = new RobertaModel(config, { init: false, addPoolingLayer: false });
    this.lm_head = new RobertaLMHead(config, config.tie_word_embeddings ? this.roberta.embeddings.word_embeddings.weight : null);
    this.postInit(opts);
  }

  override tiedWeights(): Record<string, string> {
    const tied: Record<string, string> = { 'lm_head.decoder.bias': 'lm_head.bias' };
    if (this.config.tie_word_embeddings) tied['lm_head.decoder.weight'] = 'roberta.embeddings.word_embeddings.weight';
    return tied;
  }

  forward(inputs: ModelInputs): ModelOutput {
    return scope(() => {
      const out = this.roberta.call(inputs);
      const logits = this.lm_head.call(out.lastHiddenState);
      const loss = inputs.labels ? tokenLoss(logits, inputs.labels) : undefined;
      return withLoss(loss, { logits, ...out });
    });
  }
}
