#!/usr/bin/env node
// Entry point of the README's commands on a fresh machine (`npm run demo`, `npm test`):
// makes sure pnpm and the workspace's dependencies are installed, then runs a root script.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', PATH: `${join(root, '.tools/node_modules/.bin')}:${process.env.PATH}` };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}
function has(cmd, expectVersion) {
  const r = spawnSync(cmd, ['--version'], { env, encoding: 'utf8' });
  return r.status === 0 && (!expectVersion || r.stdout.trim() === expectVersion);
}

if (!has('pnpm', pnpmVersion)) {
  console.log(`bootstrap: installing pnpm ${pnpmVersion} into .tools/`);
  if (run('npm', ['install', '--prefix', join(root, '.tools'), '--no-save', '--no-package-lock', `pnpm@${pnpmVersion}`]) !== 0) {
    console.error('bootstrap: could not install pnpm');
    process.exit(1);
  }
}
const marker = join(root, 'node_modules/.modules.yaml');
if (!existsSync(marker) || process.env.CI) {
  const args = ['install'];
  if (process.env.CI) args.push('--frozen-lockfile');
  if (run('pnpm', args) !== 0) process.exit(1);
}
const [verb, script, ...rest] = process.argv.slice(2);
if (verb !== 'run' || !script) {
  console.error('usage: node scripts/bootstrap.mjs run <script> [args…]');
  process.exit(2);
}
process.exit(run('pnpm', ['run', '--silent', script, ...rest]));
