/**
 * Node-only atomic file writes for `saveTokenizer`, with the behaviour of @graft/core's writer
 * (which this package may not import): the data goes to `<target>.<pid>.<random>.tmp` in the
 * same folder (so the rename cannot cross file systems), is flushed to disk, then renamed over
 * the target; on failure the temporary file is removed. A write killed outright (kill -9, power
 * loss) cannot remove its temporary file, so each write first removes the temporaries of the
 * same target whose process is gone. File system errors become E_IO errors that name the user's
 * path and say what to do, never the temporary name.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TokenizerError } from './errors';

/** Writes `data` to `path` atomically; `what` names the caller in errors. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, what: string): void {
  const dir = dirname(path);
  removeStaleTemporaries(path);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx'); // 'wx': never shares a temporary name with another writer
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    try {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was created (the folder is missing or not a folder), or it cannot be removed.
    }
    throw fileError(e, path, what, 'write', tmp);
  }
  syncFolder(dir);
}

/**
 * Removes `<target>.<pid>.<hex>.tmp` files whose pid is not a running process: what a killed
 * write of the same target left behind. A live pid (maybe a concurrent writer) is left alone.
 * Best effort: a folder we cannot list is reported by the write itself.
 */
export function removeStaleTemporaries(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    try {
      rmSync(join(dir, name), { force: true });
    } catch {
      // Someone else's file we may not remove: leave it.
    }
  }
}

/** True when a process with this pid exists (EPERM: it exists but belongs to another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes the rename durable. Best effort: some platforms (Windows) cannot open a folder. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // The file is already in place; only durability across a power cut is weaker here.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A file system error as an E_IO TokenizerError naming `path` (never the temporary `tmp`) and the fix. */
export function fileError(e: unknown, path: string, what: string, action: 'read' | 'write', tmp?: string): TokenizerError {
  if (e instanceof TokenizerError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const dir = dirname(path);
  const why: Record<string, string> = {
    ENOENT: action === 'write' ? `the folder "${dir}" does not exist; create it first` : `"${path}" does not exist`,
    ENOTDIR: `a part of "${dir}" is a file, not a folder`,
    EACCES: `permission denied; check the permissions of "${action === 'write' ? dir : path}"`,
    EPERM: `the operation is not permitted on "${action === 'write' ? dir : path}"`,
    EISDIR: `"${path}" is a folder, not a file`,
    EROFS: `"${dir}" is on a read-only file system`,
    ENOSPC: `no space is left on the device holding "${dir}"`,
    EMFILE: 'too many files are open in this process',
  };
  let reason = (code && why[code]) ?? (e as Error)?.message ?? String(e);
  if (tmp) reason = reason.replaceAll(tmp, path); // the user knows their path, not ours
  return new TokenizerError('E_IO', `${what}: cannot ${action} "${path}": ${reason}${code ? ` (${code})` : ''}`, { cause: e });
}
