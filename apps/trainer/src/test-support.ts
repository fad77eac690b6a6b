/**
 * Test support for the CLI's tests (not exported): runs the real `graft` executable from source
 * in a child process (Node with tsx's loader and the `@graft/source` condition), as a user's
 * shell would, and returns its exit code and output.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The source of the `graft` executable. */
export const GRAFT_BIN = join(dirname(fileURLToPath(import.meta.url)), 'bin.ts');

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What a run of `graft` produced. */
export interface GraftRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runGraft}. */
export interface RunGraftOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Kill after this many ms (default 120 s). */
  timeoutMs?: number;
  /** Called with each chunk of stderr as it arrives (to send a signal mid-run). */
  onStderr?: (chunk: string, child: { kill(signal: NodeJS.Signals): boolean }) => void;
}

/** Runs `graft <args>` and resolves when it exits. */
export function runGraft(args: readonly string[], opts: RunGraftOptions = {}): Promise<GraftRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, '--conditions=@graft/source', GRAFT_BIN, ...args], {
      cwd: opts.cwd ?? process.cwd(),
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(d.toString(), child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}
