#!/usr/bin/env node
// Enforces the import direction of DESIGN.md: a package may import only the workspace packages
// listed for it below, both in its package.json dependencies and in its source files. Plugins
// (plugins/*) may import every published package, but only as a third party can: through the
// subpaths those packages export (never `@graft/core/internal` or a path into a package), and
// never by a relative path out of their own src/ (into packages/ or test-utils/); only their build
// configuration (tsup.config.ts, vitest.config.ts) shares the repository's.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ALL = ['core', 'tokenizers', 'nn', 'data', 'models', 'peft', 'distill', 'train'];
export const ALLOWED = {
  'packages/core': [],
  'packages/tokenizers': [],
  'packages/nn': ['core'],
  'packages/data': ['core'],
  'packages/models': ['core', 'nn', 'tokenizers'],
  'packages/peft': ['core', 'nn'],
  'packages/distill': ['core', 'nn'],
  'packages/train': ['core', 'nn', 'data'],
  'apps/trainer': ALL,
  'apps/playground': ALL,
  // docs' runnable examples include the README's main command, which runs the CLI
  docs: [...ALL, 'cli'],
  bench: ALL,
  'test-utils': ALL,
  scratch: ALL,
};
/** The plugin packages: every published package, the CLI included, through public exports only. */
const PLUGINS = existsSync('plugins')
  ? readdirSync('plugins')
      .filter((n) => existsSync(join('plugins', n, 'package.json')))
      .map((n) => `plugins/${n}`)
  : [];
for (const dir of PLUGINS) ALLOWED[dir] = [...ALL, 'cli'];

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(m?[jt]sx?|svelte|vue)$/.test(name)) yield path;
  }
}

const problems = [];

/** The runtime dependencies of every workspace package, by name. */
const workspaceDeps = new Map();
for (const dir of Object.keys(ALLOWED)) {
  if (!existsSync(join(dir, 'package.json'))) continue;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  workspaceDeps.set(
    pkg.name,
    Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((d) => d.startsWith('@graft/')),
  );
}

/** Whether workspace package `from` depends on `to`, directly or through others. */
function dependsOn(from, to, seen = new Set()) {
  if (seen.has(from)) return false;
  seen.add(from);
  return (workspaceDeps.get(from) ?? []).some((d) => d === to || dependsOn(d, to, seen));
}
const importRe = /(?:import|export)\s[^'"]*?from\s*['"](@graft\/[^'"/]+)|import\(\s*['"](@graft\/[^'"/]+)|import\s*['"](@graft\/[^'"/]+)/g;

for (const [dir, allowed] of Object.entries(ALLOWED)) {
  if (!existsSync(join(dir, 'package.json'))) continue;
  const self = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  const ok = new Set(allowed.map((p) => `@graft/${p}`));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const dep of Object.keys(pkg[field] ?? {})) {
      if (dep.startsWith('@graft/') && !ok.has(dep)) problems.push(`${dir}/package.json: ${field} has ${dep}, which ${self} may not import`);
    }
  }
  // Tests (and only tests) may also use workspace packages the package lists as devDependencies,
  // e.g. @graft/peft's tests run LoRA on @graft/models' BERT, provided that package does not itself
  // depend on this one (which would make the build graph a loop).
  const testOk = new Set(ok);
  for (const dep of Object.keys(pkg.devDependencies ?? {})) {
    if (!dep.startsWith('@graft/') || ok.has(dep)) continue;
    if (dependsOn(dep, self)) problems.push(`${dir}/package.json: devDependencies has ${dep}, which depends on ${self} (a loop)`);
    else testOk.add(dep);
  }
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    const isTest = /\.test\.ts$/.test(file);
    for (const m of text.matchAll(importRe)) {
      const target = m[1] ?? m[2] ?? m[3];
      if (target !== self && !(isTest ? testOk : ok).has(target)) {
        const hint = isTest && !ok.has(target) ? ' (a test may also import devDependencies that do not depend on this package)' : '';
        problems.push(`${relative('.', file)}: imports ${target}, which ${self} may not import (allowed: ${allowed.join(', ') || 'none'})${hint}`);
      }
    }
  }
}
/** The subpaths each workspace package exports to users (`.`, `./node`, …; `./internal` is Graft's own). */
const publicSubpaths = new Map();
for (const group of ['packages', 'apps']) {
  for (const name of existsSync(group) ? readdirSync(group) : []) {
    const file = join(group, name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    publicSubpaths.set(pkg.name, new Set(Object.keys(pkg.exports ?? {}).filter((k) => k !== './internal' && k !== './package.json')));
  }
}
const specifierRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]|import\s*['"]([^'"]+)['"]/g;
for (const dir of PLUGINS) {
  const root = resolve(dir, 'src');
  for (const file of existsSync(root) ? sourceFiles(root) : []) {
    for (const m of readFileSync(file, 'utf8').matchAll(specifierRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (target !== root && !target.startsWith(root + sep))
          problems.push(`${relative('.', file)}: imports ${spec}, outside ${dir}/src; a plugin uses Graft through its published exports only`);
        continue;
      }
      const at = /^(@graft\/[^/]+)(\/.*)?$/.exec(spec);
      if (!at || !publicSubpaths.has(at[1])) continue;
      const subpath = at[2] ? `.${at[2]}` : '.';
      if (!publicSubpaths.get(at[1]).has(subpath))
        problems.push(
          `${relative('.', file)}: imports ${spec}, which ${at[1]} does not export to users (its exports: ${[...publicSubpaths.get(at[1])].map((s) => (s === '.' ? at[1] : `${at[1]}/${s.slice(2)}`)).join(', ')})`,
        );
    }
  }
}
if (problems.length) {
  console.error('Import direction violations (see DESIGN.md, "Packages and the direction of imports"):');
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('import direction: ok');
