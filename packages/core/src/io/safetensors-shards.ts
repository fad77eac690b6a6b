/**
 * Sharded checkpoints: `model.safetensors.index.json` maps each tensor to the shard file that holds
 * it. Reading validates the index (including that every file is a plain name in the same folder,
 * so an index cannot point a loader at `../../somewhere`); planning reproduces huggingface_hub's
 * `split_state_dict_into_shards` and writes the index exactly as transformers' `save_pretrained` does.
 */
import { ArgumentError } from '../errors';
import { quoted, SafetensorsError } from './safetensors-error';
import { safetensorsItemSize, type SafetensorsDType } from './safetensors-dtype';
import { compareCodePoints } from './safetensors-write';

/** A parsed `*.safetensors.index.json`. */
export interface ShardIndex {
  /** The index's `metadata` object (`total_size` checked to be a byte count when present). */
  metadata: Record<string, unknown> & { total_size?: number };
  /** Tensor name → shard file name. */
  weightMap: Map<string, string>;
  /** The distinct shard files, sorted (so `-00001-of-` comes first). */
  files: string[];
}

/** Parses and validates a shard index, given as JSON text or as the already-parsed value. */
export function parseShardIndex(json: string | unknown): ShardIndex {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw invalidIndex(`is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!isObject(value)) throw invalidIndex('must be a JSON object');
  const rawMap = value.weight_map;
  if (!isObject(rawMap)) throw invalidIndex("has no 'weight_map' object");
  const rawMeta = value.metadata ?? {};
  if (!isObject(rawMeta)) throw invalidIndex("'metadata' must be an object");
  const total = rawMeta.total_size;
  if (total !== undefined && !(typeof total === 'number' && Number.isSafeInteger(total) && total >= 0)) {
    throw invalidIndex(`'metadata.total_size' is ${describe(total)}, not a byte count`);
  }
  const weightMap = new Map<string, string>();
  for (const [name, file] of Object.entries(rawMap)) {
    if (typeof file !== 'string') throw invalidIndex(`maps tensor ${quoted(name)} to ${describe(file)}, not a file name`, name);
    if (!isPlainFileName(file)) throw invalidIndex(`maps tensor ${quoted(name)} to ${quoted(file)}, which is not a file in the checkpoint's folder`, name);
    weightMap.set(name, file);
  }
  const files = [...new Set(weightMap.values())].sort(compareCodePoints);
  return { metadata: { ...rawMeta } as ShardIndex['metadata'], weightMap, files };
}

/** What {@link planShards} needs to know about a tensor. */
export interface ShardPlanTensor {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
}

/** One planned shard. */
export interface PlannedShard {
  file: string;
  /** The tensors it holds, in the order they were given. */
  names: string[];
  /** The bytes of tensor data it holds (the file adds its header). */
  bytes: number;
}

/** The files a checkpoint is saved as. */
export interface ShardPlan {
  shards: PlannedShard[];
  /** Bytes of tensor data over all shards (the index's `total_size`). */
  totalSize: number;
  /** The index file's name, or null when everything fits in one unsharded file. */
  indexFile: string | null;
  /** The index file's text (`json.dumps(index, indent=2, sort_keys=True) + "\n"`), or null when unsharded. */
  indexJson: string | null;
}

/** Options for {@link planShards}. */
export interface PlanShardsOptions {
  /** The file name stem: `model` gives `model-00001-of-00003.safetensors` and `model.safetensors.index.json`. */
  prefix?: string;
  /** When given, written as `metadata.total_parameters`, as recent transformers versions do. */
  totalParameters?: number;
}

/**
 * Splits tensors into shards of at most `maxShardBytes` (a byte count, or a size like `'5GB'`
 * (10^9) or `'500MiB'` (2^20)), walking the tensors in order and starting a new shard when the next
 * one would not fit; a tensor larger than the limit gets a shard of its own. One shard means one
 * plain `model.safetensors` and no index, as transformers writes it.
 */
export function planShards(tensors: readonly ShardPlanTensor[], maxShardBytes: number | string = '5GB', options: PlanShardsOptions = {}): ShardPlan {
  const limit = typeof maxShardBytes === 'string' ? parseByteSize(maxShardBytes) : maxShardBytes;
  if (!(Number.isSafeInteger(limit) && limit > 0)) throw new ArgumentError(`maxShardBytes must be a positive byte count, got ${String(maxShardBytes)}`);
  const prefix = options.prefix ?? 'model';
  const groups: Array<{ names: string[]; bytes: number }> = [];
  let current = { names: [] as string[], bytes: 0 };
  let totalSize = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1) * safetensorsItemSize(t.dtype);
    totalSize += size;
    if (size > limit) {
      groups.push({ names: [t.name], bytes: size });
      continue;
    }
    if (current.bytes + size > limit) {
      groups.push(current);
      current = { names: [], bytes: 0 };
    }
    current.names.push(t.name);
    current.bytes += size;
  }
  if (current.names.length > 0 || groups.length === 0) groups.push(current);
  if (groups.length === 1) {
    return { shards: [{ file: `${prefix}.safetensors`, ...groups[0] }], totalSize, indexFile: null, indexJson: null };
  }
  const count = String(groups.length).padStart(5, '0');
  const shards = groups.map((g, i) => ({ file: `${prefix}-${String(i + 1).padStart(5, '0')}-of-${count}.safetensors`, ...g }));
  const metadata: Record<string, number> = { total_size: totalSize };
  if (options.totalParameters !== undefined) metadata.total_parameters = options.totalParameters;
  // No prototype, so a tensor named '__proto__' is an ordinary key.
  const weightMap: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const s of shards) for (const n of s.names) weightMap[n] = s.file;
  const indexJson = `${pythonJson({ metadata, weight_map: weightMap }, '')}\n`;
  return { shards, totalSize, indexFile: `${prefix}.safetensors.index.json`, indexJson };
}

const SIZE_UNITS: Record<string, number> = { KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** Parses a size like `'5GB'` (decimal, as huggingface_hub reads it) or `'2GiB'` (binary) into bytes. */
export function parseByteSize(size: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B)\s*$/i.exec(size);
  if (!m) throw new ArgumentError(`cannot read '${size}' as a size; use e.g. '5GB', '500MB' or '2GiB'`);
  return Math.floor(Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()]);
}

/** JSON as Python's `json.dumps(value, indent=2, sort_keys=True)` prints it (ensure_ascii included). */
function pythonJson(value: unknown, indent: string): string {
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number') return String(value);
  if (isObject(value)) {
    const keys = Object.keys(value).sort(compareCodePoints);
    if (keys.length === 0) return '{}';
    const inner = `${indent}  `;
    const items = keys.map((k) => `${inner}${pythonString(k)}: ${pythonJson(value[k], inner)}`);
    return `{\n${items.join(',\n')}\n${indent}}`;
  }
  throw new Error(`unexpected value in shard index: ${String(value)}`);
}

/** A string literal as Python's json writes it with ensure_ascii=True: every non-printable-ASCII unit as \uXXXX. */
function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

function isPlainFileName(file: string): boolean {
  return file.length > 0 && file !== '.' && file !== '..' && !/[/\\\0]/.test(file) && !/^[A-Za-z]:/.test(file);
}

/** What a JSON value is, for messages, without serialising it (a deeply nested one cannot be). */
function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return quoted(x);
  return typeof x === 'object' ? 'an object' : `${typeof x} ${String(x).slice(0, 40)}`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function invalidIndex(why: string, tensor?: string): SafetensorsError {
  return new SafetensorsError('safetensors_invalid_index', `safetensors shard index ${why}`, tensor);
}
