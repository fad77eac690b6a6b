/**
 * Built-in dataset names (`graft train <model> sst2`). The CLI knows where the repository keeps
 * its assets; @graft/data does not (contract: names are resolved here). `sst2` is vendored in the
 * repository's `assets/`; `imdb` (25 MB) is not, and is found in `$GRAFT_ASSETS` or in
 * `../shared/assets` beside the repository. A name that cannot be found is an error listing every
 * place looked at.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usageError } from './errors';

/** A split of a built-in dataset: its file inside the dataset's folder. */
export interface BuiltinSplit {
  file: string;
}

/** What the CLI knows about a built-in dataset. */
export interface BuiltinDataset {
  name: string;
  /** The folder under an assets root (`datasets/sst2`). */
  folder: string;
  splits: { train: BuiltinSplit; validation?: BuiltinSplit; test?: BuiltinSplit };
  textColumn: string;
  labelColumn: string;
  /** Label names by id, as HF's dataset card gives them. */
  labels: string[];
  /** Where it came from, for the model card and the report. */
  description: string;
  /** Whether the repository vendors it (else only `$GRAFT_ASSETS` / shared assets have it). */
  vendored: boolean;
}

/** The built-in datasets by name. */
export const BUILTIN_DATASETS: Record<string, BuiltinDataset> = {
  sst2: {
    name: 'sst2',
    folder: 'datasets/sst2',
    // GLUE's test split is unlabeled; the dev split is what papers report, and test_labeled.tsv's labels come from a third party
    splits: { train: { file: 'train.tsv' }, validation: { file: 'dev.tsv' }, test: { file: 'test_labeled.tsv' } },
    textColumn: 'sentence',
    labelColumn: 'label',
    labels: ['negative', 'positive'],
    description: 'SST-2 (GLUE), binary sentiment of movie-review phrases: 67,349 train / 872 dev',
    vendored: true,
  },
  imdb: {
    name: 'imdb',
    folder: 'datasets/imdb',
    // IMDB has no dev split: the CLI splits one off the training set (--validation-split) unless --eval-data says otherwise
    splits: { train: { file: 'train.jsonl.gz' }, test: { file: 'test.jsonl.gz' } },
    textColumn: 'text',
    labelColumn: 'label',
    labels: ['neg', 'pos'],
    description: 'IMDB movie reviews (Maas et al. 2011), binary sentiment: 25,000 train / 25,000 test',
    vendored: false,
  },
};

/** Walks up from `start` to the folder that holds `assets/README.md` (the repository root), if any. */
function findRepoRoot(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'assets', 'README.md')) && existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The assets roots to search, in order: `$GRAFT_ASSETS`, the repository's `assets/`, `../shared/assets` beside it. */
export function assetRoots(env: Readonly<Record<string, string | undefined>>, cwd: string, cliDir = dirname(fileURLToPath(import.meta.url))): string[] {
  const roots: string[] = [];
  if (env.GRAFT_ASSETS) roots.push(resolve(cwd, env.GRAFT_ASSETS));
  // the repository this CLI runs from (source or dist inside it), then the one the user is in
  for (const start of [cliDir, cwd]) {
    const repo = findRepoRoot(start);
    if (repo) roots.push(join(repo, 'assets'), join(repo, '..', 'shared', 'assets'));
  }
  return [...new Set(roots)];
}

/** Whether `name` is a built-in dataset name. */
export function isBuiltinDataset(name: string): boolean {
  return Object.hasOwn(BUILTIN_DATASETS, name.toLowerCase());
}

/** The folder of built-in dataset `name` and its description; a usage error listing where it looked when absent. */
export function locateBuiltinDataset(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  cliDir?: string,
): { dataset: BuiltinDataset; dir: string } {
  const dataset = BUILTIN_DATASETS[name.toLowerCase()];
  const searched = assetRoots(env, cwd, cliDir).map((root) => join(root, dataset.folder));
  const dir = searched.find((d) => existsSync(join(d, dataset.splits.train.file)));
  if (!dir) {
    const where = searched.length ? searched.join(', ') : '(no assets folder found)';
    const fix = dataset.vendored
      ? 'the repository checkout is incomplete'
      : `set GRAFT_ASSETS to a folder holding ${dataset.folder}/${dataset.splits.train.file}`;
    throw usageError(`built-in dataset "${name}" not found; looked in ${where}; ${fix}, or pass the data files instead`, 'dataset_not_found');
  }
  return { dataset, dir };
}
