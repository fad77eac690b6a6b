/**
 * From any source to text chunks, pulled one at a time: strings, bytes, Blobs, web
 * ReadableStreams and (async) iterables of chunks all become an async iterable of byte or string
 * chunks, gzip is undone when asked or sniffed, and bytes are decoded as UTF-8 as they arrive.
 * Nothing here reads ahead: a consumer that stops pulling stops the reading, which is what keeps
 * a streamed file's memory bounded.
 */
import { ArgumentError } from '@graft/core';
import { DataFormatError } from './errors';
import type { Hasher } from './fingerprint';
import type { ReadOptions, ReadReport } from './options';

/** Anything a reader accepts: text, bytes, a Blob/File, a web stream, or (async) iterables of chunks. */
export type DataSource =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

/** Undoes gzip on a stream of bytes (the main entry uses DecompressionStream; the Node entry, node:zlib). */
export type Gunzip = (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

/** What the Node entry passes to the readers beside the user's options. */
export interface SourceContext {
  gunzip?: Gunzip;
}

/** The source's chunks, as they come. */
export async function* rawChunks(source: DataSource, where: string): AsyncGenerator<Uint8Array | string> {
  if (typeof source === 'string' || source instanceof Uint8Array) return yield source;
  if (source instanceof ArrayBuffer) return yield new Uint8Array(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return yield* rawChunks(source.stream(), where);
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
    // getReader() rather than async iteration: Safari's ReadableStream is not async-iterable.
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield checkChunk(value, where);
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (source && typeof source === 'object' && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) yield checkChunk(chunk, where);
    return;
  }
  throw new ArgumentError(`${where}: a source is a string, bytes, a Blob, a ReadableStream or an (async) iterable of chunks; got ${describe(source)}`);
}

function checkChunk(chunk: unknown, where: string): Uint8Array | string {
  if (typeof chunk === 'string' || chunk instanceof Uint8Array) return chunk;
  throw new ArgumentError(`${where}: a stream's chunks must be strings or Uint8Arrays, got ${describe(chunk)}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'an object';
}

/** Counts and hashes the chunks that pass (the compressed bytes, for gzip). */
async function* tap(chunks: AsyncIterable<Uint8Array | string>, report: ReadReport, hasher: Hasher | undefined): AsyncGenerator<Uint8Array | string> {
  for await (const chunk of chunks) {
    report.bytes += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
    hasher?.update(chunk);
    yield chunk;
  }
}

/** Gzip through the platform's DecompressionStream (browsers, Deno, Node ≥ 18). */
export const webGunzip: Gunzip = (chunks) => {
  const it = chunks[Symbol.asyncIterator]();
  // A pull source rather than ReadableStream.from, which Safari and older Chromes lack.
  const input = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
  return rawChunks(
    input.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>),
    'gunzip',
  ) as AsyncIterable<Uint8Array>;
};

/** Decompresses when `compression` is 'gzip', or 'auto' and the bytes start with 1f 8b. */
async function* maybeGunzip(chunks: AsyncIterable<Uint8Array | string>, opts: ReadOptions, gunzip: Gunzip): AsyncGenerator<Uint8Array | string> {
  const mode = opts.compression ?? 'auto';
  const it = chunks[Symbol.asyncIterator]();
  // Peek at the first two bytes (which may arrive in two chunks).
  const head: (Uint8Array | string)[] = [];
  let bytes = 0;
  let ended = false;
  while (mode !== 'none' && bytes < 2) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    if (typeof r.value === 'string') break;
    bytes += r.value.byteLength;
  }
  let sourceFailed = false;
  const rest = async function* () {
    yield* head;
    try {
      if (!ended) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } catch (e) {
      sourceFailed = true; // a read error of the source itself, not of the gzip data
      throw e;
    }
  };
  const first = head.find((c) => typeof c === 'string' || c.byteLength > 0);
  const magic = first instanceof Uint8Array && firstBytes(head) === 0x1f8b;
  if (mode === 'none' || (mode === 'auto' && !magic) || typeof first === 'string') return yield* rest();
  try {
    yield* gunzip(onlyBytes(rest()));
  } catch (e) {
    if (sourceFailed || e instanceof DataFormatError || e instanceof ArgumentError) throw e;
    const why = (e as Error)?.message ?? String(e);
    throw new DataFormatError('gzip_corrupt', { file: opts.file }, `the gzip data is truncated or corrupt (${why}); the rows before this point were read`, {
      cause: e,
    });
  }
}

function firstBytes(chunks: (Uint8Array | string)[]): number {
  const all = chunks.filter((c): c is Uint8Array => c instanceof Uint8Array);
  const b0 = all.find((c) => c.byteLength > 0);
  if (!b0) return -1;
  const b1 = b0.byteLength > 1 ? b0[1] : all.slice(all.indexOf(b0) + 1).find((c) => c.byteLength > 0)?.[0];
  return (b0[0] << 8) | (b1 ?? 0);
}

async function* onlyBytes(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    if (typeof c === 'string') throw new ArgumentError('gzip data must be bytes, not text: pass a Uint8Array or a byte stream');
    yield c;
  }
}

/**
 * UTF-8 text chunks of a source: raw chunks are counted and hashed, gzip is undone, bytes are
 * decoded (invalid UTF-8 is a `DataFormatError`), and a leading byte order mark is dropped.
 */
export async function* textChunks(source: DataSource, opts: ReadOptions, report: ReadReport, hasher?: Hasher, ctx: SourceContext = {}): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  let decoded = 0;
  const decode = (bytes: Uint8Array | undefined, stream: boolean): string => {
    try {
      return bytes ? decoder.decode(bytes, { stream }) : decoder.decode();
    } catch (e) {
      throw new DataFormatError(
        'invalid_utf8',
        { file: opts.file },
        `the bytes after character ${decoded} are not UTF-8 text; save the file as UTF-8 (or convert it with iconv)`,
        { cause: e },
      );
    }
  };
  const raw = tap(rawChunks(source, opts.file ?? 'source'), report, hasher);
  for await (const chunk of maybeGunzip(raw, opts, ctx.gunzip ?? webGunzip)) {
    let text = typeof chunk === 'string' ? chunk : decode(chunk, true);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    decoded += text.length;
    if (text.length > 0) yield text;
  }
  const tail = decode(undefined, false);
  if (tail.length > 0) yield tail;
}

/** All bytes of a source, concatenated (for formats that need random access, such as Parquet). */
export async function allBytes(source: DataSource, opts: ReadOptions, report: ReadReport, hasher?: Hasher): Promise<Uint8Array> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    report.bytes += bytes.byteLength;
    hasher?.update(bytes);
    return bytes;
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of tap(rawChunks(source, opts.file ?? 'source'), report, hasher)) {
    if (typeof c === 'string') throw new ArgumentError(`${opts.file ?? 'source'}: binary formats need bytes, not text`);
    parts.push(c);
    total += c.byteLength;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) out.set(p, (at += p.byteLength) - p.byteLength);
  return out;
}
