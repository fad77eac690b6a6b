#!/usr/bin/env node
// `pnpm docs:build`: the docs site. First typedoc writes the API reference of every published
// package into docs/public/api (warnings fail the build: an undocumented public export is a
// warning), then VitePress builds the guides around it into docs/.vitepress/dist, copying
// docs/public through, so its dead-link check sees the reference's pages. Prints each phase's time.
//
//   node scripts/docs-build.mjs [--out-dir <dir>] [--skip-api]
//
// --out-dir builds the site elsewhere (the site test builds into a temporary folder);
// --skip-api reuses the reference already in docs/public/api (for iterating on the guides).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out-dir');
const outDir = outIndex >= 0 ? resolve(args[outIndex + 1] ?? '') : join(root, 'docs/.vitepress/dist');
if (outIndex >= 0 && !args[outIndex + 1]) fail('--out-dir needs a folder');
const unknown = args.filter((a, i) => a.startsWith('--') && !['--out-dir', '--skip-api'].includes(a) && i !== outIndex + 1);
if (unknown.length) fail(`unknown option ${unknown.join(', ')} (options: --out-dir <dir>, --skip-api)`);

function fail(message) {
  console.error(`docs:build: ${message}`);
  process.exit(1);
}

function phase(name, bin, argv) {
  if (!existsSync(bin)) fail(`${bin} is missing: run pnpm install`);
  const started = Date.now();
  const r = spawnSync(bin, argv, { stdio: 'inherit', cwd: root });
  if (r.error) throw r.error;
  if (r.status !== 0) fail(`${name} failed (exit code ${r.status})`);
  console.log(`docs:build: ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (!args.includes('--skip-api')) {
  // typedoc.json names the packages and writes into docs/public/api; every warning (an undocumented
  // or unexported public type, a link that renders to the wrong place) fails the build.
  phase('API reference (typedoc)', join(root, 'node_modules/.bin/typedoc'), ['--treatWarningsAsErrors']);
} else if (!existsSync(join(root, 'docs/public/api/index.html'))) {
  fail('--skip-api needs an API reference in docs/public/api: run pnpm docs:build once without it');
}
phase('site (vitepress)', join(root, 'docs/node_modules/.bin/vitepress'), ['build', 'docs', '--outDir', outDir]);
console.log(`docs:build: the site is in ${outDir}`);
