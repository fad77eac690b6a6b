/**
 * DistilBERT with transformers' module names: `embeddings.{word,position}_embeddings`,
 * `embeddings.LayerNorm`, `transformer.layer.N.attention.{q,k,v,out}_lin`, `sa_layer_norm`,
 * `ffn.lin1`, `ffn.lin2`, `output_layer_norm`; heads `pre_classifier` + `classifier`, and
 * `vocab_transform`, `vocab_layer_norm`, `vocab_projector` (tied to the word embeddings) for
 * masked LM. No token types, no pooler, post-LayerNorm blocks with eps 1e-12, and no dropout after
 * the attention's output projection (only on the attention weights and after the FFN).
 */
import { arange, noGrad, scope, type Tensor, tensor, zeros } from '@graft/core';
import { Dropout, Embedding, type EmbeddingOptions, LayerNorm, Linear, Module, Parameter } from '@graft/nn';
import { DISTILBERT_LAYER_NORM_EPS, DistilBertConfig } from '../config/distilbert-config';
import { ModelInputError } from '../errors';
import { type Activation, activation } from './activations';
import { additiveAttentionMask, selfAttention } from './attention';
import { tiedDecoder, withLoss } from './bert';
import { type EmbeddingInputs, type EncoderOptions, type EncoderOutput, embeddingShape } from './bert-layers';
import { initParameter, LAYER_INIT } from './init-weights';
import { sequenceClassificationLoss, tokenLoss } from './losses';
import { type BaseModelOutput, checkInputs, checkPastShape, type ModelInputs, type ModelOutput, type PastKeyValue, pastLength } from './model-io';
import { type ModelOptions, PreTrainedModel } from './pretrained-model';

const layerOpts = { generator: LAYER_INIT };
const eps = DISTILBERT_LAYER_NORM_EPS;

/** Fixed sinusoidal position embeddings (`sinusoidal_pos_embds: true`): not trained, refilled by init. */
export class SinusoidalEmbedding extends Embedding {
  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super(numEmbeddings, embeddingDim, opts);
    this.weight.requiresGrad_(false);
  }

  /** transformers' `create_sinusoidal_embeddings`: sin on even features, cos on odd ones. */
  fillSinusoidal(): void {
    const [n, dim] = [this.numEmbeddings, this.embeddingDim];
    const out = new Float32Array(n * dim);
    for (let pos = 0; pos < n; pos++) {
      for (let j = 0; j < dim; j++) {
        const angle = pos / 10000 ** ((2 * Math.floor(j / 2)) / dim);
        out[pos * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
      }
    }
    scope(() => noGrad(() => void this.weight.assign(tensor(out, { shape: [n, dim], device: this.weight.device, dtype: this.weight.dtype }))));
  }
}

/** Word + position embeddings, LayerNorm, dropout (token types are not used). */
export class DistilBertEmbeddings extends Module<[EmbeddingInputs], Tensor> {
  word_embeddings: Embedding;
  position_embeddings: Embedding;
  LayerNorm: LayerNorm;
  dropout: Dropout;

  constructor(readonly config: DistilBertConfig) {
    super();
    this.word_embeddings = new Embedding(config.vocab_size, config.dim, { ...layerOpts, paddingIdx: config.pad_token_id });
    const Positions = config.sinusoidal_pos_embds ? SinusoidalEmbedding : Embedding;
    this.position_embeddings = new Positions(config.max_position_embeddings, config.dim, layerOpts);
    this.LayerNorm = new LayerNorm(config.dim, { eps, ...layerOpts });
    this.dropout = new Dropout(config.dropout);
  }

  forward(inputs: EmbeddingInputs): Tensor {
    const { length: l, device } = embeddingShape(inputs, this.config.dim);
    // transformers' DistilBERT has no past_key_values; Graft's continues positions after them, as BERT does
    const past = inputs.pastLength ?? 0;
    if (!inputs.positionIds && past + l > this.config.max_position_embeddings) {
      const what = past > 0 ? `${past} earlier positions and the sequence length ${l} exceed` : `the sequence length ${l} exceeds`;
      throw new ModelInputError('inputIds', `${what} max_position_embeddings (${this.config.max_position_embeddings}); truncate the inputs`);
    }
    return scope(() => {
      const positions = inputs.positionIds ?? arange(past, past + l, 1, { dtype: 'int32', device });
      const words = inputs.inputsEmbeds ?? this.word_embeddings.call(inputs.inputIds as Tensor);
      return this.dropout.call(this.LayerNorm.call(words.add(this.position_embeddings.call(positions))));
    });
  }
}

