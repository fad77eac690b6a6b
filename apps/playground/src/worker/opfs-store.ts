/**
 * A `CheckpointStore` over the browser's origin-private file system (OPFS), so a run's
 * checkpoints outlive the page. The store's promise is that a directory is written all or
 * nothing. OPFS has no directory rename in Chromium (`FileSystemHandle.move` is missing there),
 * but a file written through `createWritable()` replaces the old one only when the stream closes,
 * atomically. So a write puts its files into a fresh generation folder (`.g<n>`), then switches
 * one small file, `index.json` (logical name → generation), and only then removes the old
 * generation. A page closed mid-write leaves an unlisted generation, which the next write or
 * listing removes; a listing never shows a directory that is not whole.
 *
 * The store's root files (`''`: the final model, `trainer_state.json`) live in `.root/`, each
 * written atomically, as the contract asks. Names starting with a dot never collide with the
 * Trainer's names, which the store refuses to start with one.
 */
import { ArgumentError } from '@graft/core';
import type { CheckpointStore } from '@graft/train';

/** The index: each complete directory's generation folder. */
interface Index {
  dirs: Record<string, string>;
  next: number;
}

const INDEX = 'index.json';
const ROOT_FILES = '.root';

/** Checks a directory name the way the Trainer's stores do (one segment, no leading dot). */
function checkDir(dir: string, allowRoot: boolean): void {
  if (typeof dir !== 'string' || (dir === '' && !allowRoot) || /[/\\]|^\.|\0/.test(dir)) {
    throw new ArgumentError(`checkpoint directory must be a single name without slashes or a leading dot, got ${JSON.stringify(dir)}`);
  }
}

/** Checks a file name inside a directory. */
function checkFile(name: string): void {
  if (typeof name !== 'string' || name === '' || /[/\\]|^\.|\0/.test(name)) {
    throw new ArgumentError(`checkpoint file name must be a single name without slashes or a leading dot, got ${JSON.stringify(name)}`);
  }
}

/** Writes `bytes` to file `name` of `dir`; the old content stays until the write completes. */
export async function writeFileAtomic(dir: FileSystemDirectoryHandle, name: string, bytes: Uint8Array): Promise<void> {
  const handle = await dir.getFileHandle(name, { create: true });
  const stream = await handle.createWritable();
  try {
    await stream.write(bytes as Uint8Array<ArrayBuffer>);
    await stream.close();
  } catch (e) {
    await stream.abort().catch(() => {});
    throw e;
  }
}

/** The bytes of file `name` in `dir`, or null when it is not there. */
export async function readFileOrNull(dir: FileSystemDirectoryHandle, name: string): Promise<Uint8Array | null> {
  try {
    const file = await (await dir.getFileHandle(name)).getFile();
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    if ((e as DOMException).name === 'NotFoundError' || (e as DOMException).name === 'TypeMismatchError') return null;
    throw e;
  }
}

/** A sub-folder of `dir`, or null when it is not there. */
export async function folderOrNull(dir: FileSystemDirectoryHandle, name: string): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await dir.getDirectoryHandle(name);
  } catch (e) {
    if ((e as DOMException).name === 'NotFoundError' || (e as DOMException).name === 'TypeMismatchError') return null;
    throw e;
  }
}

/** Removes entry `name` of `dir` (recursively); nothing when it is not there. */
export async function removeEntry(dir: FileSystemDirectoryHandle, name: string): Promise<void> {
  try {
    await dir.removeEntry(name, { recursive: true });
  } catch (e) {
    if ((e as DOMException).name !== 'NotFoundError') throw e;
  }
}

/** The names in `dir`. */
export async function entryNames(dir: FileSystemDirectoryHandle): Promise<string[]> {
  const names: string[] = [];
  for await (const name of (dir as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }).keys()) names.push(name);
  return names;
}

/** A CheckpointStore in OPFS folder `root` (see the file comment). */
export class OpfsCheckpointStore implements CheckpointStore {
  readonly root: FileSystemDirectoryHandle;
  #index: Index | null = null;
  #swept = false;

  constructor(root: FileSystemDirectoryHandle) {
    this.root = root;
  }

  async #readIndex(): Promise<Index> {
    if (this.#index) return this.#index;
    const bytes = await readFileOrNull(this.root, INDEX);
    let index: Index = { dirs: {}, next: 0 };
    if (bytes) {
      try {
        const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Index;
        if (parsed && typeof parsed.dirs === 'object' && Number.isInteger(parsed.next)) index = parsed;
      } catch {
        // an index that does not parse was never written by this store (writes are atomic): start empty
      }
    }
    this.#index = index;
    return index;
  }

  async #writeIndex(index: Index): Promise<void> {
    await writeFileAtomic(this.root, INDEX, new TextEncoder().encode(JSON.stringify(index)));
    this.#index = index;
  }

  /** Removes generations no index entry names: what a page closed mid-write left behind. */
  async #sweep(): Promise<void> {
    if (this.#swept) return;
    this.#swept = true;
    const index = await this.#readIndex();
    const live = new Set(Object.values(index.dirs));
    for (const name of await entryNames(this.root)) if (/^\.g\d+$/.test(name) && !live.has(name)) await removeEntry(this.root, name);
  }

  async write(dir: string, files: Map<string, Uint8Array>): Promise<void> {
    checkDir(dir, true);
    for (const name of files.keys()) checkFile(name);
    if (dir === '') {
      const folder = await this.root.getDirectoryHandle(ROOT_FILES, { create: true });
      for (const [name, bytes] of files) await writeFileAtomic(folder, name, bytes);
      return;
    }
    await this.#sweep();
    const index = await this.#readIndex();
    const generation = `.g${index.next}`;
    // the counter moves first, so a generation name is never reused even if this write dies
    await this.#writeIndex({ dirs: index.dirs, next: index.next + 1 });
    const folder = await this.root.getDirectoryHandle(generation, { create: true });
    for (const [name, bytes] of files) await writeFileAtomic(folder, name, bytes);
    const previous = index.dirs[dir];
    await this.#writeIndex({ dirs: { ...index.dirs, [dir]: generation }, next: index.next + 1 });
    if (previous) await removeEntry(this.root, previous);
  }

  async read(dir: string, name: string): Promise<Uint8Array | null> {
    checkDir(dir, true);
    checkFile(name);
    const generation = dir === '' ? ROOT_FILES : (await this.#readIndex()).dirs[dir];
    if (!generation) return null;
    const folder = await folderOrNull(this.root, generation);
    return folder ? readFileOrNull(folder, name) : null;
  }

  async list(): Promise<string[]> {
    await this.#sweep();
    return Object.keys((await this.#readIndex()).dirs).sort();
  }

  async remove(dir: string): Promise<void> {
    checkDir(dir, false);
    const index = await this.#readIndex();
    const generation = index.dirs[dir];
    if (!generation) return;
    const dirs = { ...index.dirs };
    delete dirs[dir];
    await this.#writeIndex({ dirs, next: index.next });
    await removeEntry(this.root, generation);
  }
}

/** The folder `path` (slash-separated) under the origin's OPFS root, created if asked. */
export async function opfsFolder(path: string, create = true): Promise<FileSystemDirectoryHandle | null> {
  let dir = await navigator.storage.getDirectory();
  for (const part of path.split('/').filter(Boolean)) {
    if (create) dir = await dir.getDirectoryHandle(part, { create: true });
    else {
      const next = await folderOrNull(dir, part);
      if (!next) return null;
      dir = next;
    }
  }
  return dir;
}
