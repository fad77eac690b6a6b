/**
 * Files for the readers: a path becomes a stream of chunks read on demand (a `chunkSize` at a
 * time, so a file larger than memory streams), gzip is undone with node:zlib when the name ends
 * in `.gz` (or the bytes say so), and the format comes from the extension.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ArgumentError } from '@graft/core';
import type { AsyncBuffer } from 'hyparquet';
import type { Gunzip, SourceContext } from '../chunks';
import { DataSourceError } from '../errors';
import type { ReadOptions } from '../options';

/** Options of the file readers besides the format's own. */
export interface FileOptions {
  /** Bytes read at a time (default 64 KiB): what a streaming reader holds besides one unfinished row. */
  chunkSize?: number;
}

/** The formats the file readers know. */
export type FileFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet';

const EXTENSIONS: Record<string, FileFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  jsonlines: 'jsonl',
  parquet: 'parquet',
};

/** The extensions of the built-in formats, without the dot. */
export const BUILTIN_EXTENSIONS: readonly string[] = Object.keys(EXTENSIONS);

/** The format and compression of a file, from its name (`train.csv.gz` → csv, gzip); null when unknown. */
export function formatOf(path: string): { format: FileFormat; gzip: boolean } | null {
  const name = path.toLowerCase().split(/[\\/]/).pop() ?? '';
  const gzip = name.endsWith('.gz');
  const ext = (gzip ? name.slice(0, -3) : name).split('.').pop() ?? '';
  const format = EXTENSIONS[ext];
  return format ? { format, gzip } : null;
}

/** The format of `path`, or a DataSourceError listing the known extensions (the built-in ones and `registered`). */
export function requireFormat(path: string, registered: readonly string[] = []): { format: FileFormat; gzip: boolean } {
  const f = formatOf(path);
  if (!f)
    throw new DataSourceError(
      'unknown_format',
      path,
      `${path}: cannot tell the format from the name; use a file ending in ${[...Object.keys(EXTENSIONS), ...registered]
        .map((e) => `.${e}`)
        .join(', ')} (optionally .gz), or call the reader for the format`,
    );
  return f;
}

/** Gzip through node:zlib; errors of the source and of the data both reach the consumer. */
export const zlibGunzip: Gunzip = (chunks) => {
  const out = createGunzip();
  pipeline(Readable.from(chunks), out, () => {});
  return out;
};

/** The Node entry's reader context. */
export const nodeContext: SourceContext = { gunzip: zlibGunzip };

/** Checks that `path` is a readable file; a DataSourceError otherwise. */
export async function checkFile(path: string): Promise<number> {
  if (typeof path !== 'string' || path === '') throw new ArgumentError(`a file path must be a non-empty string, got ${JSON.stringify(path)}`);
  try {
    const s = await stat(path);
    if (s.isDirectory())
      throw new DataSourceError('file_not_found', path, `${path} is a folder, not a file (for a Hugging Face dataset folder, use loadHfDataset)`);
    return s.size;
  } catch (e) {
    if (e instanceof DataSourceError) throw e;
    throw new DataSourceError('file_not_found', path, `${path}: no such file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`, {
      cause: e,
    });
  }
}

/** The chunks of a file, read as they are pulled. */
export async function* fileChunks(path: string, chunkSize: number): AsyncGenerator<Uint8Array> {
  try {
    yield* createReadStream(path, { highWaterMark: chunkSize }) as AsyncIterable<Buffer>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataSourceError(
      code === 'ENOENT' ? 'file_not_found' : 'read_failed',
      path,
      `${path}: cannot read the file (${code ?? (e as Error).message})${code === 'EACCES' ? '; check its permissions' : ''}`,
      { cause: e },
    );
  }
}

/** The reader options for a file: its path as the name in messages, gzip from the extension. */
export function fileReadOptions<O extends ReadOptions & FileOptions>(
  path: string,
  opts: O | undefined,
  where: string,
): { read: Omit<O, 'chunkSize'>; chunkSize: number } {
  const { chunkSize = 64 * 1024, ...read } = (opts ?? {}) as O;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new ArgumentError(`${where}: chunkSize must be a positive number of bytes, got ${String(chunkSize)}`);
  const gzip = formatOf(path)?.gzip ?? path.toLowerCase().endsWith('.gz');
  return { read: { file: path, ...(gzip && read.compression === undefined ? { compression: 'gzip' } : {}), ...read } as Omit<O, 'chunkSize'>, chunkSize };
}

/** A hyparquet AsyncBuffer over an open file: ranged reads, so only the footer and the row groups read are in memory. */
export function fileAsyncBuffer(handle: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end = size) {
      const buffer = new Uint8Array(Math.max(0, end - start));
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.buffer;
    },
  };
}

/** Opens a file for ranged reads. */
export async function openFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  const size = await checkFile(path);
  return { handle: await open(path, 'r'), size };
}
