/**
 * BertModel and its task models, as transformers defines them: the base model under the field
 * `bert` (so keys start `bert.`), a pooler only where the head reads it (sequence
 * classification; `BertModel` itself), and heads named as in transformers (`classifier`,
 * `cls.predictions.*`, `qa_outputs`).
 */
import { scope, type Tensor, zeros } from '@graft/core';
import { Dropout, LayerNorm, Linear, Module, Parameter } from '@graft/nn';
import { BertConfig } from '../config/bert-config';
import { type Activation, activation } from './activations';
import { additiveAttentionMask } from './attention';
import { BertEmbeddings, BertEncoder, BertPooler, baseOutput } from './bert-layers';
import { LAYER_INIT } from './init-weights';
import { sequenceClassificationLoss, spanLoss, tokenLoss } from './losses';
import { type BaseModelOutput, checkInputs, checkPastShape, type ModelInputs, type ModelOutput, pastLength } from './model-io';
import { type ModelOptions, PreTrainedModel } from './pretrained-model';

const layerOpts = { generator: LAYER_INIT };

/** Options of BertModel (transformers' `add_pooling_layer`). */
export interface BertModelOptions extends ModelOptions {
  /** Build the pooler (default true). Task heads that do not read it leave it out, as transformers does. */
  addPoolingLayer?: boolean;
}

/** The BERT encoder: embeddings, layers and (optionally) the pooler. Keys have no prefix (`embeddings.…`). */
export class BertModel extends PreTrainedModel<BertConfig, BaseModelOutput> {
  static override readonly architecture: string = 'BertModel';
  static override readonly baseModelPrefix: string = 'bert';
  static override readonly configClass = BertConfig;

  embeddings: BertEmbeddings;
  encoder: BertEncoder;
  pooler: BertPooler | null;

  constructor(config: BertConfig, opts: BertModelOptions = {}) {
    super(config);
    this.embeddings = this.makeEmbeddings(config);
    this.encoder = new BertEncoder(config);
    this.pooler = (opts.addPoolingLayer ?? true) ? new BertPooler(config) : null;
    this.postInit(opts);
  }

  /** The embeddings module (RoBERTa builds its own). */
  protected makeEmbeddings(config: BertConfig): BertEmbeddings {
    return new BertEmbeddings(config);
  }

  forward(inputs: ModelInputs): BaseModelOutput {
    checkInputs(inputs, this.architecture);
    const c = this.config;
    checkPastShape(inputs.pastKeyValues, { numLayers: c.num_hidden_layers, numHeads: c.num_attention_heads, headDim: c.hidden_size / c.num_attention_heads });
    return scope(() => {
      const hidden = this.embeddings.call({
        inputIds: inputs.inputIds,
        inputsEmbeds: inputs.inputsEmbeds,
        tokenTypeIds: inputs.tokenTypeIds,
        positionIds: inputs.positionIds,
        pastLength: pastLength(inputs.pastKeyValues),
      });
      const mask = additiveAttentionMask(inputs.attentionMask, hidden.dtype);
      const enc = this.encoder.call(hidden, mask, inputs);
      return baseOutput(enc, this.pooler?.call(enc.lastHiddenState));
    });
  }
}

/** A sentence classifier: pooler → dropout → `classifier` (`[B, num_labels]` logits). */
export class BertForSequenceClassification extends PreTrainedModel<BertConfig> {
  static override readonly architecture: string = 'BertForSequenceClassification';
  static override readonly task = 'sequence-classification' as const;
  static override readonly baseModelPrefix: string = 'bert';
  static override readonly configClass = BertConfig;

  bert: BertModel;
  dropout: Dropout;
  classifier: Linear;

  constructor(config: BertConfig, opts: ModelOptions = {}) {
    super(config);
    this.bert = new BertModel(config, { init: false });
    this.dropout = new Dropout(config.classifier_dropout ?? config.hidden_dropout_prob);
    this.classifier = new Linear(config.hidden_size, config.num_labels, layerOpts);
    this.postInit(opts);
  }

  forward(inputs: ModelInputs): ModelOutput {
    return scope(() => {
      const out = this.bert.call(inputs);
      const logits = this.classifier.call(this.dropout.call(out.poolerOutput!));
      const loss = inputs.labels ? sequenceClassificationLoss(this.config, logits, inputs.labels) : undefined;
      return withLoss(loss, { logits, ...out, poolerOutput: undefined });
    });
  }
}

/** `dense → activation → LayerNorm`, the transform before the MLM decoder (`cls.predictions.transform`). */
export class BertPredictionHeadTransform extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  readonly act: Activation;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hidden_size, config.hidden_size, layerOpts);
    this.act = activation(config.hidden_act);
    this.LayerNorm = new LayerNorm(config.hidden_size, { eps: config.layer_norm_eps, ...layerOpts });
  }

  forward(x: Tensor): Tensor {
    return scope(() => this.LayerNorm.call(this.act(this.dense.call(x))));
  }
}

/** `cls.predictions`: the transform, the decoder (tied to the word embeddings) and the output bias. */
export class BertLMPredictionHead extends Module {
  transform: BertPredictionHeadTransform;
  decoder: Linear;
  bias: Parameter;

  constructor(config: BertConfig, wordEmbeddings: Parameter | null) {
    super();
    this.transform = new BertPredictionHeadTransform(config);
    this.decoder = tiedDecoder(config.hidden_size, config.vocab_size, wordEmbeddings);
    this.bias = scope(() => new Parameter(zeros([config.vocab_size])));
    this.decoder.bias = this.bias;
  }

