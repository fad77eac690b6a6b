/**
 * The repository files the in-page examples fetch (the embedded checkpoint, SST-2): served from
 * `assets/` under `/data/` by the dev server, and copied into the built site by `buildEnd`, so
 * the browser examples read the same bytes the Node examples read from disk, and nothing is
 * duplicated in git.
 */
import { copyFileSync, createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';

/** The repository root (this file is docs/.vitepress/site-data.ts). */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** The URL prefix the data lives under, below the site's base. */
export const DATA_PREFIX = 'data/';

/** Every file the site serves, as paths inside assets/ (and so under /data/). */
export const DATA_FILES = [
  'models/bert-tiny-imdb-mlm/config.json',
  'models/bert-tiny-imdb-mlm/pretraining.json',
  'models/bert-tiny-imdb-mlm/model.safetensors',
  'models/bert-tiny-imdb-mlm/tokenizer.json',
  'models/bert-tiny-imdb-mlm/tokenizer_config.json',
  'models/bert-tiny-imdb-mlm/vocab.txt',
  'datasets/sst2/train.tsv',
  'datasets/sst2/dev.tsv',
] as const;

const assets = (file: string) => join(process.env.GRAFT_ASSETS || join(repoRoot, 'assets'), file);

/** Serves DATA_FILES under `<base>data/` in `vitepress dev` (and answers 404 for anything else there). */
export function siteData(base: string): Plugin {
  const prefix = `${base}${DATA_PREFIX}`;
  const served = new Set<string>(DATA_FILES);
  return {
    name: 'graft-site-data',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        if (!path.startsWith(prefix)) return next();
        const file = path.slice(prefix.length);
        if (!served.has(file)) {
          res.statusCode = 404;
          res.end();
          return;
        }
        res.setHeader('Content-Length', String(statSync(assets(file)).size));
        createReadStream(assets(file)).pipe(res);
      });
    },
  };
}

/** Copies DATA_FILES into the built site (VitePress's `buildEnd`); a missing asset fails the build. */
export function copySiteData(outDir: string): void {
  for (const file of DATA_FILES) {
    const from = assets(file);
    if (!existsSync(from)) throw new Error(`docs build: ${from} is missing; the in-page examples fetch it (see assets/README.md)`);
    const to = join(outDir, DATA_PREFIX, file);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
}
