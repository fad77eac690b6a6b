/**
 * DistilBertConfig: config.json of `model_type` `distilbert`, with its own field names (`dim`,
 * `n_layers`, `n_heads`, `hidden_dim`, `activation`, `dropout`, `attention_dropout`,
 * `seq_classif_dropout`) and distilbert-base-uncased's defaults, as transformers has them.
 * DistilBERT has no `layer_norm_eps` field: its LayerNorms use 1e-12.
 */
import { ModelConfigError } from '../errors';
import { ACTIVATION_NAMES } from '../modeling/activations';
import { bool, type FieldSpec, int, nullable, oneOf, positive, probability } from './fields';
import { type ConfigSummary, PretrainedConfig } from './pretrained-config';

/** DistilBERT's fields with transformers' DistilBertConfig defaults. */
export const DISTILBERT_FIELDS: Record<string, FieldSpec> = {
  vocab_size: { default: 30522, check: int(1) },
  max_position_embeddings: { default: 512, check: int(1) },
  sinusoidal_pos_embds: { default: false, check: bool },
  n_layers: { default: 6, check: int(1) },
  n_heads: { default: 12, check: int(1) },
  dim: { default: 768, check: int(1) },
  hidden_dim: { default: 3072, check: int(1) },
  dropout: { default: 0.1, check: probability },
  attention_dropout: { default: 0.1, check: probability },
  activation: { default: 'gelu', check: oneOf(ACTIVATION_NAMES, 'an activation:') },
  initializer_range: { default: 0.02, check: positive },
  qa_dropout: { default: 0.1, check: probability },
  seq_classif_dropout: { default: 0.2, check: probability },
  pad_token_id: { default: 0, check: nullable(int(0)) },
  bos_token_id: { default: null, check: nullable(int(0)) },
  eos_token_id: { default: null, check: nullable(int(0)) },
};

/** The LayerNorm epsilon DistilBERT hard-codes. */
export const DISTILBERT_LAYER_NORM_EPS = 1e-12;

/** config.json of a DistilBERT model. */
export class DistilBertConfig extends PretrainedConfig {
  static override readonly modelType: string = 'distilbert';
  static override readonly fields: Record<string, FieldSpec> = DISTILBERT_FIELDS;

  declare vocab_size: number;
  declare max_position_embeddings: number;
  declare sinusoidal_pos_embds: boolean;
  declare n_layers: number;
  declare n_heads: number;
  declare dim: number;
  declare hidden_dim: number;
  declare dropout: number;
  declare attention_dropout: number;
  declare activation: string;
  declare qa_dropout: number;
  declare seq_classif_dropout: number;
  declare bos_token_id: number | null;
  declare eos_token_id: number | null;

  protected override validate(where: string): void {
    if (this.dim % this.n_heads !== 0) {
      throw new ModelConfigError(`${where}: field 'n_heads' (${this.n_heads}) must divide dim (${this.dim})`, 'n_heads');
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
      hiddenSize: this.dim,
      numLayers: this.n_layers,
      numHeads: this.n_heads,
      intermediateSize: this.hidden_dim,
      maxPositions: this.max_position_embeddings,
      numLabels: this.num_labels,
    };
  }
}