/** `attention.{q,k,v,out}_lin` with dropout `attention_dropout` on the weights; `past` keys and values are attended to first. */
export class MultiHeadSelfAttention extends Module<[Tensor, Tensor | null, boolean, (PastKeyValue | null)?], { context: Tensor; probs?: Tensor }> {
  q_lin: Linear;
  k_lin: Linear;
  v_lin: Linear;
  out_lin: Linear;

  constructor(readonly config: DistilBertConfig) {
    super();
    const d = config.dim;
    this.q_lin = new Linear(d, d, layerOpts);
    this.k_lin = new Linear(d, d, layerOpts);
    this.v_lin = new Linear(d, d, layerOpts);
    this.out_lin = new Linear(d, d, layerOpts);
  }

  forward(x: Tensor, mask: Tensor | null, outputAttentions: boolean, past: PastKeyValue | null = null): { context: Tensor; probs?: Tensor } {
    return scope(() => {
      const { context, probs } = selfAttention(this.q_lin.call(x), this.k_lin.call(x), this.v_lin.call(x), {
        numHeads: this.config.n_heads,
        mask,
        dropoutP: this.config.attention_dropout,
        training: this.training,
        outputAttentions,
        past,
      });
      const out = this.out_lin.call(context);
      return probs ? { context: out, probs } : { context: out };
    });
  }
}

/** `ffn`: lin1 → activation → lin2 → dropout. */
export class FFN extends Module {
  lin1: Linear;
  lin2: Linear;
  dropout: Dropout;
  readonly act: Activation;

  constructor(config: DistilBertConfig) {
    super();
    this.lin1 = new Linear(config.dim, config.hidden_dim, layerOpts);
    this.lin2 = new Linear(config.hidden_dim, config.dim, layerOpts);
    this.dropout = new Dropout(config.dropout);
    this.act = activation(config.activation, 'activation');
  }

  forward(x: Tensor): Tensor {
    return scope(() => this.dropout.call(this.lin2.call(this.act(this.lin1.call(x)))));
  }
}

/** One block: attention + `sa_layer_norm`, then the FFN + `output_layer_norm`. */
export class TransformerBlock extends Module<[Tensor, Tensor | null, boolean, (PastKeyValue | null)?], { hidden: Tensor; probs?: Tensor }> {
  attention: MultiHeadSelfAttention;
  sa_layer_norm: LayerNorm;
  ffn: FFN;
  output_layer_norm: LayerNorm;

  constructor(config: DistilBertConfig) {
    super();
    this.attention = new MultiHeadSelfAttention(config);
    this.sa_layer_norm = new LayerNorm(config.dim, { eps, ...layerOpts });
    this.ffn = new FFN(config);
    this.output_layer_norm = new LayerNorm(config.dim, { eps, ...layerOpts });
  }

  forward(x: Tensor, mask: Tensor | null, outputAttentions: boolean, past: PastKeyValue | null = null): { hidden: Tensor; probs?: Tensor } {
    return scope(() => {
      const { context, probs } = this.attention.call(x, mask, outputAttentions, past);
      const sa = this.sa_layer_norm.call(context.add(x));
      const hidden = this.output_layer_norm.call(this.ffn.call(sa).add(sa));
      return probs ? { hidden, probs } : { hidden };
    });
  }
}

/** `transformer.layer.0 … n_layers-1`. */
export class Transformer extends Module<[Tensor, Tensor | null, EncoderOptions], EncoderOutput> {
  layer: TransformerBlock[];

