#!/usr/bin/env node
// Checks what npm users get, from the packed tarballs rather than the workspace:
//  1. builds the published packages (turbo, cached) and packs each with `pnpm pack`, which
//     rewrites `workspace:` ranges the way `pnpm publish` does;
//  2. lints each tarball with publint (strict) and @arethetypeswrong/cli (ESM-only profile);
//  3. installs the tarballs with npm into a fresh project, which gets only what a user gets (no
//     optional `webgpu` peer, no workspace links) and checks that the packages came from them;
//  4. type-checks small programs against the published declarations with `skipLibCheck: false`
//     (scripts/package-check/*.ts, every entry point, and every ```ts block of the packages'
//     READMEs that is marked runnable), then runs them in Node, plus `require()` of every entry;
//  5. adds the `webgpu` peer the way a user would (from the workspace's copy, so nothing is
//     downloaded) and runs the packed WebGPU backend against the CPU.
// Every command has a time limit, so a hang fails the check instead of stalling CI.
// `--keep` leaves the temporary project in place and prints where it is.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const here = join(root, 'scripts/package-check');
const keep = process.argv.includes('--keep');
const bin = join(root, 'node_modules/.bin');
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, TURBO_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0', NO_COLOR: '1' };
const started = performance.now();
const failures = [];

/** Runs a command; returns its output, or records a failure (with the output) and returns null. */
function run(label, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000, ...opts });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  // a timed-out command is a failure even when it exits 0: turbo answers the SIGTERM of the
  // timeout by stopping its tasks and exiting 0, which once passed half-built packages on
  if (r.status !== 0 || r.error) {
    failures.push(`${label} (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}):\n${output.trim()}`);
    return null;
  }
  return output;
}

/** `run` without blocking, for independent commands that can share the two cores. */
function runAsync(label, cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, timeout: 300_000, ...opts });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => {
      failures.push(`${label}: ${e.message}`);
      resolve(null);
    });
    child.on('close', (status, signal) => {
      if (status === 0) return resolve(output);
      failures.push(`${label} (exit ${status ?? signal}):\n${output.trim()}`);
      resolve(null);
    });
  });
}

/** Times one stage and prints it as `packages: <stage> … <s>`. */
async function stage(name, fn) {
  const t = performance.now();
  const before = failures.length;
  await fn();
  const secs = ((performance.now() - t) / 1000).toFixed(1);
  console.log(`packages: ${name} ${failures.length === before ? 'ok' : 'FAILED'} (${secs} s)`);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// the published packages: every workspace member under packages/ and apps/ that is not private
const published = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const file = join(root, group, name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = readJson(file);
    if (!pkg.private) published.push({ dir: join(root, group, name), pkg });
  }
}
const subpaths = (pkg) => Object.keys(pkg.exports).filter((s) => s !== './package.json');
const specifier = (pkg, subpath) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);
// entries whose declarations reference ambient types (graft.typeReferences) are checked in a
// program of their own, so the other entries are proven to compile without those types
const needsRefs = (pkg, subpath) => Boolean(pkg.graft?.typeReferences?.[subpath]);

