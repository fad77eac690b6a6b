/**
 * BertConfig and RobertaConfig: config.json of `model_type` `bert` and `roberta`, with
 * transformers' defaults (bert-base's sizes). RoBERTa has BERT's fields and other defaults
 * (its vocabulary, `pad_token_id` 1, `bos`/`eos` 0/2).
 */
import { ModelConfigError } from '../errors';
import { ACTIVATION_NAMES } from '../modeling/activations';
import { bool, type FieldSpec, int, nullable, oneOf, only, positive, probability } from './fields';
import { type ConfigSummary, PretrainedConfig } from './pretrained-config';

/** BERT's fields (RoBERTa's too), with bert-base-uncased's defaults as in transformers' BertConfig. */
export const BERT_FIELDS: Record<string, FieldSpec> = {
  vocab_size: { default: 30522, check: int(1) },
  hidden_size: { default: 768, check: int(1) },
  num_hidden_layers: { default: 12, check: int(1) },
  num_attention_heads: { default: 12, check: int(1) },
  intermediate_size: { default: 3072, check: int(1) },
  hidden_act: { default: 'gelu', check: oneOf(ACTIVATION_NAMES, 'an activation:') },
  hidden_dropout_prob: { default: 0.1, check: probability },
  attention_probs_dropout_prob: { default: 0.1, check: probability },
  classifier_dropout: { default: null, check: nullable(probability) },
  max_position_embeddings: { default: 512, check: int(1) },
  type_vocab_size: { default: 2, check: int(1) },
  initializer_range: { default: 0.02, check: positive },
  layer_norm_eps: { default: 1e-12, check: positive },
  pad_token_id: { default: 0, check: nullable(int(0)) },
  bos_token_id: { default: null, check: nullable(int(0)) },
  eos_token_id: { default: null, check: nullable(int(0)) },
  use_cache: { default: true, check: bool },
  is_decoder: { default: false, check: only(false, 'Graft has BERT encoders only; load the model as an encoder (is_decoder: false)') },
  add_cross_attention: { default: false, check: only(false, 'cross-attention (encoder-decoder use) is not implemented; set it to false') },
  position_embedding_type: {
    default: 'absolute',
    emit: 'ifSet',
    check: only('absolute', "only 'absolute' position embeddings are implemented (relative_key and relative_key_query are not)"),
  },
};

/** config.json of a BERT model. */
export class BertConfig extends PretrainedConfig {
  static override readonly modelType: string = 'bert';
  static override readonly fields: Record<string, FieldSpec> = BERT_FIELDS;

  declare vocab_size: number;
  declare hidden_size: number;
  declare num_hidden_layers: number;
  declare num_attention_heads: number;
  declare intermediate_size: number;
  declare hidden_act: string;
  declare hidden_dropout_prob: number;
  declare attention_probs_dropout_prob: number;
  declare classifier_dropout: number | null;
  declare max_position_embeddings: number;
  declare type_vocab_size: number;
  declare layer_norm_eps: number;
  declare bos_token_id: number | null;
  declare eos_token_id: number | null;
  declare use_cache: boolean;
  declare is_decoder: boolean;
  declare add_cross_attention: boolean;
  declare position_embedding_type: 'absolute';

  protected override validate(where: string): void {
    if (this.hidden_size % this.num_attention_heads !== 0) {
      throw new ModelConfigError(
        `${where}: field 'num_attention_heads' (${this.num_attention_heads}) must divide hidden_size (${this.hidden_size})`,
        'num_attention_heads',
      );
    }
    if (this.pad_token_id !== null && this.pad_token_id >= this.vocab_size) {
      throw new ModelConfigError(
        `${where}: field 'pad_token_id' (${this.pad_token_id}) is outside the vocabulary (vocab_size ${this.vocab_size})`,
        'pad_token_id',
      );
    }
  }

  summary(): ConfigSummary {
    return {
      modelType: this.model_type,
      vocabSize: this.vocab_size,
      hiddenSize: this.hidden_size,
      numLayers: this.num_hidden_layers,
      numHeads: this.num_attention_heads,
      intermediateSize: this.intermediate_size,
      maxPositions: this.max_position_embeddings,
      numLabels: this.num_labels,
    };
  }
}

/** RoBERTa's defaults (roberta-base), as in transformers' RobertaConfig. */
export const ROBERTA_FIELDS: Record<string, FieldSpec> = {
  ...BERT_FIELDS,
  vocab_size: { default: 50265, check: int(1) },
  pad_token_id: { default: 1, check: nullable(int(0)) },
  bos_token_id: { default: 0, check: nullable(int(0)) },
  eos_token_id: { default: 2, check: nullable(int(0)) },
};

/** config.json of a RoBERTa model. */
export class RobertaConfig extends BertConfig {
  static override readonly modelType: string = 'roberta';
  static override readonly fields: Record<string, FieldSpec> = ROBERTA_FIELDS;

  protected override validate(where: string): void {
    super.validate(where);
    if (this.pad_token_id === null) {
      throw new ModelConfigError(
        `${where}: field 'pad_token_id' is null, but RoBERTa numbers positions from the padding id; set it (roberta-base: 1)`,
        'pad_token_id',
      );
    }
    if (this.max_position_embeddings <= this.pad_token_id + 1) {
      throw new ModelConfigError(
        `${where}: field 'max_position_embeddings' (${this.max_position_embeddings}) leaves no positions after the padding offset (pad_token_id + 1 = ${this.pad_token_id + 1})`,
        'max_position_embeddings',
      );
    }
  }
}
