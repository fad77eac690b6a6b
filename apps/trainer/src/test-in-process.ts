/**
 * Test support for the CLI's tests (not exported): runs `graft … --json` in process through
 * `runCli`, as the command tests do when they need the result object rather than a real shell,
 * and the interrupted-and-resumed run that the resume tests compare with the whole one.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './program';

/** A writable that keeps what it is given. */
export function sink() {
  let text = '';
  return {
    write: (s: string) => ((text += s), true),
    get text() {
      return text;
    },
  };
}

/** Runs `graft <argv> --json` in process: the exit code, the printed result and stderr. */
export async function graftJson(argv: string[], cwd: string): Promise<{ code: number; result: Record<string, unknown>; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli([...argv, '--json'], { stdout, stderr, cwd });
  let result: Record<string, unknown> = {};
  try {
    result = JSON.parse(stdout.text);
  } catch {
    throw new Error(`graft ${argv.join(' ')} printed no JSON (exit ${code}):\n${stderr.text}`);
  }
  return { code, result, stderr: stderr.text };
}

/** Like {@link graftJson}, throwing (with stderr) unless it exits 0. */
export async function graftOk(argv: string[], cwd: string) {
  const r = await graftJson(argv, cwd);
  if (r.code !== 0) throw new Error(`graft ${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

/** Small, quick training runs: a few dozen rows, short sequences, a fixed seed. */
export const SMALL_RUN = ['--train-samples', '48', '--eval-samples', '24', '--max-length', '24', '--per-device-train-batch-size', '8', '--seed', '3'];

/**
 * An interrupted run and the uninterrupted one: runs `argv(<work>/<name>-whole)` to the end,
 * copies its `checkpoint-<step>` alone into `<work>/<name>-resumed` (the run as it stood then) and
 * resumes there with `--resume-from-checkpoint <from>`; returns both run directories.
 */
export async function resumedAndWhole(
  work: string,
  name: string,
  argv: (out: string) => string[],
  o: { step: number; from?: string },
): Promise<{ whole: string; resumed: string }> {
  const whole = join(work, `${name}-whole`);
  const resumed = join(work, `${name}-resumed`);
  await graftOk(argv(whole), work);
  mkdirSync(resumed, { recursive: true });
  const checkpoint = `checkpoint-${o.step}`;
  cpSync(join(whole, checkpoint), join(resumed, checkpoint), { recursive: true });
  await graftOk([...argv(resumed), '--resume-from-checkpoint', o.from ?? 'latest'], work);
  return { whole, resumed };
}
