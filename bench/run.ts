/**
 * `pnpm bench`: runs every suite in bench/suites (or those named on the command line) one after
 * another, each in its own process so that one suite's heap and JIT state do not colour the next.
 * Each suite prints its own table of ratios against a reference measured in the same run and
 * writes bench/results/<suite>.json.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// `pnpm bench -- core-cpu` may pass the `--` through; a suite may be named with or without `.ts`
const wanted = process.argv
  .slice(2)
  .filter((a) => a !== '--')
  .map((a) => basename(a, '.ts'));
const available = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => basename(f, '.ts'))
  .sort();
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`bench: no suite named ${unknown.map((n) => `'${n}'`).join(', ')} (suites: ${available.join(', ')})`);
  process.exit(2);
}
const suites = available.filter((name) => wanted.length === 0 || wanted.includes(name));

let failed = 0;
for (const suite of suites) {
  console.log(`\n=== bench: ${suite} ===`);
  const r = spawnSync(process.execPath, ['--conditions=@graft/source', '--import', 'tsx', join(here, 'suites', `${suite}.ts`)], {
    stdio: 'inherit',
    env: process.env,
  });
  if (r.status !== 0) {
    console.error(`bench: suite '${suite}' failed (exit ${r.status})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
