/**
 * What `graft predict` and `graft eval` score: a fine-tuned model folder (config.json with the
 * labels), or a PEFT adapter folder on its base model (see `adapter-dir.ts`). Both give the
 * label names, the config the tokenizer and lengths are checked against, the tokenizer's folder,
 * and a loader for the model to run.
 */
import { resolve } from 'node:path';
import type { OptionSpec } from './command';
import type { CliContext } from './command';
import { isAdapterDir, loadAdapterModel, readAdapterDir } from './adapter-dir';
import { checkpointLabels } from './commands/labels';
import { usageError } from './errors';
import { loadModel, type ModelConfigJson, readModelDir } from './model-loading';
import type { AnyPreTrainedModel } from '@graft/models';
import type { PeftModel } from '@graft/peft';

/** `--base-model <dir>`: the model an adapter folder applies to, instead of its `base_model_name_or_path`. */
export const baseModelOption: OptionSpec = {
  name: 'base-model',
  type: 'path',
  valueName: 'dir',
  description: "for an adapter folder: its base model (default: the adapter_config.json's base_model_name_or_path, relative to the adapter)",
};

/** A classifier to run. */
export interface ClassifierSource {
  /** `model`: an HF checkpoint; `adapter`: a PEFT adapter on `baseDir`. */
  kind: 'model' | 'adapter';
  /** The folder given, absolute. */
  dir: string;
  /** The model's config.json (the base model's, for an adapter). */
  config: ModelConfigJson;
  labels: string[];
  /** The folder to take the tokenizer from. */
  tokenizerDir: string;
  /** The base model's folder, for an adapter. */
  baseDir?: string;
  /** Loads the model (with the adapter). */
  load(ctx: CliContext): Promise<AnyPreTrainedModel | PeftModel<AnyPreTrainedModel>>;
}

/** Opens `path` (relative to `cwd`) as a model folder or an adapter folder. */
export async function openClassifier(path: string, cwd: string, baseModel?: string): Promise<ClassifierSource> {
  const full = resolve(cwd, path);
  if (isAdapterDir(full)) {
    const adapter = await readAdapterDir(path, cwd, baseModel);
    return {
      kind: 'adapter',
      dir: adapter.dir,
      config: adapter.baseConfig,
      labels: adapter.labels,
      tokenizerDir: adapter.tokenizerDir,
      baseDir: adapter.baseDir,
      load: async (ctx) => (await loadAdapterModel(adapter, ctx)).model,
    };
  }
  if (baseModel !== undefined)
    throw usageError(`--base-model applies to adapter folders (with adapter_config.json); ${path} is a model folder, which needs none`, 'invalid_option');
  const { dir, config } = readModelDir(path, cwd, 'checkpoint');
  return {
    kind: 'model',
    dir,
    config,
    labels: checkpointLabels(config),
    tokenizerDir: dir,
    load: (ctx) => loadModel(dir, 'sequence-classification', ctx, { expectHead: true }),
  };
}
