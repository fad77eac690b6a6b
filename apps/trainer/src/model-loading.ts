/**
 * From a model argument to a model and its tokenizer. The CLI checks what a user can get wrong
 * on the command line before loading (the folder exists, holds config.json, has a tokenizer, the
 * tokenizer's ids fit the model's vocabulary, `--max-length` fits its positions), so those are
 * one-line errors with the fix; what @graft/models finds wrong inside the files (bad shapes, an
 * unsupported `model_type`) arrives as its typed errors and exits 4.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AnyPreTrainedModel, ModelTask } from '@graft/models';
import { Generator } from '@graft/core';
import { modelClassFor } from '@graft/models';
import { fromPretrained, loadTokenizer } from '@graft/models/node';
import type { Tokenizer } from '@graft/tokenizers';
import type { CliContext } from './command';
import { modelError, usageError } from './errors';

/** config.json as read (HF field names; the fields the CLI uses are typed). */
export interface ModelConfigJson {
  model_type?: string;
  architectures?: string[];
  vocab_size?: number;
  max_position_embeddings?: number;
  pad_token_id?: number;
  num_labels?: number;
  id2label?: Record<string, string>;
  hidden_size?: number;
  num_hidden_layers?: number;
  num_attention_heads?: number;
  intermediate_size?: number;
  [field: string]: unknown;
}

/** Checks that `path` is a model folder with a config.json and returns the folder and the config. */
export function readModelDir(path: string, cwd: string, what = 'model'): { dir: string; config: ModelConfigJson } {
  const dir = resolve(cwd, path);
  if (!existsSync(dir)) throw usageError(`${what} ${path}: no such folder (${dir}); pass a folder with config.json and model.safetensors`, 'model_not_found');
  if (!statSync(dir).isDirectory())
    throw usageError(`${what} ${path}: is a file; pass the folder that holds config.json and model.safetensors`, 'model_not_found');
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath))
    throw usageError(
      `${what} ${path}: no config.json in ${dir}; pass a Hugging Face model folder (config.json, model.safetensors, tokenizer files)`,
      'model_not_found',
    );
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (e) {
    throw modelError(`${configPath}: not valid JSON (${(e as Error).message})`, 'model_config');
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw modelError(`${configPath}: expected a JSON object of settings`, 'model_config');
  return { dir, config: config as ModelConfigJson };
}

/** The tokenizer of a model: from `--tokenizer` or the model's folder, checked against the model's vocabulary. */
export async function loadModelTokenizer(
  modelDir: string,
  config: ModelConfigJson,
  tokenizerPath: string | undefined,
  cwd: string,
): Promise<{ tokenizer: Tokenizer; dir: string }> {
  const dir = tokenizerPath ? resolve(cwd, tokenizerPath) : modelDir;
  if (tokenizerPath && !existsSync(dir)) throw usageError(`--tokenizer ${tokenizerPath}: no such folder (${dir})`, 'tokenizer_not_found');
  const has = ['tokenizer.json', 'vocab.txt', 'vocab.json', 'spiece.model', 'sentencepiece.bpe.model'].some((f) => existsSync(join(dir, f)));
  if (!has) {
    throw usageError(
      `${tokenizerPath ? '--tokenizer ' : ''}${dir}: no tokenizer files (tokenizer.json, vocab.txt, vocab.json + merges.txt); pass --tokenizer <folder> with the model's tokenizer`,
      'tokenizer_not_found',
    );
  }
  // truncation comes from --max-length, not from the tokenizer's model_max_length
  const tokenizer = await loadTokenizer(dir, { truncation: false });
  const size = tokenizer.getVocabSize();
  if (config.vocab_size !== undefined && size > config.vocab_size) {
    throw modelError(
      `the tokenizer in ${dir} has ${size} tokens but the model's vocab_size is ${config.vocab_size}: they do not belong together; pass --tokenizer with the model's own tokenizer`,
      'tokenizer_mismatch',
    );
  }
  // the CLI pads in the collate and truncates to --max-length itself; a tokenizer.json may carry other settings (bert-base-uncased's pads)
  tokenizer.setPadding(null);
  tokenizer.setTruncation(null);
  return { tokenizer, dir };
}

/** Positions a sequence may use: RoBERTa's position ids start after the padding index. */
export function maxPositions(config: ModelConfigJson): number | undefined {
  const n = config.max_position_embeddings;
  if (n === undefined) return undefined;
  return config.model_type === 'roberta' || config.model_type === 'xlm-roberta' ? n - (config.pad_token_id ?? 1) - 1 : n;
}

/** Checks `--max-length` against the model's positions. */
export function checkMaxLength(maxLength: number, config: ModelConfigJson, modelPath: string): void {
  const limit = maxPositions(config);
  if (!Number.isInteger(maxLength) || maxLength < 2) throw usageError(`--max-length must be a whole number of at least 2, got ${maxLength}`);
  if (limit !== undefined && maxLength > limit)
    throw usageError(`--max-length ${maxLength} is more than the ${limit} positions of ${modelPath}; pass --max-length ${limit} or less`);
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Label names by class id, for a classification head (sets num_labels, id2label and label2id). */
  labels?: readonly string[];
  /** Seeds the initialisation of heads the checkpoint lacks. */
  seed?: number;
  /** Warn when the task's head is not in the checkpoint (evaluating an untrained classifier). */
  expectHead?: boolean;
}

/** Loads the model for `task` and reports what was initialised fresh (as transformers warns). */
export async function loadModel(dir: string, task: ModelTask, ctx: CliContext, opts: LoadModelOptions = {}): Promise<AnyPreTrainedModel> {
  const model = await fromPretrained(dir, {
    task,
    ...(opts.labels ? { id2label: [...opts.labels] } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
  const info = model.loadingInfo;
  if (info && info.newlyInitialized.length > 0) {
    const fresh = summarizeKeys(info.newlyInitialized);
    const headMissing = info.newlyInitialized.some((k) => !k.includes('pooler'));
    if (opts.expectHead && headMissing)
      ctx.warn(
        `${dir} has no trained ${task} head (${fresh} initialised at random): its predictions are chance; pass a fine-tuned checkpoint such as runs/<run>/best`,
      );
    else ctx.info(`newly initialised (not in the checkpoint): ${fresh}`);
  }
  if (info && info.unexpected.length > 0) ctx.info(`not used from the checkpoint: ${summarizeKeys(info.unexpected)}`);
  return model;
}

/** `bert.pooler.dense.weight, bert.pooler.dense.bias, classifier.weight` → `bert.pooler.*, classifier.*`. */
export function summarizeKeys(keys: readonly string[]): string {
  const groups = new Map<string, number>();
  for (const key of keys) {
    const parts = key.split('.');
    const group = parts.length > 2 ? `${parts.slice(0, parts.length - 2).join('.')}.*` : key;
    groups.set(group, (groups.get(group) ?? 0) + 1);
  }
  return [...groups.keys()].join(', ');
}

/** A model of `config`'s shape with fresh weights (transformers' initialisation, seeded): pretraining from scratch. */
export function freshModel(config: ModelConfigJson, task: ModelTask, seed: number, where: string): AnyPreTrainedModel {
  if (typeof config.model_type !== 'string') throw modelError(`${where}: no model_type; it names the architecture (bert, distilbert, roberta)`, 'model_config');
  const cls = modelClassFor(config.model_type, task);
  const configObject = new cls.configClass(config as Record<string, unknown>, where);
  return new cls(configObject as never, { generator: new Generator(seed) }) as AnyPreTrainedModel;
}
