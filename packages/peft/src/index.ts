/**
 * @graft/peft: parameter-efficient fine-tuning with Hugging Face PEFT's semantics and files.
 * LoRA (with rsLoRA, DoRA, rank/alpha patterns, Linear and Embedding layers), (IA)³, BitFit,
 * bottleneck (Houlsby) adapters, prefix tuning and prompt tuning are methods on a public registry
 * keyed by PEFT's `peft_type`; `getPeftModel` adds an adapter
 * to any nn model whose module names are Hugging Face's, and adapters move to and from PEFT's
 * `adapter_config.json` + `adapter_model.safetensors`. This entry uses no Node API: files come and
 * go as maps of bytes; directories are in `@graft/peft/node`. Every export is listed by name.
 * @packageDocumentation
 */

// ---- errors ----
export {
  PeftAdapterError,
  PeftConfigError,
  PeftFileError,
  PeftMethodError,
  PeftTargetError,
  type PeftAdapterErrorCode,
  type PeftConfigErrorCode,
  type PeftFileErrorCode,
  type PeftTargetErrorCode,
} from './errors';

// ---- configs ----
export {
  COMMON_FIELDS,
  PEFT_FORMAT_VERSION,
  TASK_TYPES,
  parseFields,
  suggestField,
  type ConfigSource,
  type PeftConfig,
  type TaskType,
} from './config/peft-config';
export {
  anyJson,
  bool,
  checkPattern,
  dropoutProbability,
  indexOrIndices,
  int,
  invalid,
  isJsonObject,
  isOff,
  namesOrPattern,
  nullable,
  offOnly,
  oneOf,
  patternMap,
  positive,
  show,
  string,
  stringList,
  stringOrList,
  type FieldCheck,
  type FieldSpec,
  type FieldSpecs,
} from './config/fields';
export { configJsonText } from './config/config-json';

// ---- the registry and the method contract ----
export { parsePeftConfig, peftMethod, peftMethods, registerPeftMethod } from './registry';
export type { AdaptContext, InjectContext, PeftMethod, PromptForwardContext, PromptLearning } from './method';

// ---- the model ----
export {
  getPeftModel,
  PeftModel,
  type CallArgs,
  type CallOutput,
  type FromPretrainedOptions,
  type LoadAdapterOptions,
  type PeftConfigInput,
  type PeftModelOptions,
} from './peft-model';
export { formatTrainableParameters, groupThousands, type ParameterCounts } from './parameter-counts';
export { TunerModel, checkAdapterName, PROMPT_LEARNING_PREFIX, type AdapterTensor, type AddAdapterOptions } from './tuners/tuner-model';
export { PromptEncoder, type PromptFileTensor } from './tuners/prompt-encoder';
export { AdapterLayer, type LayerTensor, type MergeOptions, type WeightUpdate } from './tuners/adapter-layer';
export { ModulesToSaveWrapper, ModuleCopy } from './tuners/modules-to-save';
export { ParameterDict } from './tuners/parameter-dict';
export { injectModules } from './tuners/inject';
export {
  ALL_LINEAR,
  TASK_MODULES_TO_SAVE,
  allLinearNames,
  fullMatch,
  insideModulesToSave,
  layerIndex,
  matchTarget,
  matchesName,
  modelTypeOf,
  outputLayerPath,
  patternFor,
  type TargetFields,
  type TargetMatch,
} from './tuners/targets';

// ---- adapter files ----
export { ADAPTER_CONFIG_NAME, ADAPTER_PICKLE_NAME, ADAPTER_WEIGHTS_NAME, asAdapterFiles, inFolder, type AdapterFiles, type AdapterFilesLike } from './io/files';
export {
  BASE_MODEL_PREFIX,
  adapterConfigText,
  adapterFileTensors,
  adapterFiles,
  adapterFilesAsync,
  isAbsolutePath,
  loadAdapterWeights,
  readAdapterConfig,
  type SaveAdapterOptions,
} from './io/adapter-io';

// ---- methods ----
export {
  DoraMagnitude,
  LORA_FIELDS,
  LORA_TARGET_MODULES,
  LoraEmbedding,
  LoraLayer,
  LoraLinear,
  doraLinearDelta,
  loraConfig,
  loraMethod,
  rowNorm,
  validateLoraConfig,
  type DoraLinearInputs,
  type InitLoraWeights,
  type LoraBias,
  type LoraConfig,
  type LoraLayerOptions,
} from './lora/index';
export {
  IA3_FEEDFORWARD_MODULES,
  IA3_FIELDS,
  IA3_TARGET_MODULES,
  IA3Linear,
  ia3Config,
  ia3Method,
  isFeedforward,
  validateIA3Config,
  type IA3Config,
  type IA3LayerOptions,
} from './ia3/index';
export { BITFIT_FIELDS, BitFitLayer, bitfitConfig, bitfitMethod, holdsBias, ownBias, type BitFitConfig } from './bitfit/index';
export {
  BOTTLENECK_FIELDS,
  BOTTLENECK_INITS,
  BOTTLENECK_NON_LINEARITIES,
  BOTTLENECK_PLACEMENTS,
  BOTTLENECK_TARGET_MODULES,
  BottleneckLayer,
  DEFAULT_REDUCTION_FACTOR,
  bottleneckAdapterConfig,
  bottleneckMethod,
  bottleneckWidth,
  houlsbyTargets,
  nonLinearity,
  validateBottleneckConfig,
  type BottleneckAdapterConfig,
  type BottleneckInit,
  type BottleneckLayerOptions,
  type BottleneckNonLinearity,
} from './bottleneck/index';
export {
  PROMPT_LEARNING_FIELDS,
  preparePromptLearningConfig,
  validatePromptLearningConfig,
  type PromptLearningConfig,
} from './prompt-learning/config';
export { maskWithPrompt, modelDevice, promptInputs, type PreparedInputs, type PromptInputs } from './prompt-learning/inputs';
export {
  PREFIX_TUNING_FIELDS,
  PREFIX_TUNING_MODEL_TYPES,
  PrefixEncoder,
  prefixKeyValues,
  prefixTuningConfig,
  prefixTuningMethod,
  validatePrefixTuningConfig,
  type PrefixEncoderOptions,
  type PrefixTuningConfig,
} from './prefix-tuning/index';
export {
  PROMPT_TUNING_FIELDS,
  PromptEmbedding,
  promptTuningConfig,
  promptTuningMethod,
  repeatTo,
  validatePromptTuningConfig,
  wordEmbeddingsPath,
  type PromptEmbeddingOptions,
  type PromptTuningConfig,
  type PromptTuningInit,
} from './prompt-tuning/index';

// ---- freezing strategies (src/freezing/) ----
export {
  applyFreezing,
  checkFreezingMethod,
  checkUnfreezeEvery,
  countParameters,
  encoderLayout,
  FREEZING_METHOD_NAMES,
  Freezing,
  FreezingError,
  freezingMethodName,
  GradualUnfreezing,
  layoutPartOf,
  parseFreezingMethod,
  partitionParameters,
  type ApplyFreezingOptions,
  type EncoderLayout,
  type FreezingErrorCode,
  type FreezingGroupOptions,
  type FreezingMethod,
  type FreezingStage,
  type LayoutPart,
  type StagedModel,
  type UnfreezeContext,
  type UnfreezeEvery,
  type UnfreezeListener,
} from './freezing/index';
