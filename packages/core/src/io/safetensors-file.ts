/**
 * Node-only file helpers for safetensors (this module imports `node:fs`, so it is exposed from the
 * Node entry only; browsers use the bytes-in/bytes-out functions). Every write is atomic: a crash
 * or error mid-write leaves the old file (or no file), never a half-written checkpoint.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ArgumentError } from '../errors';
import { MAX_SAFETENSORS_HEADER_BYTES, parseSafetensors, readSafetensorsHeader, type SafetensorsFile, type SafetensorsHeader } from './safetensors-read';
import { serializeSafetensors, type TensorsToWrite } from './safetensors-write';

/** What {@link writeFileAtomic} can write: bytes, text (UTF-8), or chunks produced on the fly. */
export type AtomicWriteSource = Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Writes `data` to `path` atomically: into a uniquely named temporary file in the same folder
 * (so the rename cannot cross file systems), flushed to disk, then renamed over `path`. On any
 * failure — including an error thrown by a chunk source mid-way — the temporary file is removed
 * and the error rethrown, so nothing half-written remains.
 */
export async function writeFileAtomic(path: string, data: AtomicWriteSource): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    // 'wx' fails if the name exists, so two writers can never share a temporary file.
    handle = await open(tmp, 'wx');
    if (typeof data === 'string' || data instanceof Uint8Array) {
      await handle.writeFile(data);
    } else {
      for await (const chunk of data) await writeAll(handle, chunk);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

/** `FileHandle.write` may write less than asked; loop until the chunk is out. */
async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  if (!(chunk instanceof Uint8Array)) throw new TypeError(`writeFileAtomic: chunks must be Uint8Array, got ${typeof chunk}`);
  let done = 0;
  while (done < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done);
    done += bytesWritten;
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

/** Reads and parses a whole safetensors file (tensor bytes are views into one buffer). */
export async function readSafetensorsFile(path: string): Promise<SafetensorsFile> {
  const buf = await readFile(path);
  // A plain Uint8Array view, so callers never get Node Buffer semantics by surprise.
  return parseSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
}

/** Reads only the header of a safetensors file, without reading its tensor data. */
export async function readSafetensorsHeaderFile(path: string): Promise<SafetensorsHeader> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const prefix = new Uint8Array(8);
    const { bytesRead } = await handle.read(prefix, 0, 8, 0);
    if (bytesRead < 8) return readSafetensorsHeader(prefix.subarray(0, bytesRead), { fileSize: size });
    const view = new DataView(prefix.buffer);
    const declared = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
    // Let the shared validator report an oversized header before we allocate for it.
    if (declared > MAX_SAFETENSORS_HEADER_BYTES) return readSafetensorsHeader(prefix, { fileSize: size });
    const wanted = Math.min(8 + declared, size);
    const bytes = new Uint8Array(wanted);
    let got = 0;
    while (got < wanted) {
      const r = await handle.read(bytes, got, wanted - got, got);
      if (r.bytesRead === 0) break;
      got += r.bytesRead;
    }
    return readSafetensorsHeader(bytes.subarray(0, got), { fileSize: size });
  } finally {
    await handle.close();
  }
}

/** Writes a safetensors file atomically, from serialized bytes or from tensors (+ optional metadata). */
export async function writeSafetensorsFile(path: string, content: Uint8Array | TensorsToWrite, metadata?: Record<string, string>): Promise<void> {
  if (content instanceof Uint8Array) {
    if (metadata !== undefined) throw new ArgumentError('writeSafetensorsFile: metadata cannot be added to already serialized bytes');
    await writeFileAtomic(path, content);
  } else {
    await writeFileAtomic(path, serializeSafetensors(content, metadata));
  }
}