  forward(x: Tensor): Tensor {
    return scope(() => this.decoder.call(this.transform.call(x)));
  }
}

/**
 * A `Linear(inFeatures → outFeatures)` whose weight is `tied` when given (the word embeddings,
 * `[vocab, hidden]`, which is a decoder's `[out, in]` layout already), with no bias of its own.
 */
export function tiedDecoder(inFeatures: number, outFeatures: number, tied: Parameter | null): Linear {
  const decoder = new Linear(inFeatures, outFeatures, { ...layerOpts, bias: false });
  if (tied) {
    decoder.weight.dispose();
    decoder.weight = tied;
  }
  return decoder;
}

/** `cls` (transformers' BertOnlyMLMHead). */
export class BertOnlyMLMHead extends Module {
  predictions: BertLMPredictionHead;

  constructor(config: BertConfig, wordEmbeddings: Parameter | null) {
    super();
    this.predictions = new BertLMPredictionHead(config, wordEmbeddings);
  }

  forward(x: Tensor): Tensor {
    return this.predictions.call(x);
  }
}

/** Masked language modelling: `[B, L, vocab]` logits; the decoder shares the word embeddings unless `tie_word_embeddings` is false. */
export class BertForMaskedLM extends PreTrainedModel<BertConfig> {
  static override readonly architecture: string = 'BertForMaskedLM';
  static override readonly task = 'masked-lm' as const;
  static override readonly baseModelPrefix: string = 'bert';
  static override readonly configClass = BertConfig;

  bert: BertModel;
  cls: BertOnlyMLMHead;

  constructor(config: BertConfig, opts: ModelOptions = {}) {
    super(config);
    this.bert = new BertModel(config, { init: false, addPoolingLayer: false });
    this.cls = new BertOnlyMLMHead(config, config.tie_word_embeddings ? this.bert.embeddings.word_embeddings.weight : null);
    this.postInit(opts);
  }

  override tiedWeights(): Record<string, string> {
    const tied: Record<string, string> = { 'cls.predictions.decoder.bias': 'cls.predictions.bias' };
    if (this.config.tie_word_embeddings) tied['cls.predictions.decoder.weight'] = 'bert.embeddings.word_embeddings.weight';
    return tied;
  }

  forward(inputs: ModelInputs): ModelOutput {
    return scope(() => {
      const out = this.bert.call(inputs);
      const logits = this.cls.call(out.lastHiddenState);
      const loss = inputs.labels ? tokenLoss(logits, inputs.labels) : undefined;
      return withLoss(loss, { logits, ...out });
    });
  }
}

/** Token classification (NER, POS): dropout → `classifier` on every position, `[B, L, num_labels]`. */
export class BertForTokenClassification extends PreTrainedModel<BertConfig> {
  static override readonly architecture: string = 'BertForTokenClassification';
  static override readonly task = 'token-classification' as const;
  static override readonly baseModelPrefix: string = 'bert';
  static override readonly configClass = BertConfig;

  bert: BertModel;
  dropout: Dropout;
  classifier: Linear;

  constructor(config: BertConfig, opts: ModelOptions = {}) {
    super(config);
    this.bert = new BertModel(config, { init: false, addPoolingLayer: false });
    this.dropout = new Dropout(config.classifier_dropout ?? config.hidden_dropout_prob);
    this.classifier = new Linear(config.hidden_size, config.num_labels, layerOpts);
    this.postInit(opts);
  }

  forward(inputs: ModelInputs): ModelOutput {
    return scope(() => {
      const out = this.bert.call(inputs);
      const logits = this.classifier.call(this.dropout.call(out.lastHiddenState));
      const loss = inputs.labels ? tokenLoss(logits, inputs.labels) : undefined;
      return withLoss(loss, { logits, ...out });
    });
  }
}

/** What question answering returns: `logits` `[B, L, 2]` and its two halves. */
export interface QuestionAnsweringOutput extends ModelOutput {
  startLogits: Tensor;
  endLogits: Tensor;
}

/** Extractive question answering: `qa_outputs` gives a start and an end logit per token. */
export class BertForQuestionAnswering extends PreTrainedModel<BertConfig, QuestionAnsweringOutput> {
  static override readonly architecture: string = 'BertForQuestionAnswering';
  static override readonly task = 'question-answering' as const;
  static override readonly baseModelPrefix: string = 'bert';
  static override readonly configClass = BertConfig;

  bert: BertModel;
  qa_outputs: Linear;

  constructor(config: BertConfig, opts: ModelOptions = {}) {
    super(config);
    this.bert = new BertModel(config, { init: false, addPoolingLayer: false });
    this.qa_outputs = new Linear(config.hidden_size, config.num_labels, layerOpts);
    this.postInit(opts);
  }

  forward(inputs: ModelInputs): QuestionAnsweringOutput {
    return scope(() => {
      const out = this.bert.call(inputs);
      const logits = this.qa_outputs.call(out.lastHiddenState);
      const [startLogits, endLogits] = logits.split(1, -1).map((t) => t.squeeze(-1));
      const { startPositions, endPositions } = inputs;
      const loss = startPositions && endPositions ? spanLoss(startLogits, endLogits, startPositions, endPositions) : undefined;
      return withLoss(loss, { logits, startLogits, endLogits, ...out });
    });
  }
}

/** `out` with `loss` set when there is one (absent, not undefined, otherwise). */
export function withLoss<T extends object>(loss: Tensor | undefined, out: T): T & { loss?: Tensor } {
  const clean = Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as T;
  return loss ? { loss, ...clean } : clean;
}
