/**
 * Node-only helpers of @graft/models (`@graft/models/node`): model directories on disk.
 * `dirFiles(dir)` reads a directory as `ModelFiles`; `fromPretrained`, `loadTokenizer` and
 * `pipeline` take a directory path as well as files; `savePretrained` writes a model (and its
 * tokenizer) in transformers' layout, each file atomically (temporary file, then rename) through
 * `@graft/core/node`'s writer, weights first and config.json last.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { writeFileAtomic } from '@graft/core/node';
import type { Tokenizer } from '@graft/tokenizers';
import { type AutoOptions, fromPretrained as fromFiles } from './auto';
import { ModelFileError } from './errors';
import type { ModelFiles, ModelFilesLike } from './files/model-files';
import { WEIGHTS_INDEX_NAME, WEIGHTS_NAME } from './loading/read-checkpoint';
import type { SaveOptions } from './loading/save-pretrained';
import type { AnyPreTrainedModel } from './modeling/pretrained-model';
import { type PipelineOptions, type PipelineTask, pipeline as pipelineFromFiles } from './pipelines/pipeline';
import type { FillMaskPipeline } from './pipelines/fill-mask';
import type { TextClassificationPipeline } from './pipelines/text-classification';
import { type LoadTokenizerOptions, loadTokenizer as loadTokenizerFromFiles } from './tokenizer/load-tokenizer';

/** A model directory as `ModelFiles`; a missing directory is a `model_file_missing` error naming it. */
export function dirFiles(dir: string): ModelFiles {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new ModelFileError('model_file_missing', dir, `model directory ${dir} does not exist`);
  }
  if (!isDir) throw new ModelFileError('model_file_missing', dir, `${dir} is a file; pass the directory that holds config.json and model.safetensors`);
  return {
    description: dir,
    async read(name) {
      if (isAbsolute(name) || normalize(name).split(/[\\/]/).includes('..')) {
        throw new ModelFileError('model_file_invalid', name, `refusing to read '${name}' outside ${dir}`);
      }
      try {
        return new Uint8Array(await readFile(join(dir, name)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new ModelFileError('model_file_read', name, `could not read ${join(dir, name)}: ${(e as Error).message}`, { cause: e });
      }
    },
  };
}

/** A directory path, or files as the main entry takes them. */
export type DirOrFiles = string | ModelFilesLike;

function filesOf(source: DirOrFiles): ModelFilesLike {
  return typeof source === 'string' ? dirFiles(source) : source;
}

/** `fromPretrained` from a model directory (or any files): see the main entry's `fromPretrained`. */
export function fromPretrained(source: DirOrFiles, opts: AutoOptions = {}): Promise<AnyPreTrainedModel> {
  return fromFiles(filesOf(source), opts);
}

/** The tokenizer stored in a model directory (or any files). */
export function loadTokenizer(source: DirOrFiles, opts: LoadTokenizerOptions = {}): Promise<Tokenizer> {
  return loadTokenizerFromFiles(filesOf(source), opts);
}

/** `pipeline(task, dir)`: a pipeline from a model directory (or any files). */
export function pipeline(task: 'text-classification', source: DirOrFiles, opts?: PipelineOptions): Promise<TextClassificationPipeline>;
export function pipeline(task: 'fill-mask', source: DirOrFiles, opts?: PipelineOptions): Promise<FillMaskPipeline>;
export function pipeline(task: PipelineTask, source: DirOrFiles, opts: PipelineOptions = {}): Promise<TextClassificationPipeline | FillMaskPipeline> {
  const build = pipelineFromFiles as (
    task: PipelineTask,
    files: ModelFilesLike,
    opts: PipelineOptions,
  ) => Promise<TextClassificationPipeline | FillMaskPipeline>;
  return build(task, filesOf(source), opts);
}

/** Options of `savePretrained`. */
export interface SavePretrainedOptions extends SaveOptions {
  /** The tokenizer to save beside the model: a Tokenizer (written as tokenizer.json) or tokenizer files (from `tokenizerFiles`). */
  tokenizer?: Tokenizer | Map<string, Uint8Array>;
}

/**
 * Writes `model` to `dir` (created if needed) as transformers' `save_pretrained` does, plus the
 * tokenizer when given. Each file is written atomically; weight files of the other layout
 * (a stale `model.safetensors` beside new shards, or stale shards beside a new single file) are
 * removed before config.json, which is written last. Returns the names written, in order.
 */
export async function savePretrained(model: AnyPreTrainedModel, dir: string, opts: SavePretrainedOptions = {}): Promise<string[]> {
  const files = await model.toPretrainedFilesAsync(opts);
  if (opts.tokenizer) {
    const tok = opts.tokenizer;
    if (tok instanceof Map) for (const [name, bytes] of tok) files.set(name, bytes);
    else files.set('tokenizer.json', new TextEncoder().encode(tok.toString(true)));
  }
  await mkdir(dir, { recursive: true });
  const order = [...files.keys()].sort((a, b) => Number(a === 'config.json') - Number(b === 'config.json'));
  const sharded = files.has(WEIGHTS_INDEX_NAME);
  for (const name of order) {
    if (name === 'config.json') {
      for (const existing of await readdir(dir)) {
        const stale = sharded ? existing === WEIGHTS_NAME : existing === WEIGHTS_INDEX_NAME || /^model-\d{5}-of-\d{5}\.safetensors$/.test(existing);
        if (stale && !files.has(existing)) await rm(join(dir, existing), { force: true });
      }
    }
    await writeFileAtomic(join(dir, name), files.get(name)!);
  }
  return order;
}
