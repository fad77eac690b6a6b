/**
 * Where checkpoints go. The Trainer only talks to this interface, so Node directories
 * (`nodeCheckpointStore` in `@graft/train/node`), browser storage (OPFS) and memory share one
 * Trainer. A store holds named directories of files under one root (the output directory).
 */
import { ArgumentError } from '@graft/core';

/**
 * A place for checkpoint directories. `write` is all or nothing: after a crash the directory
 * either holds every file of the write or is as it was. `dir` is a single name
 * (`checkpoint-500`); `''` is the root itself, whose files are each written atomically.
 */
export interface CheckpointStore {
  /** Writes `files` as directory `dir`, replacing it whole. */
  write(dir: string, files: Map<string, Uint8Array>): Promise<void>;
  /** One file's bytes, or null when the directory or the file does not exist. */
  read(dir: string, name: string): Promise<Uint8Array | null>;
  /** The complete directories, sorted (never a write in progress or an interrupted one). */
  list(): Promise<string[]>;
  /** Removes a directory; a crash during removal never leaves it half there. */
  remove(dir: string): Promise<void>;
}

/** Checks a store-relative directory name (one path segment, or `''` for the root). */
export function checkDirName(dir: string, allowRoot = true): void {
  if (typeof dir !== 'string' || (dir === '' && !allowRoot) || /[/\\]|^\.|\0/.test(dir)) {
    throw new ArgumentError(`checkpoint directory must be a single name without slashes or a leading dot, got ${JSON.stringify(dir)}`);
  }
}

/** Checks a file name inside a checkpoint directory. */
export function checkFileName(name: string): void {
  if (typeof name !== 'string' || name === '' || /[/\\]|^\.|\0/.test(name)) {
    throw new ArgumentError(`checkpoint file name must be a single name without slashes or a leading dot, got ${JSON.stringify(name)}`);
  }
}

/** A store in memory (the default when no store is given): for tests, and pages without storage. */
export function memoryCheckpointStore(): CheckpointStore & { readonly dirs: Map<string, Map<string, Uint8Array>> } {
  const dirs = new Map<string, Map<string, Uint8Array>>();
  return {
    dirs,
    async write(dir, files) {
      checkDirName(dir);
      for (const name of files.keys()) checkFileName(name);
      const copy = new Map([...files].map(([k, v]) => [k, v.slice()]));
      if (dir === '') dirs.set('', new Map([...(dirs.get('') ?? []), ...copy]));
      else dirs.set(dir, copy);
    },
    async read(dir, name) {
      return dirs.get(dir)?.get(name)?.slice() ?? null;
    },
    async list() {
      return [...dirs.keys()].filter((d) => d !== '').sort();
    },
    async remove(dir) {
      checkDirName(dir, false);
      dirs.delete(dir);
    },
  };
}
