/**
 * Where the shared reference assets live: `GRAFT_ASSETS`, or `../shared/assets` beside the
 * repository (as on developer machines and in CI). Tests that need them fail, never skip, when
 * they are missing, so a broken checkout cannot pass silently.
 */
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function assetsDir(): string {
  const dir = process.env.GRAFT_ASSETS ?? join(repoRoot, '..', 'shared', 'assets');
  if (!existsSync(join(dir, 'MANIFEST.md'))) {
    throw new Error(`shared assets not found at ${dir}; set GRAFT_ASSETS or place shared/ beside the repository`);
  }
  return dir;
}

export function assetPath(...parts: string[]): string {
  return join(assetsDir(), ...parts);
}
