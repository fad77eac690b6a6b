/**
 * A model's files, wherever they come from: the site's embedded checkpoint, a Hugging Face Hub
 * repository (or any server with the Hub's `<base>/<repo>/resolve/<revision>/<file>` layout), a
 * folder URL, or files the user dropped. Every file read is kept in memory, so fresh copies of the
 * base model (full fine-tuning, merged exports) and a resume after a reload load from the same
 * bytes without a second download; files the user picked are copied into browser storage for the
 * resume, since a reload takes their `File`s away.
 */
import {
  blobFiles,
  hubFiles,
  loadTokenizer,
  loadTokenizerSettings,
  memoryFiles,
  ModelFileError,
  type ModelFiles,
  modelTypeEntry,
  tokenizerFiles,
  UnsupportedModelError,
  urlFiles,
} from '@graft/models';
import type { Tokenizer } from '@graft/tokenizers';
import type { ModelInfo, ModelSource } from '../protocol';
import { PlaygroundError } from './errors';

/** A model source as a run's record keeps it: how to get the same files back after a reload. */
export type StoredModelSource = Exclude<ModelSource, { kind: 'files' }> | { kind: 'stored'; description: string };

/** A loaded model: its files (cached), tokenizer and config, before any classifier is built. */
export interface LoadedModel {
  files: ModelFiles;
  /** Every file read so far, by name (what a resume needs again). */
  cache: Map<string, Uint8Array>;
  tokenizer: Tokenizer;
  /** Tokenizer files, for exported checkpoints. */
  tokenizerFiles: Map<string, Uint8Array>;
  config: Record<string, unknown>;
  padTokenId: number;
  info: ModelInfo;
  /** How a run's record refers to it (null: the bytes must be stored with the run). */
  stored: StoredModelSource | null;
}

/** `files` with every read remembered in `cache` (misses too, so a fallback chain is not fetched twice). */
export function cachingFiles(files: ModelFiles, cache: Map<string, Uint8Array>): ModelFiles {
  const misses = new Set<string>();
  return {
    description: files.description,
    async read(name) {
      const hit = cache.get(name);
      if (hit) return hit;
      if (misses.has(name)) return null;
      const bytes = await files.read(name);
      if (bytes) cache.set(name, bytes);
      else misses.add(name);
      return bytes;
    },
  };
}

/** The ModelFiles of a source. Relative URLs resolve against the site (`base`). */
export function sourceFiles(source: ModelSource | StoredModelSource, base: string): ModelFiles {
  switch (source.kind) {
    case 'embedded':
      return urlFiles(new URL(source.url, base).href);
    case 'hub':
      return hubFiles(source.repo, { endpoint: source.endpoint, revision: source.revision });
    case 'url':
      return urlFiles(new URL(source.url, base).href);
    case 'files':
      if (!source.files.length) throw new PlaygroundError('no_model', 'no files were given: pick a checkpoint folder, or drop its files');
      return blobFiles(source.files, source.files.length === 1 ? source.files[0].name : `${source.files.length} selected files`);
    case 'stored':
      throw new PlaygroundError('not_resumable', `${source.description}: the stored copy must be read from the run's folder`);
  }
}

/** A short name for people: the folder's or repository's last segment, or the files' description. */
export function modelName(source: ModelSource | StoredModelSource, description: string): string {
  if (source.kind === 'embedded') return `${source.url.split('/').filter(Boolean).pop()} (embedded)`;
  if (source.kind === 'hub') return source.repo;
  if (source.kind === 'url') return source.url.replace(/\/+$/, '').split('/').pop() ?? description;
  return description;
}

/** Counts the parameters a safetensors header declares (no tensor is read). */
function countParameters(bytes: Uint8Array | undefined): number {
  if (!bytes || bytes.byteLength < 8) return 0;
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, { shape?: number[] }>;
  let n = 0;
  for (const [key, t] of Object.entries(header)) if (key !== '__metadata__' && t.shape) n += t.shape.reduce((a, b) => a * b, 1);
  return n;
}

/**
 * Reads a model's config and tokenizer and checks the architecture is one the playground trains.
 * The weights are read here too (so a bad file fails now, not at the first run) and kept.
 */
export async function loadModelSource(source: ModelSource | StoredModelSource, files: ModelFiles): Promise<LoadedModel> {
  const cache = new Map<string, Uint8Array>();
  const cached = cachingFiles(files, cache);
  const configBytes = await cached.read('config.json');
  if (!configBytes) {
    throw new PlaygroundError(
      'no_model',
      `config.json not found in ${files.description}: a checkpoint folder holds config.json, model.safetensors and the tokenizer files`,
    );
  }
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(new TextDecoder().decode(configBytes)) as Record<string, unknown>;
  } catch (e) {
    throw new ModelFileError('model_file_invalid', 'config.json', `${files.description}/config.json is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ModelFileError('model_file_invalid', 'config.json', `${files.description}/config.json must hold a JSON object`);
  }
  const modelType = String(config.model_type ?? '');
  // throws UnsupportedModelError listing the registered types
  if (!modelTypeEntry(modelType).tasks['sequence-classification']) {
    throw new UnsupportedModelError(`${files.description}: model_type '${modelType}' has no sequence-classification model to fine-tune`);
  }
  const weights = (await cached.read('model.safetensors')) ?? undefined;
  if (!weights && !(await cached.read('model.safetensors.index.json'))) {
    throw new PlaygroundError(
      'no_model',
      `${files.description} has no model.safetensors (nor model.safetensors.index.json); PyTorch .bin checkpoints must be converted to safetensors`,
    );
  }
  const tokenizer = await loadTokenizer(cached);
  const settings = await loadTokenizerSettings(cached);
  const pad = settings.padToken ? tokenizer.tokenToId(settings.padToken) : undefined;
  const padTokenId = pad ?? (typeof config.pad_token_id === 'number' ? config.pad_token_id : 0);
  const num = (k: string) => (typeof config[k] === 'number' ? (config[k] as number) : 0);
  const architectures = Array.isArray(config.architectures) ? (config.architectures as string[]) : [];
  return {
    files: cached,
    cache,
    tokenizer,
    tokenizerFiles: await tokenizerFiles(cached),
    config,
    padTokenId,
    stored: source.kind === 'files' ? null : source,
    info: {
      description: modelName(source, files.description),
      modelType,
      architecture: architectures[0] ?? modelType,
      layers: num('num_hidden_layers') || num('n_layers'),
      hiddenSize: num('hidden_size') || num('dim'),
      vocabSize: num('vocab_size'),
      parameters: countParameters(weights),
    },
  };
}

/** The same model again, from bytes stored with a run. */
export function storedFiles(bytes: Map<string, Uint8Array>, description: string): ModelFiles {
  return memoryFiles(bytes, description);
}
