/**
 * The teacher's logits cached on disk, for offline distillation: one safetensors file per
 * (teacher, dataset, max length, anything else in `cacheKey`), named by the fingerprint of all
 * of them, holding `logits` and the fingerprint in its metadata. A hit loads the file and never
 * runs the teacher; a miss runs it once over the rows and writes the file atomically (core's
 * `writeFileAtomic`: a killed run leaves no half-written cache). A file that cannot be read or
 * whose metadata does not match is treated as a miss and rewritten.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type LoadedSafetensors, saveSafetensors } from '@graft/core';
import { loadSafetensorsFile, writeFileAtomic } from '@graft/core/node';
import { DistillError } from '../errors';
import { computeTeacherLogits, type ComputeTeacherLogitsOptions, type LogitsModel, type RowSource, TeacherLogits } from '../teacher-logits';
import { fingerprintModule, fingerprintRows, sha256, stableJson } from './fingerprint';

/** The `format` written into a cache file's metadata. */
export const TEACHER_LOGITS_FORMAT = 'graft-teacher-logits-v1';

/** Options of {@link cachedTeacherLogits}. */
export interface TeacherLogitsCacheOptions<Row, B> extends ComputeTeacherLogitsOptions<Row, B> {
  /** The directory holding cache files (created when missing). */
  dir: string;
  /** The teacher to run on a miss. */
  teacher: LogitsModel;
  /** The training rows, in the order their `idx` numbers them. */
  rows: RowSource<Row>;
  /** What identifies the teacher (e.g. `fingerprintFiles(teacherDir)`); default: a hash of its weights. */
  teacherFingerprint?: string;
  /** What identifies the rows; default: `rows.fingerprint` (a @graft/data `Dataset`'s), else a hash of the rows. */
  datasetFingerprint?: string;
  /** The tokenizer's maximum length, when the rows are tokenized on the fly by `collate`. */
  maxLength?: number;
  /** Anything else the logits depend on (the tokenizer, collate's settings), as a string or JSON-able value. */
  cacheKey?: unknown;
}

/** What {@link cachedTeacherLogits} found or made. */
export interface CachedLogitsResult {
  /** The logits, by example index. */
  logits: TeacherLogits;
  /** The cache file. */
  path: string;
  /** Whether the file was there and valid (the teacher did not run). */
  hit: boolean;
  /** The fingerprint naming the file. */
  fingerprint: string;
}

/** The fingerprint a cache entry is stored under. */
export async function teacherLogitsFingerprint<Row, B>(opts: TeacherLogitsCacheOptions<Row, B>): Promise<string> {
  const teacher = opts.teacherFingerprint ?? (await fingerprintModule(opts.teacher));
  const dataset = opts.datasetFingerprint ?? fingerprintRows(opts.rows);
  return sha256(
    stableJson({ format: TEACHER_LOGITS_FORMAT, teacher, dataset, rows: opts.rows.length, maxLength: opts.maxLength ?? null, cacheKey: opts.cacheKey ?? null }),
  );
}

/** Writes teacher logits to `path` atomically, with their fingerprint in the metadata. */
export async function writeTeacherLogits(path: string, logits: TeacherLogits, fingerprint: string): Promise<void> {
  const bytes = await saveSafetensors({ logits: logits.logits }, { metadata: { format: TEACHER_LOGITS_FORMAT, fingerprint } });
  await writeFileAtomic(path, bytes);
}

/**
 * Reads teacher logits written by {@link writeTeacherLogits}. With `fingerprint`, a file made for
 * anything else is a `distill_cache` error, as is a file that is not a teacher-logits cache.
 */
export async function readTeacherLogits(path: string, fingerprint?: string): Promise<TeacherLogits> {
  let file: LoadedSafetensors;
  try {
    file = await loadSafetensorsFile(path, { device: 'cpu' });
  } catch (e) {
    throw new DistillError('distill_cache', `cannot read teacher logits from '${path}': ${(e as Error).message}`, { field: 'path', cause: e });
  }
  const meta = file.metadata ?? {};
  const { tensors } = file;
  const drop = () => {
    for (const t of tensors.values()) t.dispose();
  };
  if (meta.format !== TEACHER_LOGITS_FORMAT) {
    drop();
    throw new DistillError(
      'distill_cache',
      `'${path}' is not a teacher-logits cache (metadata format '${meta.format ?? 'none'}', expected '${TEACHER_LOGITS_FORMAT}')`,
      {
        field: 'path',
      },
    );
  }
  if (fingerprint !== undefined && meta.fingerprint !== fingerprint) {
    drop();
    throw new DistillError('distill_cache', `'${path}' holds the logits of another teacher or dataset (fingerprint ${meta.fingerprint?.slice(0, 12)}…)`, {
      field: 'path',
    });
  }
  const logits = tensors.get('logits');
  if (!logits || (logits.rank !== 2 && logits.rank !== 3)) {
    drop();
    throw new DistillError('distill_cache', `'${path}' has no 'logits' tensor of rank 2 or 3`, { field: 'path' });
  }
  for (const [k, t] of tensors) if (k !== 'logits') t.dispose();
  return new TeacherLogits(logits);
}

/**
 * The teacher's logits over `rows`, from the cache in `dir` when a file for the same
 * fingerprint is there, else computed once (see the file comment) and written.
 */
export async function cachedTeacherLogits<Row, B>(opts: TeacherLogitsCacheOptions<Row, B>): Promise<CachedLogitsResult> {
  if (!opts || typeof opts.dir !== 'string' || opts.dir === '')
    throw new DistillError('distill_config', 'cachedTeacherLogits: pass dir, the cache directory', { field: 'dir' });
  const fingerprint = await teacherLogitsFingerprint(opts);
  const path = join(opts.dir, `teacher-logits-${fingerprint.slice(0, 32)}.safetensors`);
  if (existsSync(path)) {
    try {
      const logits = await readTeacherLogits(path, fingerprint);
      if (logits.length === opts.rows.length) return { logits, path, hit: true, fingerprint };
      logits.dispose();
    } catch (e) {
      if (!(e instanceof DistillError)) throw e;
      // unreadable or foreign: recomputed and replaced below
    }
  }
  const logits = await computeTeacherLogits(opts.teacher, opts.rows, opts);
  await mkdir(opts.dir, { recursive: true });
  await writeTeacherLogits(path, logits, fingerprint);
  return { logits, path, hit: false, fingerprint };
}
