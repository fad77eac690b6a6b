import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

/**
 * The build entries of a package live in its package.json under `graft.entries`
 * (subpath → source file). tsup builds exactly those, and `scripts/sync-exports.mjs`
 * derives the `exports` map from the same list, so the two can never disagree.
 */
export function packageTsup(dir: string, extra: Options = {}) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries: Record<string, string> = pkg.graft?.entries ?? { '.': 'src/index.ts' };
  const entry = Object.fromEntries(Object.entries(entries).map(([subpath, src]) => [subpath === '.' ? 'index' : subpath.slice(2), src]));
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    // bundling renames classes that share a name across files (Module → _Module); stack traces,
    // `err.name` defaults and `constructor.name` must show the names users wrote
    keepNames: true,
    ...extra,
  });
}
