import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPath, repoRoot } from '../../../test-utils/assets';
import { assetRoots, locateBuiltinDataset } from './builtin-datasets';
import { CliError } from './errors';
import { EXIT } from './exit-codes';

/** A fake repository (assets/README.md + pnpm-workspace.yaml) with `shared/assets` beside it. */
function fakeCheckout(withImdb: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'graft-assets-'));
  const repo = join(root, 'repo');
  mkdirSync(join(repo, 'assets', 'datasets', 'sst2'), { recursive: true });
  writeFileSync(join(repo, 'assets', 'README.md'), '');
  writeFileSync(join(repo, 'pnpm-workspace.yaml'), '');
  writeFileSync(join(repo, 'assets', 'datasets', 'sst2', 'train.tsv'), 'sentence\tlabel\n');
  if (withImdb) {
    mkdirSync(join(root, 'shared', 'assets', 'datasets', 'imdb'), { recursive: true });
    writeFileSync(join(root, 'shared', 'assets', 'datasets', 'imdb', 'train.jsonl.gz'), '');
  }
  return { root, repo, cliDir: join(repo, 'apps', 'trainer', 'dist') };
}

describe('built-in datasets', () => {
  it('finds sst2 in the repository this CLI runs from', () => {
    const { dir } = locateBuiltinDataset('sst2', {}, tmpdir());
    expect(dir).toBe(join(repoRoot, 'assets', 'datasets', 'sst2'));
    expect(dir).toBe(assetPath('datasets', 'sst2'));
  });

  it('searches $GRAFT_ASSETS first, then the repository, then ../shared/assets', () => {
    const { root, repo, cliDir } = fakeCheckout(true);
    const roots = assetRoots({ GRAFT_ASSETS: '/elsewhere' }, tmpdir(), cliDir);
    expect(roots.slice(0, 3)).toEqual(['/elsewhere', join(repo, 'assets'), join(root, 'shared', 'assets')]);
    expect(locateBuiltinDataset('imdb', {}, tmpdir(), cliDir).dir).toBe(join(root, 'shared', 'assets', 'datasets', 'imdb'));
    expect(locateBuiltinDataset('SST2', {}, tmpdir(), cliDir).dir).toBe(join(repo, 'assets', 'datasets', 'sst2'));
  });

  it('says where it looked and what to do when imdb is absent', () => {
    const { cliDir } = fakeCheckout(false);
    try {
      locateBuiltinDataset('imdb', { GRAFT_ASSETS: '/nowhere' }, tmpdir(), cliDir);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).exitCode).toBe(EXIT.usage);
      expect((e as Error).message).toMatch(
        /^built-in dataset "imdb" not found; looked in \/nowhere\/datasets\/imdb, .*repo\/assets\/datasets\/imdb, .*shared\/assets\/datasets\/imdb; set GRAFT_ASSETS to a folder holding datasets\/imdb\/train\.jsonl\.gz/,
      );
    }
  });
});
