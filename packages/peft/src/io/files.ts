/**
 * Where adapter files come from. Loading reads through one small interface, `AdapterFiles`
 * (`read(name)` → bytes, or null when the file is not there), so a Node directory
 * (`@graft/peft/node`'s `adapterDirFiles`), fetched bytes and in-memory maps load the same way,
 * and the main entry needs no Node API. The same shape as @graft/models' `ModelFiles`, so one
 * object serves both.
 */
import { ArgumentError } from '@graft/core';

/** PEFT's file names. */
export const ADAPTER_CONFIG_NAME = 'adapter_config.json';
/** The adapter weights, in safetensors. */
export const ADAPTER_WEIGHTS_NAME = 'adapter_model.safetensors';
/** PEFT's legacy pickle, which Graft refuses to read (unpickling runs code). */
export const ADAPTER_PICKLE_NAME = 'adapter_model.bin';

/** A read-only set of named files. */
export interface AdapterFiles {
  /** The bytes of file `name` (`adapter_config.json`, `other/adapter_model.safetensors`), or null when there is no such file. */
  read(name: string): Promise<Uint8Array | null>;
  /** Where the files are, for messages. */
  readonly description: string;
}

/** Anything loading accepts as files: an AdapterFiles, or a map / record of name → bytes (what `toAdapterFiles()` returns). */
export type AdapterFilesLike = AdapterFiles | Map<string, Uint8Array> | Record<string, Uint8Array>;

function isAdapterFiles(x: unknown): x is AdapterFiles {
  return typeof x === 'object' && x !== null && typeof (x as AdapterFiles).read === 'function' && typeof (x as AdapterFiles).description === 'string';
}

/** `x` as AdapterFiles (a map or record is read from memory). */
export function asAdapterFiles(x: AdapterFilesLike): AdapterFiles {
  if (isAdapterFiles(x)) return x;
  if (typeof x === 'string') {
    throw new ArgumentError(
      `got the path '${x}': this entry takes files (it runs in browsers too); import { PeftModel, loadPeftAdapter } from '@graft/peft/node' to read a directory`,
    );
  }
  if (typeof x !== 'object' || x === null)
    throw new ArgumentError(`expected adapter files (an AdapterFiles, a Map or a record of name → bytes), got ${x === null ? 'null' : typeof x}`);
  const map = x instanceof Map ? x : new Map(Object.entries(x));
  return { description: 'in-memory adapter files', read: async (name) => map.get(name) ?? null };
}

/** `name` inside `subfolder` (PEFT saves adapters other than 'default' in a folder named after them). */
export function inFolder(subfolder: string | undefined, name: string): string {
  return subfolder ? `${subfolder.replace(/\/+$/, '')}/${name}` : name;
}
