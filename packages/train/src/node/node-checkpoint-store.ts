/**
 * Checkpoints as directories of an output directory, written atomically: the files go into a
 * temporary directory (`.<name>.<pid>.<random>.tmp`), each is flushed to disk, the directory
 * is flushed, and only then is it renamed to `<name>`. A process killed at any point leaves
 * either no `<name>` or a complete one, never half a checkpoint.
 *
 * Replacing an existing directory takes two renames (POSIX cannot rename over a non-empty
 * directory): the old one moves aside to `.<name>.<pid>.<random>.old` first. Removal also
 * renames before deleting. Leftovers of killed processes are cleaned up at the next write or
 * listing: temporaries are deleted, and an `.old` whose `<name>` is missing (a crash between
 * the two renames) is renamed back, so the previous checkpoint survives.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FileWriteError, type FileWriteErrorCode, writeFileAtomic } from '@graft/core/node';
import { type CheckpointStore, checkDirName, checkFileName } from '../checkpoint/store';

/** Leftovers untouched for this long are stale whoever made them (a pid reused by another process). */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
const LEFTOVER = /^\.(.+)\.(\d+)\.([0-9a-f]{12})\.(tmp|old)$/;

/** Temporary directories this process is writing now (shared by every copy of this module in it). */
const inFlight: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('graft.nodeCheckpointStore.inFlight')] ??= new Set<string>()) as Set<string>;

/** A {@link CheckpointStore} over the directory `root` (created on the first write). */
export function nodeCheckpointStore(root: string): CheckpointStore & { readonly root: string } {
  return {
    root,
    async write(dir, files) {
      checkDirName(dir);
      for (const name of files.keys()) checkFileName(name);
      await io(mkdir(root, { recursive: true }), root);
      if (dir === '') {
        for (const [name, bytes] of files) await writeFileAtomic(join(root, name), bytes);
        return;
      }
      await cleanLeftovers(root);
      const target = join(root, dir);
      const tmp = leftoverPath(root, dir, 'tmp');
      inFlight.add(resolve(tmp));
      try {
        await io(mkdir(tmp), target);
        for (const [name, bytes] of files) await writeSynced(join(tmp, name), bytes, target);
        await syncDirectory(tmp);
        if (await exists(target)) {
          const old = leftoverPath(root, dir, 'old');
          inFlight.add(resolve(old));
          try {
            await io(rename(target, old), target);
            await io(rename(tmp, target), target);
            await rm(old, { recursive: true, force: true });
          } finally {
            inFlight.delete(resolve(old));
          }
        } else {
          await io(rename(tmp, target), target);
        }
        await syncDirectory(root);
      } catch (e) {
        await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
        throw e;
      } finally {
        inFlight.delete(resolve(tmp));
      }
    },
    async read(dir, name) {
      checkDirName(dir);
      checkFileName(name);
      try {
        return new Uint8Array(await readFile(join(root, dir, name)));
      } catch (e) {
        if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return null;
        throw e;
      }
    },
    async list() {
      await cleanLeftovers(root);
      try {
        const entries = await readdir(root, { withFileTypes: true });
        return entries
          .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
          .map((e) => e.name)
          .sort();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
    },
    async remove(dir) {
      checkDirName(dir, false);
      const target = join(root, dir);
      if (!(await exists(target))) return;
      const doomed = leftoverPath(root, dir, 'tmp');
      await io(rename(target, doomed), target);
      await rm(doomed, { recursive: true, force: true });
    },
  };
}

function leftoverPath(root: string, dir: string, kind: 'tmp' | 'old'): string {
  return join(root, `.${dir}.${process.pid}.${randomBytes(6).toString('hex')}.${kind}`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes one file and flushes it to disk ('wx': never an existing file). */
async function writeSynced(path: string, bytes: Uint8Array, target: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await io(open(path, 'wx'), target);
    await io(handle.writeFile(bytes), target);
    await io(handle.sync(), target);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Flushes a directory's entries (the renames); best effort, as some platforms cannot open a directory. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // the data is complete either way; only durability across a power cut is weaker here
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Whether a process with this pid exists (EPERM: it does, but is someone else's). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the leftovers of killed writers in `root` (see the file comment). One is stale when
 * its pid is not running, or is this process's but no write of this process has it, or it is a
 * day old. Best effort: what cannot be listed or removed is left for next time.
 */
export async function cleanLeftovers(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const cleaned: string[] = [];
  for (const name of names) {
    const m = LEFTOVER.exec(name);
    if (!m) continue;
    const full = join(root, name);
    if (inFlight.has(resolve(full))) continue;
    const pid = Number(m[2]);
    let stale = pid === process.pid || !isRunning(pid);
    if (!stale) {
      const info = await stat(full).catch(() => null);
      stale = info !== null && Date.now() - info.mtimeMs > STALE_AFTER_MS;
    }
    if (!stale) continue;
    const target = join(root, m[1]);
    if (m[4] === 'old' && !(await exists(target))) await rename(full, target).catch(() => undefined);
    else await rm(full, { recursive: true, force: true }).catch(() => undefined);
    cleaned.push(full);
  }
  return cleaned;
}

/** File-system errors as core's `FileWriteError` about the checkpoint directory, with what to do. */
function io<T>(p: Promise<T>, target: string): Promise<T> {
  return p.catch((e: unknown) => {
    const errno = (e as NodeJS.ErrnoException | null)?.code;
    const why: Record<string, [FileWriteErrorCode, string]> = {
      EACCES: ['write_permission_denied', 'permission denied; choose an output directory you can write to'],
      EPERM: ['write_permission_denied', 'permission denied; choose an output directory you can write to'],
      EROFS: ['write_read_only', 'the file system is read-only; choose a writable output directory'],
      ENOTDIR: ['write_not_a_folder', 'part of the path is a file, not a directory; choose another output directory'],
      ENOSPC: ['write_no_space', 'no space left on the device; free some space (earlier checkpoints are intact), or set saveTotalLimit'],
      EDQUOT: ['write_no_space', 'the disk quota is full; free some space (earlier checkpoints are intact), or set saveTotalLimit'],
    };
    if (typeof errno !== 'string') throw e;
    const [code, what] = why[errno] ?? ['write_failed', `${errno} from the file system; earlier checkpoints are intact`];
    throw new FileWriteError(code, target, `cannot write '${target}': ${what}`, e);
  });
}
