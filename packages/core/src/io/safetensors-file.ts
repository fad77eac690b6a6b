/**
 * Node-only file helpers for safetensors (this module imports `node:fs`, so it is exposed from the
 * Node entry only; browsers use the bytes-in/bytes-out functions). Every write goes through
 * `writeFileAtomic`: a crash or error mid-write leaves the old file (or no file), never a
 * half-written checkpoint, and the next write removes what a killed writer left behind.
 */
import { open, readFile } from 'node:fs/promises';
import { ArgumentError } from '../errors';
import {
  MAX_SAFETENSORS_HEADER_BYTES,
  parseSafetensors,
  type ReadHeaderOptions,
  readSafetensorsHeader,
  type SafetensorsFile,
  type SafetensorsHeader,
} from './safetensors-read';
import { serializeSafetensors, type TensorsToWrite } from './safetensors-write';
import { writeFileAtomic } from './write-file-atomic';

export { type AtomicWriteSource, FileWriteError, type FileWriteErrorCode, writeFileAtomic } from './write-file-atomic';

/** Options of the file readers: the header's structural limits (see `SAFETENSORS_HEADER_LIMITS`). */
export type ReadFileOptions = Pick<ReadHeaderOptions, 'limits'>;

/** Reads and parses a whole safetensors file (tensor bytes are views into one buffer). */
export async function readSafetensorsFile(path: string, options: ReadFileOptions = {}): Promise<SafetensorsFile> {
  const buf = await readFile(path);
  // A plain Uint8Array view, so callers never get Node Buffer semantics by surprise.
  return parseSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), options);
}

/** Reads only the header of a safetensors file, without reading its tensor data. */
export async function readSafetensorsHeaderFile(path: string, options: ReadFileOptions = {}): Promise<SafetensorsHeader> {
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
    return readSafetensorsHeader(bytes.subarray(0, got), { fileSize: size, limits: options.limits });
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
