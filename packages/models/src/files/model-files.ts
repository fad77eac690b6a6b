/**
 * Where a model's files come from. Loading reads through one small interface, `ModelFiles`
 * (`read(name)` → bytes or null when the file is not there), so a Node directory
 * (`@graft/models/node`'s `dirFiles`), URLs and the Hugging Face Hub's layout, browser `File`s and
 * in-memory maps all load the same way, and the main entry needs no Node API.
 */
import { ArgumentError } from '@graft/core';
import { ModelFileError } from '../errors';

/** A read-only set of named files (config.json, model.safetensors, tokenizer files …). */
export interface ModelFiles {
  /** The bytes of file `name`, or null when there is no such file. */
  read(name: string): Promise<Uint8Array | null>;
  /** Where the files are, for messages (`/models/bert`, `https://…`). */
  readonly description: string;
}

/** Anything `fromPretrained` accepts as files: a ModelFiles, or a map / record of name → bytes. */
export type ModelFilesLike = ModelFiles | Map<string, Uint8Array> | Record<string, Uint8Array>;

/** Whether `x` is a ModelFiles. */
function isModelFiles(x: unknown): x is ModelFiles {
  return typeof x === 'object' && x !== null && typeof (x as ModelFiles).read === 'function' && typeof (x as ModelFiles).description === 'string';
}

/** Files held in memory (what `toPretrainedFiles()` returns, or bytes a page fetched itself). */
export function memoryFiles(files: Map<string, Uint8Array> | Record<string, Uint8Array>, description = 'in-memory files'): ModelFiles {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return { description, read: async (name) => map.get(name) ?? null };
}

/** `x` as a ModelFiles (a map or record becomes {@link memoryFiles}). */
export function asModelFiles(x: ModelFilesLike): ModelFiles {
  if (isModelFiles(x)) return x;
  if (typeof x === 'string') {
    throw new ArgumentError(
      `got the path '${x}': this entry takes files (it runs in browsers too); import fromPretrained from '@graft/models/node' to read a directory`,
    );
  }
  if (x instanceof Map || (typeof x === 'object' && x !== null)) return memoryFiles(x as Map<string, Uint8Array>);
  throw new ArgumentError(`expected model files (a ModelFiles, a Map or a record of name → bytes), got ${x === null ? 'null' : typeof x}`);
}

/** Options of {@link urlFiles}. */
export interface UrlFilesOptions {
  /** The fetch to use (default `globalThis.fetch`), e.g. one that adds caching. */
  fetch?: typeof globalThis.fetch;
  /** Headers sent with every request (an `Authorization` token for private repositories). */
  headers?: Record<string, string>;
}

/**
 * Files under a URL: `read('config.json')` fetches `<base>/config.json`. A 404 means the file is
 * not there (null); any other failure is a `ModelFileError` naming the URL.
 */
export function urlFiles(base: string, opts: UrlFilesOptions = {}): ModelFiles {
  const root = base.replace(/\/+$/, '');
  return {
    description: root,
    async read(name) {
      const url = `${root}/${name.split('/').map(encodeURIComponent).join('/')}`;
      const doFetch = opts.fetch ?? globalThis.fetch;
      let res: Response;
      try {
        res = await doFetch(url, { headers: opts.headers });
      } catch (e) {
        throw new ModelFileError('model_file_read', name, `could not fetch ${url}: ${(e as Error).message}`, { cause: e });
      }
      if (res.status === 404) return null;
      if (!res.ok) throw new ModelFileError('model_file_read', name, `fetching ${url} failed: HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

/** Options of {@link hubFiles}. */
export interface HubFilesOptions extends UrlFilesOptions {
  /** Branch, tag or commit (default `main`). */
  revision?: string;
  /** The Hub's address (default `https://huggingface.co`); a mirror with the same layout works too. */
  endpoint?: string;
}

/** A Hugging Face Hub repository (`bert-base-uncased`, `org/name`): `<endpoint>/<repo>/resolve/<revision>/<file>`. */
export function hubFiles(repo: string, opts: HubFilesOptions = {}): ModelFiles {
  const endpoint = (opts.endpoint ?? 'https://huggingface.co').replace(/\/+$/, '');
  const revision = encodeURIComponent(opts.revision ?? 'main');
  return urlFiles(`${endpoint}/${repo.split('/').map(encodeURIComponent).join('/')}/resolve/${revision}`, opts);
}

/** A file as browsers hand them over (`File`, `Blob` with a name). */
export interface NamedBlob {
  readonly name: string;
  /** The file's bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Files a user picked in a browser (`<input type="file" multiple>`, drag and drop), by base name. */
export function blobFiles(files: Iterable<NamedBlob>, description = 'selected files'): ModelFiles {
  const byName = new Map<string, NamedBlob>();
  for (const f of files) byName.set(f.name.split(/[\\/]/).pop() ?? f.name, f);
  return {
    description,
    async read(name) {
      const f = byName.get(name);
      return f ? new Uint8Array(await f.arrayBuffer()) : null;
    },
  };
}

/** Reads `name`, failing with `model_file_missing` (naming where it looked) when it is not there. */
export async function readRequired(files: ModelFiles, name: string, why = ''): Promise<Uint8Array> {
  const bytes = await files.read(name);
  if (!bytes) throw new ModelFileError('model_file_missing', name, `${name} not found in ${files.description}${why ? `: ${why}` : ''}`);
  return bytes;
}

/** Parses JSON bytes of file `name`, failing with `model_file_invalid` naming the file (and the position JSON.parse reports). */
export function parseJsonFile(bytes: Uint8Array, name: string, files: ModelFiles): unknown {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFileError('model_file_invalid', name, `${files.description}/${name} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Reads and parses JSON file `name` as an object; null when absent and not `required`. */
export async function readJsonObject(files: ModelFiles, name: string, required: true): Promise<Record<string, unknown>>;
export async function readJsonObject(files: ModelFiles, name: string, required?: false): Promise<Record<string, unknown> | null>;
export async function readJsonObject(files: ModelFiles, name: string, required = false): Promise<Record<string, unknown> | null> {
  const bytes = required ? await readRequired(files, name) : await files.read(name);
  if (!bytes) return null;
  const value = parseJsonFile(bytes, name, files);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFileError(
      'model_file_invalid',
      name,
      `${files.description}/${name} must hold a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}