const work = mkdtempSync(join(tmpdir(), 'graft-packages-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);
const packed = new Map(); // name → tarball path

try {
  await stage(`build (${published.map((p) => p.pkg.name).join(', ')})`, () => {
    // declaration builds dominate: about 2 minutes on 2 idle cores, over 5 under a load of 14
    run('turbo build', 'turbo', ['run', 'build', '--output-logs=errors-only', ...published.map((p) => `--filter=${p.pkg.name}`)], {
      timeout: 1_200_000,
    });
  });
  if (failures.length) throw new Error('build failed');

  await stage('pack', () => {
    for (const { dir, pkg } of published) {
      const out = run(`pnpm pack ${pkg.name}`, 'pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir });
      const file = out && readdirSync(tarballs).find((f) => f.startsWith(`${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`));
      if (file) packed.set(pkg.name, join(tarballs, file));
      else if (out) failures.push(`pnpm pack ${pkg.name}: no tarball in ${tarballs}`);
    }
  });
  if (failures.length) throw new Error('pack failed');

  await stage('publint + attw', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const attw = [...packed].map(([name, file]) =>
      runAsync(`attw ${name}`, 'attw', [file, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii', '--no-emoji', '--no-color']),
    );
    for (const [name, file] of packed) {
      const bytes = readFileSync(file);
      const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, strict: true });
      if (messages.length) failures.push(`publint ${name}:\n${messages.map((m) => `  ${m.type}: ${formatMessage(m, pkg, { color: false })}`).join('\n')}`);
    }
    await Promise.all(attw);
  });

  await stage('npm install of the tarballs', () => {
    const rootPkg = readJson(join(root, 'package.json'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify(
        {
          name: 'graft-package-check',
          private: true,
          type: 'module',
          dependencies: Object.fromEntries([...packed].map(([name, file]) => [name, `file:${file}`])),
          devDependencies: { '@types/node': rootPkg.devDependencies['@types/node'] },
        },
        null,
        2,
      ),
    );
    run('npm install', 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project });
    // every @graft package must come from our tarballs, never from the registry
    const lock = existsSync(join(project, 'package-lock.json')) ? readJson(join(project, 'package-lock.json')) : { packages: {} };
    for (const [path, entry] of Object.entries(lock.packages)) {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (name.startsWith('@graft/') && !(packed.has(name) && entry.resolved?.startsWith('file:'))) {
        failures.push(`npm install: ${path} was resolved from ${entry.resolved ?? 'nowhere'}, not from a packed tarball`);
      }
    }
    for (const [name] of packed) {
      const license = join(project, 'node_modules', name, 'LICENSE');
      if (!existsSync(license) || readFileSync(license, 'utf8') !== readFileSync(join(root, 'LICENSE'), 'utf8'))
        failures.push(`${name}: the tarball has no LICENSE identical to the repository's`);
    }
  });
  if (failures.length) throw new Error('install failed');

  await stage('type-check (skipLibCheck: false) and run', async () => {
    // every entry point, imported whole so its declarations are part of a checked program
    const plain = [];
    const withRefs = [];
    for (const { pkg } of published) {
      for (const s of subpaths(pkg)) (needsRefs(pkg, s) ? withRefs : plain).push(specifier(pkg, s));
    }
    const importAll = (specs) =>
      `${specs.map((s, i) => `import * as e${i} from '${s}';`).join('\n')}\nexport const entries = { ${specs.map((s, i) => `'${s}': e${i}`).join(', ')} };\n`;
    writeFileSync(join(project, 'entries.ts'), importAll(plain));
    writeFileSync(join(project, 'entries-refs.ts'), importAll(withRefs));
    for (const f of ['smoke.ts', 'webgpu.ts', 'require.cjs', 'classes.mjs']) copyFileSync(join(here, f), join(project, f));
    // README examples marked runnable (```ts run) become programs of their own
    const readmes = [];
    for (const { dir, pkg } of published) {
      const text = readFileSync(join(dir, 'README.md'), 'utf8');
      let n = 0;
      for (const m of text.matchAll(/^```ts run\n([\s\S]*?)^```$/gm)) {
        const file = `readme-${basename(dir)}-${++n}.ts`;
        writeFileSync(join(project, file), m[1]);
        readmes.push({ file, from: `${pkg.name} README, runnable block ${n}` });
      }
    }
    const base = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      skipLibCheck: false,
      types: ['node'],
      outDir: 'out',
    };
    // a Node user's configuration: no DOM library, and no WebGPU types unless an entry brings them
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...base, lib: ['ES2023'] }, files: ['entries.ts', 'smoke.ts'] }, null, 2),
    );
    writeFileSync(
      join(project, 'tsconfig.refs.json'),
      JSON.stringify({ compilerOptions: { ...base, lib: ['ES2023', 'DOM'] }, files: ['entries-refs.ts', 'webgpu.ts', ...readmes.map((r) => r.file)] }, null, 2),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    await Promise.all([
      runAsync('tsc (entries without type references, smoke.ts)', process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }),
      runAsync('tsc (entries with type references, webgpu.ts, README blocks)', process.execPath, [tsc, '-p', 'tsconfig.refs.json'], { cwd: project }),
    ]);
    if (failures.length) return;

    const node = (label, file, extra = {}) => {
      const out = run(label, process.execPath, [file], { cwd: project, env: { ...env, ...extra }, timeout: 120_000 });
      if (out?.trim()) console.log(out.trim().replace(/^/gm, '  '));
    };
    node('smoke.ts', 'out/smoke.js', { GRAFT_BERT_DIR: join(root, 'assets/tokenizers/bert-base-uncased') });
    node('webgpu.ts', 'out/webgpu.js');
    node('classes.mjs', 'classes.mjs', { GRAFT_ENTRIES: JSON.stringify([...plain, ...withRefs]) });
    node('require.cjs', 'require.cjs', { GRAFT_ENTRIES: JSON.stringify([...plain, ...withRefs]) });
    for (const { file, from } of readmes) node(from, `out/${file.replace(/\.ts$/, '.js')}`);
  });

  if (packed.has('@graft/core')) {
    await stage('with the webgpu peer installed', () => {
      const webgpu = realpathSync(join(root, 'packages/core/node_modules/webgpu'));
      if (
        run('npm install webgpu', 'npm', ['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', webgpu], {
          cwd: project,
        }) === null
      )
        return;
      copyFileSync(join(here, 'webgpu-present.mjs'), join(project, 'webgpu-present.mjs'));
      const out = run('webgpu-present.mjs', process.execPath, ['webgpu-present.mjs'], { cwd: project, timeout: 120_000 });
      if (out !== null) console.log(out.trim().replace(/^/gm, '  '));
    });
  }
} catch (e) {
  if (!failures.length) failures.push(String(e?.stack ?? e));
} finally {
  if (keep) console.log(`packages: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const total = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length) {
  console.error(`\npackages: ${failures.length} problem(s) in ${total} s\n`);
  for (const f of failures) console.error(`- ${f}\n`);
  process.exit(1);
}
console.log(`packages: ${[...packed.keys()].join(', ')} ok (${total} s)`);
