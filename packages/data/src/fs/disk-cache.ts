/**
 * `map`'s cache on disk: one JSON Lines file per result, `<dir>/map-<key>.jsonl`, whose first
 * line records the key, the row count and the changed columns. Files are written with core's
 * `writeFileAtomic` (temporary file, fsync, rename), streamed a few hundred kilobytes at a
 * time, so a killed run leaves the previous entry or none, never half of one. An entry that does
 * not read back whole (wrong header, fewer rows, bad JSON) is a miss and is rewritten.
 *
 * JSON keeps what rows hold after tokenization (numbers, strings, arrays, nested objects);
 * typed-array columns come back as number arrays.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgumentError } from '@graft/core';
import { writeFileAtomic } from '@graft/core/node';
import type { MapCache, MapCacheEntry } from '../map-cache';
import { checkFile } from './files';

const FORMAT = 'graft-map-cache';
const VERSION = 1;
const encoder = new TextEncoder();

/** A `map` cache in the folder `dir` (created on first write). */
export function diskCache(dir: string): MapCache {
  if (typeof dir !== 'string' || dir === '') throw new ArgumentError(`diskCache: dir must be a folder path, got ${JSON.stringify(dir)}`);
  const pathOf = (key: string) => {
    if (!/^[0-9a-f]{16,128}$/.test(key)) throw new ArgumentError(`diskCache: a key must be a hex fingerprint, got ${JSON.stringify(key)}`);
    return join(dir, `map-${key}.jsonl`);
  };
  return {
    description: dir,
    async get(key) {
      const path = pathOf(key);
      try {
        await checkFile(path);
      } catch {
        return null;
      }
      try {
        // Our own file, read whole: a string and a JSON.parse per line, without the streaming reader's hashing.
        const lines = (await readFile(path, 'utf8')).split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        const header = JSON.parse(lines[0]) as Record<string, unknown>;
        const rows = lines.slice(1).map((line) => JSON.parse(line) as object);
        if (header?.format !== FORMAT || header.version !== VERSION || header.key !== key || header.rows !== rows.length || !Array.isArray(header.changed))
          return null;
        return { rows, changed: header.changed as string[] };
      } catch {
        return null; // unreadable: recompute and overwrite
      }
    },
    async set(key, entry) {
      const path = pathOf(key);
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(path, lines(key, entry));
    },
  };
}

/** The file's bytes, ~256 KiB at a time. */
function* lines(key: string, entry: MapCacheEntry): Generator<Uint8Array> {
  let text = `${JSON.stringify({ format: FORMAT, version: VERSION, key, rows: entry.rows.length, changed: entry.changed })}\n`;
  for (const [i, row] of entry.rows.entries()) {
    let json: string;
    try {
      json = JSON.stringify(plain(row));
    } catch (e) {
      throw new ArgumentError(
        `diskCache: row ${i} cannot be written as JSON (${(e as Error).message}); map results to numbers, strings and arrays to cache them`,
      );
    }
    text += `${json}\n`;
    if (text.length > 1 << 18) {
      yield encoder.encode(text);
      text = '';
    }
  }
  yield encoder.encode(text);
}

/** The row with typed-array columns as arrays (a replacer function would make JSON.stringify 2× slower on every row). */
function plain(row: object): object {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(row)) {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      out ??= { ...row };
      out[k] = Array.from(v as unknown as ArrayLike<number>);
    }
  }
  return out ?? row;
}
