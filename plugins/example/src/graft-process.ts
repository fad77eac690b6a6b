/**
 * Test support (not exported): runs the `graft` executable in a child process, as a user's shell
 * runs it, from source, as `pnpm graft` does in this repository (the published package runs its
 * built `bin`, dist/bin.js), with the plugin's folder as the working directory by default.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const cliPackage = require.resolve('@graft/cli/package.json');
/** The `graft` executable's source. */
const GRAFT = join(dirname(cliPackage), 'src', 'bin.ts');
const tsx = pathToFileURL(require.resolve('tsx')).href;

/** The plugin package's folder (where `--plugin ./src/cli.ts` and `@graft/plugin-example/cli` resolve). */
export const pluginDir = join(import.meta.dirname, '..');

/** What a run of `graft` produced. */
export interface GraftRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `graft <args>` in `cwd` and resolves when it exits (killed after 90 s). */
export function graft(args: string[], cwd = pluginDir): Promise<GraftRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, '--conditions=@graft/source', GRAFT, ...args], {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
