/**
 * @graft/models: BERT, DistilBERT and RoBERTa with Hugging Face parameter names (state-dict keys
 * are the checkpoint's keys), loaded from and saved to transformers' files (config.json,
 * safetensors, sharded or not), the tokenizer stored beside them, and pipelines. This entry uses
 * no Node API: files come through `ModelFiles` (memory, URLs, browser files); directories are in
 * `@graft/models/node`. Every export is listed by name.
 * @packageDocumentation
 */

// ---- errors ----
export {
  CheckpointError,
  ModelConfigError,
  ModelFileError,
  ModelInputError,
  PipelineInputError,
  UnsupportedModelError,
  type CheckpointErrorCode,
  type ModelFileErrorCode,
  type TensorShapeMismatch,
} from './errors';

// ---- configs ----
export { PretrainedConfig, PROBLEM_TYPES, type ConfigClass, type ConfigSummary, type ProblemType } from './config/pretrained-config';
export { BertConfig, RobertaConfig, BERT_FIELDS, ROBERTA_FIELDS } from './config/bert-config';
export { DistilBertConfig, DISTILBERT_FIELDS, DISTILBERT_LAYER_NORM_EPS } from './config/distilbert-config';
export type { FieldCheck, FieldSpec } from './config/fields';
export { ACTIVATION_NAMES, activation, type Activation } from './modeling/activations';

// ---- models ----
export { PreTrainedModel, type AnyPreTrainedModel, type ModelClass, type ModelOptions, type ModelTask } from './modeling/pretrained-model';
export type { BaseModelOutput, ModelInputs, ModelOutput, PastKeyValue } from './modeling/model-io';
export {
  BertModel,
  BertForSequenceClassification,
  BertForMaskedLM,
  BertForTokenClassification,
  BertForQuestionAnswering,
  BertLMPredictionHead,
  BertOnlyMLMHead,
  BertPredictionHeadTransform,
  type BertModelOptions,
  type QuestionAnsweringOutput,
} from './modeling/bert';
export {
  BertEmbeddings,
  BertEncoder,
  BertLayer,
  BertAttention,
  BertSelfAttention,
  BertResidualOutput,
  BertIntermediate,
  BertPooler,
  type EmbeddingInputs,
  type EncoderOptions,
  type EncoderOutput,
} from './modeling/bert-layers';
export {
  DistilBertModel,
  DistilBertForSequenceClassification,
  DistilBertForMaskedLM,
  DistilBertPreTrainedModel,
  DistilBertEmbeddings,
  MultiHeadSelfAttention,
  FFN,
  TransformerBlock,
  Transformer,
  SinusoidalEmbedding,
} from './modeling/distilbert';
export {
  RobertaModel,
  RobertaForSequenceClassification,
  RobertaForMaskedLM,
  RobertaEmbeddings,
  RobertaClassificationHead,
  RobertaLMHead,
  positionIdsFromInputIds,
} from './modeling/roberta';
export { additiveAttentionMask, selfAttention, type SelfAttentionOptions } from './modeling/attention';
export { sequenceClassificationLoss, inferProblemType, tokenLoss, spanLoss } from './modeling/losses';
export { castParameters } from './modeling/cast-parameters';

// ---- files, loading and saving ----
export {
  asModelFiles,
  blobFiles,
  hubFiles,
  memoryFiles,
  urlFiles,
  type HubFilesOptions,
  type ModelFiles,
  type ModelFilesLike,
  type NamedBlob,
  type UrlFilesOptions,
} from './files/model-files';
export { fromPretrained, resolveModelClass, type AutoOptions } from './auto';
export { formatLoadingInfo, type FromPretrainedOptions, type LoadingInfo } from './loading/loading-info';
export { matchKeys, normalizeKey, type KeyMatch, type ModelKeys } from './loading/match-keys';
export { readCheckpoint, WEIGHTS_INDEX_NAME, WEIGHTS_NAME, type CheckpointTensor } from './loading/read-checkpoint';
export { storedBytes, type SaveOptions } from './loading/save-pretrained';
export {
  architectureClass,
  modelClassFor,
  modelTypeEntry,
  modelTypes,
  registerModelType,
  supportedArchitectures,
  type ModelTypeEntry,
} from './registry';

// ---- tokenizer and pipelines ----
export {
  loadTokenizer,
  loadTokenizerSettings,
  tokenizerFiles,
  TOKENIZER_FILE_NAMES,
  type LoadTokenizerOptions,
  type TokenizerSettings,
} from './tokenizer/load-tokenizer';
export { pipeline, type PipelineOptions, type PipelineTask } from './pipelines/pipeline';
export { textClassificationPipeline, type LabelScore, type TextClassificationOptions, type TextClassificationPipeline } from './pipelines/text-classification';
export { fillMaskPipeline, topIndices, type FillMaskOptions, type FillMaskPipeline, type FillMaskResult } from './pipelines/fill-mask';
