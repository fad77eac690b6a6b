/**
 * Fingerprints that key the teacher-logits cache: SHA-256 over what the logits depend on. A
 * teacher is fingerprinted by its weights (names, dtypes, shapes and bytes, read from any
 * device) or by its files; a dataset by its own fingerprint (@graft/data's `Dataset` has one) or
 * by its rows as canonical JSON.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnyModule } from '@graft/nn';
import { DistillError } from '../errors';
import type { RowSource } from '../teacher-logits';

/** JSON with object keys sorted, so equal rows hash equally whatever order their keys were set in. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (ArrayBuffer.isView(v)) return `[${Array.from(v as unknown as ArrayLike<number>).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}

/** A SHA-256 (hex) of a module's state dict: every key, dtype, shape and value. */
export async function fingerprintModule(model: AnyModule): Promise<string> {
  const h = createHash('sha256').update('graft-module-v1\n');
  const sd = model.stateDict();
  for (const key of Object.keys(sd).sort()) {
    const t = sd[key];
    h.update(`${key}|${t.dtype}|${t.shape.join(',')}\n`);
    const data = await t.data();
    h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return h.digest('hex');
}

/**
 * A SHA-256 (hex) of files: each path's name and bytes, a directory's files (not recursing) in
 * name order. Cheaper than `fingerprintModule` for a teacher loaded from disk, and the same
 * whatever device it was loaded on.
 */
export async function fingerprintFiles(paths: string | readonly string[]): Promise<string> {
  const h = createHash('sha256').update('graft-files-v1\n');
  for (const p of typeof paths === 'string' ? [paths] : paths) {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(p);
    } catch (e) {
      throw new DistillError('distill_cache', `cannot fingerprint '${p}': ${(e as Error).message}`, { field: 'teacherFingerprint', cause: e });
    }
    const files = s.isDirectory()
      ? (await readdir(p, { withFileTypes: true }))
          .filter((d) => d.isFile())
          .map((d) => join(p, d.name))
          .sort()
      : [p];
    for (const f of files) {
      h.update(`${f.slice(p.length)}\n`);
      h.update(await readFile(f));
    }
  }
  return h.digest('hex');
}

/** A dataset's fingerprint: its own (`rows.fingerprint`, as @graft/data's `Dataset` has), else a hash of its rows. */
export function fingerprintRows<Row>(rows: RowSource<Row>): string {
  const own = (rows as { fingerprint?: unknown }).fingerprint;
  if (typeof own === 'string' && own.length > 0) return own;
  const h = createHash('sha256').update('graft-rows-v1\n');
  const n = rows.length;
  const get = Array.isArray(rows) ? (i: number) => (rows as readonly Row[])[i] : (i: number) => (rows as { get(i: number): Row }).get(i);
  for (let i = 0; i < n; i++) h.update(stableJson(get(i))).update('\n');
  return h.digest('hex');
}

/** The SHA-256 (hex) of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
