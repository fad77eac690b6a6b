/**
 * @graft/peft: parameter-efficient fine-tuning with Hugging Face PEFT's semantics and files.
 * LoRA (with rsLoRA, DoRA, rank/alpha patterns, Linear and Embedding layers), (IA)³ and BitFit
 * are methods on a public registry keyed by PEFT's `peft_type`; `getPeftModel` adds an adapter
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
export type { AdaptContext, InjectContext, PeftMethod } from './method';

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
export { TunerModel, checkAdapterName, type AddAdapterOptions } from './tuners/tuner-model';
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
