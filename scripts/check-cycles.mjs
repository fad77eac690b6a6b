#!/usr/bin/env node
// Fails on import cycles in packages/*/src and plugins/*/src. A cycle makes module evaluation order matter (a class
// extended, or a table read, before its module has run) and ties every file in it to every other,
// so the source is kept a one-way graph. dpdm parses and resolves the imports; type-only imports
// are dropped first (they vanish at runtime). The one deliberate exception is listed below with
// its reason, as an edge, so any other cycle through the same files still fails.
import { parseDependencyTree, parseCircular } from 'dpdm';

/** [importer, imported, why]: edges left out of the cycle check. */
const ALLOWED = [
  [
    'packages/core/src/tensor.ts',
    'packages/core/src/ops/index.ts',
    "Tensor's methods (x.add(y), x.sum()) are one-line calls of the free ops, which construct Tensors: " +
      'a class with methods and functions that return it refer to each other by nature. Harmless here: ' +
      'neither side touches the other while its module evaluates (only inside method and function bodies), ' +
      'and DESIGN.md rules out the alternative of patching methods onto the prototype.',
  ],
  [
    'packages/core/src/tensor.ts',
    'packages/core/src/autograd/backward.ts',
    'x.backward(), for the same reason: the backward pass differentiates with the ops.',
  ],
  [
    'packages/core/src/tensor.ts',
    'packages/core/src/print.ts',
    'console.log(x) / x.toString(), for the same reason: printing gathers the values it shows with the ops (a corner slice of a large tensor).',
  ],
];

const tree = await parseDependencyTree('{packages,plugins}/*/src/**/*.ts', {
  transform: true,
  exclude: /node_modules|\.test\.ts$|\.d\.ts$/,
  tsconfig: 'tsconfig.json',
});
const skip = ALLOWED.map(([from, to]) => [from, to]);
for (const [from, to] of skip) {
  if (!tree[from]?.some((d) => d.id === to)) {
    console.error(`check-cycles: the allowed edge ${from} -> ${to} no longer exists; remove it from ALLOWED in scripts/check-cycles.mjs`);
    process.exit(1);
  }
}
const circulars = parseCircular(tree, false, skip);
if (circulars.length) {
  console.error('Import cycles in packages/*/src or plugins/*/src (each line is a loop; break it by moving the shared part to a lower module):');
  for (const c of circulars) console.error(`  ${[...c, c[0]].join(' -> ')}`);
  process.exit(1);
}
console.log(`import cycles: none (${Object.keys(tree).length} files)`);
