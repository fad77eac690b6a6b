/**
 * The embedded checkpoint and the SST-2 sample as static files of the site. In `vite dev` they are
 * served from the repository's `assets/` folder; `vite build` copies them into `dist/`, so the
 * built site is self-contained (a static host, no Hub, nothing cross-origin) and the repository
 * holds one copy of the 18 MB checkpoint, not two. The sample is the first rows of GLUE's
 * `train.tsv`, which GLUE ships in random order, and the whole dev split.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/** URL paths of the embedded files, relative to the site's base. */
export const EMBEDDED_MODEL_PATH = 'models/bert-tiny-imdb-mlm';
export const SST2_SAMPLE_PATH = 'datasets/sst2';

/** Training rows of the SST-2 sample: enough for a few epochs of short runs, a 230 KB download. */
export const SST2_SAMPLE_ROWS = 4000;

/** Keeps the header and the first `rows` lines of a TSV. */
export function headRows(tsv: string, rows: number): string {
  const lines = tsv.split('\n');
  return `${lines.slice(0, rows + 1).join('\n')}\n`;
}

/** The files the site serves: URL path → a function giving their bytes (read lazily, once per request or build). */
export function embeddedFiles(assetsDir: string): Map<string, () => Uint8Array> {
  const files = new Map<string, () => Uint8Array>();
  const modelDir = join(assetsDir, 'models', 'bert-tiny-imdb-mlm');
  for (const name of readdirSync(modelDir)) files.set(`${EMBEDDED_MODEL_PATH}/${name}`, () => readFileSync(join(modelDir, name)));
  const sst2 = join(assetsDir, 'datasets', 'sst2');
  files.set(`${SST2_SAMPLE_PATH}/train.tsv`, () => new TextEncoder().encode(headRows(readFileSync(join(sst2, 'train.tsv'), 'utf8'), SST2_SAMPLE_ROWS)));
  files.set(`${SST2_SAMPLE_PATH}/dev.tsv`, () => readFileSync(join(sst2, 'dev.tsv')));
  return files;
}

const TYPES: Record<string, string> = { json: 'application/json', txt: 'text/plain; charset=utf-8', tsv: 'text/tab-separated-values; charset=utf-8' };

/** The Vite plugin: a dev-server route for every embedded file, and the same files emitted into the build. */
export function embeddedAssets(assetsDir: string): Plugin {
  const files = embeddedFiles(assetsDir);
  return {
    name: 'graft-embedded-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\/+/, '');
        const read = files.get(path);
        if (!read) return next();
        const bytes = read();
        res.setHeader('Content-Type', TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream');
        res.setHeader('Content-Length', String(bytes.byteLength));
        res.end(bytes);
      });
    },
    generateBundle() {
      for (const [fileName, read] of files) this.emitFile({ type: 'asset', fileName, source: read() });
    },
  };
}
