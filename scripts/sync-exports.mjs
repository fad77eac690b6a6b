#!/usr/bin/env node
// Derives every workspace package's `exports` map from its `graft.entries` list (the same list
// tsup builds from). `--check` fails when a package.json is out of date instead of writing it.
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const roots = ['packages', 'apps'];
let stale = [];

for (const root of roots) {
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root)) {
    const file = join(root, name, 'package.json');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const pkg = JSON.parse(text);
    const entries = pkg.graft?.entries;
    if (!entries) continue;
    const exportsMap = {};
    for (const [subpath, src] of Object.entries(entries)) {
      const base = subpath === '.' ? 'index' : subpath.slice(2);
      exportsMap[subpath] = {
        '@graft/source': `./${src}`,
        types: `./dist/${base}.d.ts`,
        import: `./dist/${base}.js`,
      };
    }
    exportsMap['./package.json'] = './package.json';
    const next = JSON.stringify({ ...pkg, exports: exportsMap }, null, 2) + '\n';
    if (next !== text) {
      if (check) stale.push(file);
      else writeFileSync(file, next);
    }
  }
}
if (stale.length) {
  console.error(`exports maps out of date (run \`pnpm sync-exports\`): ${stale.join(', ')}`);
  process.exit(1);
}
