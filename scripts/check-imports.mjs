#!/usr/bin/env node
// Enforces the import direction of DESIGN.md: a package may import only the workspace packages
// listed for it below, both in its package.json dependencies and in its source files.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

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
  docs: ALL,
  bench: ALL,
  'test-utils': ALL,
  scratch: ALL,
};

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(m?[jt]sx?|svelte|vue)$/.test(name)) yield path;
  }
}

const problems = [];
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
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const target = m[1] ?? m[2] ?? m[3];
      if (target !== self && !ok.has(target)) {
        problems.push(`${relative('.', file)}: imports ${target}, which ${self} may not import (allowed: ${allowed.join(', ') || 'none'})`);
      }
    }
  }
}
if (problems.length) {
  console.error('Import direction violations (see DESIGN.md, "Packages and the direction of imports"):');
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('import direction: ok');
