#!/usr/bin/env node
// Derives what every package under packages/, apps/ and plugins/ must agree on from one place, so a new
// package cannot ship half-described:
// - the `exports` map (and the published one in `publishConfig`, without the workspace's
//   `@graft/source` condition), `files`, and each library's typedoc.json (packages/ and plugins/), from its
//   `graft.entries` list (the same list tsup builds from); an `./internal` entry is left out of
//   typedoc.json, since it serves Graft's own packages and test harnesses, not users;
// - the root typedoc.json's entry points: the published (non-private) packages, so the API docs
//   and `pnpm docs:api:check` cover what users install, and a package still being built (private
//   until it has content) does not fail the check;
// - the publishing metadata (license, author, homepage, bugs, repository with its `directory`,
//   engines), from the root package.json;
// - a copy of the root LICENSE in every published (non-private) package, since npm packs only
//   files inside the package folder.
// It also checks what cannot be derived: a published package needs a description, keywords and a
// README.md, and the type packages its declarations reference (graft.typeReferences, see
// scripts/add-type-references.mjs) must be dependencies. `--check` fails when anything is out of date instead of writing it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const root = JSON.parse(readFileSync('package.json', 'utf8'));
const license = readFileSync('LICENSE', 'utf8');
const repoUrl = root.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

const stale = [];
const problems = [];
/** The published packages, which the API docs cover. */
const documentedPackages = [];

/** Writes `text` to `file` unless it is already there; under --check, records it as stale. */
function sync(file, text) {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  if (check) stale.push(file);
  else writeFileSync(file, text);
}

/**
 * Sets `key` to `value` in place when the key exists, otherwise inserts it after the first present
 * key of `after`, so regenerating never moves the sections (dependencies) other people edit.
 */
function setField(pkg, key, value, after) {
  if (key in pkg) {
    pkg[key] = value;
    return pkg;
  }
  const anchor = after.find((k) => k in pkg);
  const out = {};
  if (!anchor) out[key] = value;
  for (const [k, v] of Object.entries(pkg)) {
    out[k] = v;
    if (k === anchor) out[key] = value;
  }
  return out;
}

/** `exports` entry for one subpath: source for the workspace, types, then ESM for every other resolver. */
function exportEntry(subpath, src) {
  const base = subpath === '.' ? 'index' : subpath.slice(2);
  return {
    '@graft/source': `./${src}`,
    types: `./dist/${base}.d.ts`,
    import: `./dist/${base}.js`,
    default: `./dist/${base}.js`,
  };
}

for (const group of ['packages', 'apps', 'plugins']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group).sort()) {
    const dir = `${group}/${name}`;
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    let pkg = JSON.parse(readFileSync(file, 'utf8'));

    pkg = setField(pkg, 'homepage', `${repoUrl}/tree/main/${dir}#readme`, ['keywords', 'description', 'private', 'version']);
    pkg = setField(pkg, 'bugs', root.bugs, ['homepage']);
    pkg = setField(pkg, 'repository', { ...root.repository, directory: dir }, ['bugs']);
    pkg = setField(pkg, 'license', root.license, ['repository']);
    pkg = setField(pkg, 'author', root.author, ['license']);
    pkg = setField(pkg, 'engines', root.engines, ['sideEffects', 'author', 'type']);

    const entries = pkg.graft?.entries;
    if (entries) {
      const exportsMap = {};
      for (const [subpath, src] of Object.entries(entries)) exportsMap[subpath] = exportEntry(subpath, src);
      exportsMap['./package.json'] = './package.json';
      pkg = setField(pkg, 'exports', exportsMap, ['graft']);
      // The tarball holds dist/ only (its source maps embed the sources), so the published exports
      // map, which pnpm substitutes from publishConfig when it packs, drops the workspace-only
      // `@graft/source` condition.
      pkg = setField(pkg, 'files', ['dist'], ['exports']);
      const published = Object.fromEntries(
        Object.entries(exportsMap).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : Object.fromEntries(Object.entries(v).filter(([c]) => c !== '@graft/source')),
        ]),
      );
      pkg = setField(pkg, 'publishConfig', { ...pkg.publishConfig, exports: published }, ['scripts', 'files']);
      if (group !== 'apps') {
        const documented = Object.entries(entries).filter(([subpath]) => subpath !== './internal');
        sync(join(dir, 'typedoc.json'), `${JSON.stringify({ entryPoints: documented.map(([, src]) => src) }, null, 2)}\n`);
      }
    }
    sync(file, `${JSON.stringify(pkg, null, 2)}\n`);
    if (group !== 'apps' && !pkg.private) documentedPackages.push(dir);
    // a type package that published declarations reference must be installed with the package
    for (const name of new Set(Object.values(pkg.graft?.typeReferences ?? {}).flat())) {
      if (!pkg.dependencies?.[name]) problems.push(`${file}: graft.typeReferences names ${name}, which must be in "dependencies"`);
    }

    if (pkg.private) continue;
    sync(join(dir, 'LICENSE'), license);
    if (!pkg.description) problems.push(`${file}: a published package needs a "description"`);
    if (!pkg.keywords?.length) problems.push(`${file}: a published package needs "keywords"`);
    if (!existsSync(join(dir, 'README.md'))) problems.push(`${dir}: a published package needs a README.md`);
  }
}
const typedoc = JSON.parse(readFileSync('typedoc.json', 'utf8'));
// source links are built from the repository URL rather than read from git, so the API docs build
// the same in a clone without a remote (CI clones may have none)
const packageOptions = { ...typedoc.packageOptions, disableGit: true, sourceLinkTemplate: `${repoUrl}/blob/main/{path}#L{line}` };
sync('typedoc.json', `${JSON.stringify({ ...typedoc, packageOptions, entryPoints: documentedPackages }, null, 2)}\n`);
if (stale.length) problems.unshift(`out of date (run \`pnpm sync-exports\`): ${stale.join(', ')}`);
if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
