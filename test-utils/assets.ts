/**
 * Where the reference assets live: the repository's own `assets/` folder (fixtures, tokenizer
 * files, SST-2, the embedded checkpoint; see assets/README.md), or `GRAFT_ASSETS` when set.
 * Tests that need them fail, never skip, when they are missing, so a broken checkout cannot
 * pass silently.
 */
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The assets folder every test reads: `$GRAFT_ASSETS` or `<repo>/assets`. */
export function assetsDir(): string {
  const dir = process.env.GRAFT_ASSETS || join(repoRoot, 'assets');
  if (!existsSync(join(dir, 'README.md')) && !existsSync(join(dir, 'MANIFEST.md'))) {
    throw new Error(`reference assets not found at ${dir}: the repository's assets/ folder is missing (or GRAFT_ASSETS points at the wrong place)`);
  }
  return dir;
}

/** A path inside the assets folder. */
export function assetPath(...parts: string[]): string {
  return join(assetsDir(), ...parts);
}

/**
 * A large file that only benchmarks read (IMDB), which the repository does not vendor: looked
 * up in `$GRAFT_ASSETS`, then `<repo>/assets`, then `../shared/assets` beside the repository.
 * Returns null when none has it, so the benchmark can say where it looked.
 */
export function largeAssetPath(...parts: string[]): { path: string | null; searched: string[] } {
  const roots = [process.env.GRAFT_ASSETS, join(repoRoot, 'assets'), join(repoRoot, '..', 'shared', 'assets')].filter((d): d is string => !!d);
  const searched = roots.map((r) => join(r, ...parts));
  return { path: searched.find((p) => existsSync(p)) ?? null, searched };
}
