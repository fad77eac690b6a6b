/** Run directory names: `runs/<model>-<data>-<date>-<time>` unless `--output-dir` says otherwise. */
import { basename, resolve } from 'node:path';

/** A name safe in paths: letters, digits, dot, dash, underscore. */
function slug(s: string): string {
  return basename(s.replace(/[/\\]+$/, ''))
    .replace(/\.(gz)$/, '')
    .replace(/\.(csv|tsv|jsonl?|parquet|txt)$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 60);
}

/** `runs/bert-tiny-imdb-mlm-sst2-20250101-120000` (local time, to the second). */
export function defaultRunDir(model: string, data: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `runs/${slug(model)}-${slug(data)}-${stamp}`;
}

/** The absolute run directory. */
export function resolveRunDir(cwd: string, dir: string): string {
  return resolve(cwd, dir);
}
