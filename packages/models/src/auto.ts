/**
 * The auto entry (transformers' `AutoModel*` in one function): `fromPretrained(files, { task })`
 * reads config.json, finds `model_type` in the registry and loads the class for `task`; without a
 * task, the class named by `architectures[0]`, else the base model.
 */
import { ModelConfigError } from './errors';
import { asModelFiles, type ModelFilesLike, readJsonObject } from './files/model-files';
import { loadPretrainedWithConfig } from './loading/load-pretrained';
import type { FromPretrainedOptions } from './loading/loading-info';
import type { ModelClass, ModelTask, AnyPreTrainedModel } from './modeling/pretrained-model';
import { architectureClass, modelClassFor, modelTypeEntry, modelTypes } from './registry';

/** Options of the auto `fromPretrained`. */
export interface AutoOptions extends FromPretrainedOptions {
  /** The head to load: `'sequence-classification'`, `'masked-lm'`, … (default: `architectures[0]`, else the base model). */
  task?: ModelTask;
}

/** The model class config.json (parsed) and `task` call for. */
export function resolveModelClass(json: Record<string, unknown>, task: ModelTask | undefined, where = 'config.json'): ModelClass {
  const modelType = json.model_type;
  if (typeof modelType !== 'string') {
    throw new ModelConfigError(
      `${where}: field 'model_type' is ${modelType === undefined ? 'missing' : JSON.stringify(modelType)}; it names the architecture family (supported: ${Object.keys(modelTypes).sort().join(', ')})`,
      'model_type',
    );
  }
  modelTypeEntry(modelType);
  if (task) return modelClassFor(modelType, task);
  const arch = Array.isArray(json.architectures) && typeof json.architectures[0] === 'string' ? json.architectures[0] : null;
  return arch ? architectureClass(arch, modelType) : modelClassFor(modelType, 'base');
}

/**
 * Loads a model from config.json + safetensors files (a `ModelFiles`, or a map of name → bytes),
 * picking the class from `model_type` and `task` (or `architectures[0]`). In Node,
 * `@graft/models/node`'s `fromPretrained` also takes a directory path.
 */
export async function fromPretrained(filesLike: ModelFilesLike, opts: AutoOptions = {}): Promise<AnyPreTrainedModel> {
  const files = asModelFiles(filesLike);
  const json = await readJsonObject(files, 'config.json', true);
  const cls = resolveModelClass(json, opts.task, `${files.description}/config.json`);
  return loadPretrainedWithConfig(cls, files, json, opts);
}
