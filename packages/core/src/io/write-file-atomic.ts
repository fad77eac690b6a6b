/**
 * Atomic file writes for Node, shared by every package that saves files (safetensors, state
 * dicts, checkpoints). Data goes to a temporary file in the target's folder, is flushed to disk,
 * then renamed over the target: a crash at any point leaves the previous file or the new one,
 * never half of either.
 *
 * A process killed mid-write cannot remove its temporary file (six `kill -9`s of checkpoint
 * writes left 862 MB behind), so every write first removes the stale temporaries of its own
 * target. A temporary is named `.<target>.<host>.<pid>.<random>.tmp`, and one is stale when:
 * - it is this host's and its pid is not a running process (the writer died), or it is this
 *   process's own pid but no write of this process has it open (an earlier process that had the
 *   same pid, as containers often reuse pids);
 * - or it has not been modified for a day (a pid reused by an unrelated process, or a writer on
 *   another host of a shared folder: a live writer touches its file with every chunk).
 * Two writers of one target, in one process or in two, therefore never remove each other's
 * temporary: each renames its own complete file, and the last rename wins.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ArgumentError, GraftError } from '../errors';

/** What {@link writeFileAtomic} can write: bytes, text (UTF-8), or chunks produced on the fly. */
export type AtomicWriteSource = Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** The stable codes of a {@link FileWriteError}. */
export type FileWriteErrorCode =
  /** EACCES, EPERM: no permission to create files in the folder (or to replace the target). */
  | 'write_permission_denied'
  /** EROFS: the folder is on a read-only file system. */
  | 'write_read_only'
  /** ENOENT: the folder does not exist. */
  | 'write_folder_missing'
  /** ENOTDIR: part of the folder's path is a file. */
  | 'write_not_a_folder'
  /** EISDIR: the target itself is a folder. */
  | 'write_target_is_folder'
  /** ENOSPC, EDQUOT: the disk or the user's quota is full. */
  | 'write_no_space'
  /** Any other file-system error. */
  | 'write_failed';

/**
 * A file could not be written. The message names the path the caller asked for (never the
 * temporary file) and what to do; the previous file, if there was one, is intact. `cause` holds
 * Node's original error and `errno` its code (`'EACCES'`, …).
 */
export class FileWriteError extends GraftError {
  /** The file the caller asked to write. */
  readonly path: string;
  /** Node's error code, e.g. `'ENOSPC'`. */
  readonly errno: string | undefined;

  constructor(code: FileWriteErrorCode, path: string, message: string, cause?: unknown) {
    super(code, message, { cause });
    this.path = path;
    this.errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

/** Temporaries untouched for this long are stale whoever wrote them. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** This host, as 8 hex digits: temporaries of other hosts sharing a folder are never judged by pid. */
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** Temporaries this process is writing now, shared by every copy of this module loaded in it. */
const inFlight: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('graft.writeFileAtomic.inFlight')] ??= new Set<string>()) as Set<string>;

/**
 * Writes `data` to `path` atomically: into a uniquely named temporary file in the same folder
 * (so the rename cannot cross file systems), flushed to disk, then renamed over `path`. Stale
 * temporaries of `path` left by killed writers are removed first (see the file comment). On any
 * failure the temporary file is removed and the previous file is left as it was; file-system
 * failures throw a {@link FileWriteError} naming `path`, errors of a chunk source are rethrown.
 * @example await writeFileAtomic('checkpoints/step-100.safetensors', bytes)
 */
export async function writeFileAtomic(path: string, data: AtomicWriteSource): Promise<void> {
  const dir = dirname(path);
  await removeStaleTemporaries(path);
  const tmp = join(dir, `.${basename(path)}.${HOST}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const key = resolve(tmp);
  // File-system errors become FileWriteErrors; a chunk source's own errors (which may be Node
  // errors about some other file) pass through unchanged.
  const io = <T>(p: Promise<T>): Promise<T> => p.catch((err: unknown) => Promise.reject(fileWriteError(err, path)));
  inFlight.add(key);
  let handle: FileHandle | undefined;
  try {
    // 'wx' fails if the name exists, so two writers can never share a temporary file.
    handle = await io(open(tmp, 'wx'));
    if (typeof data === 'string' || data instanceof Uint8Array) {
      await io(handle.writeFile(data));
    } else {
      for await (const chunk of data) {
        if (!(chunk instanceof Uint8Array)) throw new ArgumentError(`writeFileAtomic('${path}'): chunks must be Uint8Array, got ${typeof chunk}`);
        // FileHandle.write may write less than asked; loop until the chunk is out.
        for (let done = 0; done < chunk.length; ) done += (await io(handle.write(chunk, done, chunk.length - done))).bytesWritten;
      }
    }
    await io(handle.sync());
    await handle.close();
    handle = undefined;
    await io(rename(tmp, path));
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  } finally {
    inFlight.delete(key);
  }
  await syncDirectory(dir);
}

/**
 * Removes the stale temporaries of `path` (see the file comment for which are stale), including
 * those of earlier Graft versions (`.<target>.<pid>.<random>.tmp`, judged as this host's). Best
 * effort: a folder that cannot be listed, or a file another cleaner removed first, is no error.
 */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(?:([0-9a-f]{8})\.)?(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const full = join(dir, name);
    if (inFlight.has(resolve(full))) continue;
    const [, host = HOST, pidText] = m;
    const pid = Number(pidText);
    let stale = host === HOST && (pid === process.pid || !isRunning(pid));
    if (!stale) {
      const info = await stat(full).catch(() => null);
      stale = info !== null && Date.now() - info.mtimeMs > STALE_AFTER_MS;
    }
    if (
      stale &&
      (await rm(full, { force: true }).then(
        () => true,
        () => false,
      ))
    )
      removed.push(full);
  }
  return removed;
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A Node file-system error as a {@link FileWriteError} about `path`, saying what to do; other errors pass through. */
export function fileWriteError(err: unknown, path: string): unknown {
  const errno = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof errno !== 'string' || !/^E[A-Z]+$/.test(errno)) return err;
  const dir = dirname(path);
  const fail = (code: FileWriteErrorCode, what: string) => new FileWriteError(code, path, `cannot write '${path}': ${what}`, err);
  switch (errno) {
    case 'EACCES':
    case 'EPERM':
      return fail('write_permission_denied', `permission denied in the folder '${dir}'; choose a folder you can write to, or change its permissions`);
    case 'EROFS':
      return fail('write_read_only', `the folder '${dir}' is on a read-only file system; choose a writable folder`);
    case 'ENOENT':
      return fail('write_folder_missing', `the folder '${dir}' does not exist; create it first (e.g. fs.mkdir(dir, { recursive: true }))`);
    case 'ENOTDIR':
      return fail('write_not_a_folder', `part of the folder path '${dir}' is a file, not a folder; choose another path`);
    case 'EISDIR':
      return fail('write_target_is_folder', 'it is a folder; give the path of a file inside it');
    case 'ENOSPC':
    case 'EDQUOT':
      return fail(
        'write_no_space',
        `no space left on the device of '${dir}' (or the disk quota is full); free some space and write again. The previous file, if any, is unchanged`,
      );
    default:
      return fail('write_failed', `${errno} from the file system; the previous file, if any, is unchanged`);
  }
}

/** Makes the rename itself durable. Best effort: some platforms (Windows) cannot open a folder. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // The data is already safely renamed; only durability across a power cut is weaker here.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
