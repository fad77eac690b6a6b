/**
 * The model-type registry: config.json's `model_type` → its config class and the model class of
 * each task. It is a plain object filled by a static table (importing the package registers
 * nothing by side effect), and plugins add architectures with `registerModelType`, as tokenizer
 * plugins add components. Lookups that fail list what is registered.
 */
import { BertConfig, RobertaConfig } from './config/bert-config';
import { DistilBertConfig } from './config/distilbert-config';
import type { ConfigClass } from './config/pretrained-config';
import { UnsupportedModelError } from './errors';
import { BertForMaskedLM, BertForQuestionAnswering, BertForSequenceClassification, BertForTokenClassification, BertModel } from './modeling/bert';
import { DistilBertForMaskedLM, DistilBertForSequenceClassification, DistilBertModel } from './modeling/distilbert';
import type { ModelClass, ModelTask } from './modeling/pretrained-model';
import { RobertaForMaskedLM, RobertaForSequenceClassification, RobertaModel } from './modeling/roberta';

/** One model type: its config class and a model class per task it supports. */
export interface ModelTypeEntry {
  config: ConfigClass;
  tasks: Partial<Record<ModelTask, ModelClass>>;
}

/** `model_type` → entry, for every registered type. */
export const modelTypes: Record<string, ModelTypeEntry> = {
  bert: {
    config: BertConfig,
    tasks: {
      base: BertModel,
      'sequence-classification': BertForSequenceClassification,
      'masked-lm': BertForMaskedLM,
      'token-classification': BertForTokenClassification,
      'question-answering': BertForQuestionAnswering,
    },
  },
  distilbert: {
    config: DistilBertConfig,
    tasks: { base: DistilBertModel, 'sequence-classification': DistilBertForSequenceClassification, 'masked-lm': DistilBertForMaskedLM },
  },
  roberta: {
    config: RobertaConfig,
    tasks: { base: RobertaModel, 'sequence-classification': RobertaForSequenceClassification, 'masked-lm': RobertaForMaskedLM },
  },
};

/** Registers (or replaces) a model type, e.g. `registerModelType('electra', { config: ElectraConfig, tasks: { base: ElectraModel } })`. */
export function registerModelType(modelType: string, entry: ModelTypeEntry): void {
  if (typeof modelType !== 'string' || modelType === '') throw new UnsupportedModelError('registerModelType needs a non-empty model_type');
  if (!entry || typeof entry.config !== 'function' || typeof entry.tasks !== 'object') {
    throw new UnsupportedModelError(`registerModelType('${modelType}'): the entry needs a config class and a tasks object`);
  }
  modelTypes[modelType] = entry;
}

/** The registered entry of `modelType`; an unknown one throws, listing the registered types. */
export function modelTypeEntry(modelType: string): ModelTypeEntry {
  const entry = Object.hasOwn(modelTypes, modelType) ? modelTypes[modelType] : undefined;
  if (!entry) {
    throw new UnsupportedModelError(
      `model_type '${modelType}' is not supported (supported: ${Object.keys(modelTypes).sort().join(', ')}); a plugin can add it with registerModelType`,
    );
  }
  return entry;
}

/** The model class of `modelType` for `task`; an unsupported pair throws, listing the type's tasks. */
export function modelClassFor(modelType: string, task: ModelTask): ModelClass {
  const entry = modelTypeEntry(modelType);
  const cls = entry.tasks[task];
  if (!cls) throw new UnsupportedModelError(`model_type '${modelType}' has no '${task}' model (it has: ${Object.keys(entry.tasks).join(', ')})`);
  return cls;
}

/** Every registered architecture name (`BertForSequenceClassification`, …). */
export function supportedArchitectures(): string[] {
  return Object.values(modelTypes).flatMap((e) => Object.values(e.tasks).map((c) => c!.architecture));
}

/** The class whose architecture name is `name` (within `modelType` when given); an unknown name throws, listing the supported ones. */
export function architectureClass(name: string, modelType?: string): ModelClass {
  const entries = modelType ? [modelTypeEntry(modelType)] : Object.values(modelTypes);
  for (const e of entries) for (const cls of Object.values(e.tasks)) if (cls?.architecture === name) return cls;
  const known = modelType ? Object.values(modelTypeEntry(modelType).tasks).map((c) => c!.architecture) : supportedArchitectures();
  throw new UnsupportedModelError(
    `architecture '${name}' is not supported (supported: ${known.join(', ')}); pass { task } to load its weights into one of these`,
  );
}
