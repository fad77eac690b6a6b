/**
 * PEFT adapter folders on the command line: `graft predict`, `eval` and `merge` take one where
 * they take a model folder. A folder with `adapter_config.json` is an adapter; its base model is
 * `--base-model`, else `base_model_name_or_path` resolved against the adapter's folder (Graft
 * writes it relative, so a run directory moves with its base). Label names come from
 * `id2label.json` (which `graft train` writes beside the adapter, since PEFT's files have no
 * place for them), else from the adapter's classifier, else from the base model's config.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSafetensorsHeaderFile } from '@graft/core/node';
import type { AnyPreTrainedModel } from '@graft/models';
import { fromPretrained } from '@graft/models/node';
import { PeftModel } from '@graft/peft/node';
import type { CliContext } from './command';
import { checkpointLabels } from './commands/labels';
import { modelError, usageError } from './errors';
import { type ModelConfigJson, readModelDir } from './model-loading';
import { TOKENIZER_FILES } from './run-directory';

/** The label names file `graft train` writes beside an adapter: HF's `id2label` (`{"0": "negative", …}`). */
export const ID2LABEL_FILE = 'id2label.json';

/** `id2label.json`'s text for `labels`. */
export function id2labelJson(labels: readonly string[]): string {
  return `${JSON.stringify(Object.fromEntries(labels.map((name, i) => [String(i), name])), null, 2)}\n`;
}

/** Whether `dir` holds a PEFT adapter (adapter_config.json). */
export function isAdapterDir(dir: string): boolean {
  return existsSync(join(dir, 'adapter_config.json'));
}

/** An adapter folder and what goes with it. */
export interface AdapterDir {
  /** The adapter's folder, absolute. */
  dir: string;
  /** adapter_config.json as read. */
  adapterConfig: Record<string, unknown>;
  /** The base model's folder and config.json. */
  baseDir: string;
  baseConfig: ModelConfigJson;
  /** Label names by id. */
  labels: string[];
  /** Where the tokenizer is: the adapter's folder when it has tokenizer files, else the base model's. */
  tokenizerDir: string;
  /** Whether the adapter carries a trained classifier (in `modules_to_save`); without one, predictions are chance. */
  hasHead: boolean;
}

/** Reads an adapter folder, finds its base model (`baseModel` wins) and its labels; missing pieces are usage errors saying what to pass. */
export async function readAdapterDir(path: string, cwd: string, baseModel?: string): Promise<AdapterDir> {
  const dir = resolve(cwd, path);
  const configPath = join(dir, 'adapter_config.json');
  let adapterConfig: Record<string, unknown>;
  try {
    adapterConfig = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (e) {
    throw modelError(`${configPath}: not valid JSON (${(e as Error).message})`, 'adapter_config');
  }
  if (adapterConfig === null || typeof adapterConfig !== 'object' || Array.isArray(adapterConfig))
    throw modelError(`${configPath}: expected a JSON object (PEFT's adapter config)`, 'adapter_config');
  let base: string;
  if (baseModel !== undefined) base = resolve(cwd, baseModel);
  else {
    const named = adapterConfig.base_model_name_or_path;
    if (typeof named !== 'string' || named === '')
      throw usageError(`${path}: adapter_config.json names no base model (base_model_name_or_path); pass --base-model <folder>`, 'base_model_not_found');
    base = resolve(dir, named);
    if (!existsSync(join(base, 'config.json')))
      throw usageError(
        `${path}: its base model "${named}" (${base}) is not a model folder here; pass --base-model <folder> with the model the adapter was trained on`,
        'base_model_not_found',
      );
  }
  const { dir: baseDir, config: baseConfig } = readModelDir(base, cwd, 'base model');
  const taskType = adapterConfig.task_type;
  if (taskType !== undefined && taskType !== null && taskType !== 'SEQ_CLS')
    throw usageError(
      `${path}: the adapter's task_type is ${String(taskType)}; graft predict, eval and merge take sequence-classification adapters (SEQ_CLS)`,
      'adapter_task',
    );
  const tokenizerDir = TOKENIZER_FILES.some((f) => existsSync(join(dir, f))) ? dir : baseDir;
  const weights = join(dir, 'adapter_model.safetensors');
  const header = existsSync(weights) ? await readSafetensorsHeaderFile(weights) : null;
  const head = header?.tensors.find((t) => /(^|\.)(classifier|score)(\.out_proj)?\.weight$/.test(t.name));
  return { dir, adapterConfig, baseDir, baseConfig, labels: adapterLabels(dir, baseConfig, head?.shape[0]), tokenizerDir, hasHead: head !== undefined };
}

/** Label names: id2label.json, else one per row of the adapter's classifier, else the base config's. */
function adapterLabels(dir: string, baseConfig: ModelConfigJson, headRows: number | undefined): string[] {
  const file = join(dir, ID2LABEL_FILE);
  if (existsSync(file)) {
    let id2label: unknown;
    try {
      id2label = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw modelError(`${file}: not valid JSON (${(e as Error).message})`, 'adapter_labels');
    }
    return checkpointLabels({ id2label: id2label as Record<string, string> });
  }
  if (headRows !== undefined) return Array.from({ length: headRows }, (_, i) => baseConfig.id2label?.[String(i)] ?? `LABEL_${i}`);
  return checkpointLabels(baseConfig);
}

/** The base model for sequence classification with the adapter loaded (frozen, in eval use). */
export async function loadAdapterModel(adapter: AdapterDir, ctx: CliContext): Promise<{ model: PeftModel<AnyPreTrainedModel>; base: AnyPreTrainedModel }> {
  // the head comes from the adapter's modules_to_save; the seed only fills it until then
  const base = await fromPretrained(adapter.baseDir, { task: 'sequence-classification', id2label: [...adapter.labels], seed: 0 });
  if (!adapter.hasHead) ctx.warn(`${adapter.dir} has no trained classifier (it is not in the adapter's modules_to_save): its predictions are chance`);
  const model = await PeftModel.fromPretrained(base, adapter.dir, { warn: (m) => ctx.warn(m) });
  return { model, base };
}
