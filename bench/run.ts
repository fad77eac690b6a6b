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
const wanted = process.argv.slice(2);
const suites = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => basename(f, '.ts'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

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