  constructor(config: DistilBertConfig) {
    super();
    this.layer = Array.from({ length: config.n_layers }, () => new TransformerBlock(config));
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

/** What the DistilBERT models share: the config class, the prefix, and sinusoidal position init. */
export abstract class DistilBertPreTrainedModel<O = ModelOutput> extends PreTrainedModel<DistilBertConfig, O> {
  static override readonly baseModelPrefix: string = 'distilbert';
  static override readonly configClass = DistilBertConfig;

  protected override initParameter(...args: Parameters<typeof initParameter>): void {
    const [module] = args;
    if (module instanceof SinusoidalEmbedding) module.fillSinusoidal();
    else initParameter(...args);
  }
}

/** The DistilBERT encoder (keys `embeddings.…`, `transformer.…`). */
export class DistilBertModel extends DistilBertPreTrainedModel<BaseModelOutput> {
  static override readonly architecture: string = 'DistilBertModel';

  embeddings: DistilBertEmbeddings;
  transformer: Transformer;

  constructor(config: DistilBertConfig, opts: ModelOptions = {}) {
    super(config);
    this.embeddings = new DistilBertEmbeddings(config);
    this.transformer = new Transformer(config);
    this.postInit(opts);
  }

  forward(inputs: ModelInputs): BaseModelOutput {
    checkInputs(inputs, this.architecture);
    const c = this.config;
    checkPastShape(inputs.pastKeyValues, { numLayers: c.n_layers, numHeads: c.n_heads, headDim: c.dim / c.n_heads });
    return scope(() => {
      const hidden = this.embeddings.call({
        inputIds: inputs.inputIds,
        inputsEmbeds: inputs.inputsEmbeds,
        positionIds: inputs.positionIds,
        pastLength: pastLength(inputs.pastKeyValues),
      });
      return this.transformer.call(hidden, additiveAttentionMask(inputs.attentionMask, hidden.dtype), inputs);
    });
  }
}

/** A sentence classifier: first token → `pre_classifier` → ReLU → dropout → `classifier`. */
export class DistilBertForSequenceClassification extends DistilBertPreTrainedModel {
  static override readonly architecture: string = 'DistilBertForSequenceClassification';
  static override readonly task = 'sequence-classification' as const;

  distilbert: DistilBertModel;
  pre_classifier: Linear;
  classifier: Linear;
  dropout: Dropout;

  constructor(config: DistilBertConfig, opts: ModelOptions = {}) {
    super(config);
    this.distilbert = new DistilBertModel(config, { init: false });
    this.pre_classifier = new Linear(config.dim, config.dim, layerOpts);
    this.classifier = new Linear(config.dim, config.num_labels, layerOpts);
    this.dropout = new Dropout(config.seq_classif_dropout);
    this.postInit(opts);
  }

  forward(inputs: ModelInputs): ModelOutput {
    return scope(() => {
      const out = this.distilbert.call(inputs);
      const first = out.lastHiddenState.narrow(1, 0, 1).squeeze(1);
      const logits = this.classifier.call(this.dropout.call(this.pre_classifier.call(first).relu()));
      const loss = inputs.labels ? sequenceClassificationLoss(this.config, logits, inputs.labels) : undefined;
      return withLoss(loss, { logits, ...out });
    });
  }
}

/** Masked LM: `vocab_transform` → activation → `vocab_layer_norm` → `vocab_projector` (tied weight, own bias). */
export class DistilBertForMaskedLM extends DistilBertPreTrainedModel {
  static override readonly architecture: string = 'DistilBertForMaskedLM';
  static override readonly task = 'masked-lm' as const;

  distilbert: DistilBertModel;
  vocab_transform: Linear;
  vocab_layer_norm: LayerNorm;
  vocab_projector: Linear;
  readonly act: Activation;

  constructor(config: DistilBertConfig, opts: ModelOptions = {}) {
    super(config);
    this.distilbert = new DistilBertModel(config, { init: false });
    this.vocab_transform = new Linear(config.dim, config.dim, layerOpts);
    this.vocab_layer_norm = new LayerNorm(config.dim, { eps, ...layerOpts });
    const tied: Parameter | null = config.tie_word_embeddings ? this.distilbert.embeddings.word_embeddings.weight : null;
    this.vocab_projector = tiedDecoder(config.dim, config.vocab_size, tied);
    this.vocab_projector.bias = scope(() => new Parameter(zeros([config.vocab_size])));
    this.act = activation(config.activation, 'activation');
    this.postInit(opts);
  }

  override tiedWeights(): Record<string, string> {
    return this.config.tie_word_embeddings ? { 'vocab_projector.weight': 'distilbert.embeddings.word_embeddings.weight' } : {};
  }

  forward(inputs: ModelInputs): ModelOutput {
    return scope(() => {
      const out = this.distilbert.call(inputs);
      const h = this.vocab_layer_norm.call(this.act(this.vocab_transform.call(out.lastHiddenState)));
      const logits = this.vocab_projector.call(h);
      const loss = inputs.labels ? tokenLoss(logits, inputs.labels) : undefined;
      return withLoss(loss, { logits, ...out });
    });
  }
}
