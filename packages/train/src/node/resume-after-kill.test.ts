/**
 * Exact resume across processes: training runs in a child process (test-utils/train/resume-child.ts)
 * writing checkpoints with `nodeCheckpointStore`; the child is killed with SIGKILL, a new
 * process resumes from the latest checkpoint, and the final weights must equal, byte for byte,
 * those of a run that was never interrupted. A checkpoint killed mid-write must not be used:
 * its temporary directory is never listed, and is cleaned up by the next run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const script = fileURLToPath(new URL('../../../../test-utils/train/resume-child.ts', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'graft-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the child; resolves with it once a stdout line equals `until` (or when it exits, for `until` null). */
function run(outputDir: string, mode: string, step = 0, until: string | null = null): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@graft/source', script, outputDir, mode, String(step)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line === until) resolve({ child, lines });
      }
    });
    child.on('exit', (code) => {
      if (until === null && code === 0) resolve({ child, lines });
      else reject(new Error(`child (${mode}) exited with ${code} before '${until}':\n${stderr}`));
    });
  });
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const weights = (outputDir: string) => readFile(join(outputDir, 'model.safetensors'));

describe('a run killed with SIGKILL', () => {
  let reference: Buffer;

  beforeAll(async () => {
    const out = join(dir, 'uninterrupted');
    const { lines } = await run(out, 'full');
    expect(lines).toEqual(['saved checkpoint-4', 'saved checkpoint-8', 'saved checkpoint-12', 'saved checkpoint-16', 'saved checkpoint-18', 'done']);
    reference = await weights(out);
  }, 120_000);

  it('resumes mid-epoch to bit-identical weights', async () => {
    const out = join(dir, 'killed');
    const { child, lines } = await run(out, 'stall-after-save', 8, 'saved checkpoint-8');
    await killHard(child);
    expect(lines).toEqual(['saved checkpoint-4', 'saved checkpoint-8']);
    expect((await readdir(out)).sort()).toEqual(['checkpoint-4', 'checkpoint-8']);
    // the kill landed mid-epoch: checkpoint-8 is 4 of the 12 batches into epoch 1
    expect(JSON.parse(await readFile(join(out, 'checkpoint-8', 'data_state.json'), 'utf8')).loader).toEqual({ epoch: 1, batchIndex: 4, seed: 7 });
    const resumed = await run(out, 'resume');
    expect(resumed.lines).toEqual(['saved checkpoint-12', 'saved checkpoint-16', 'saved checkpoint-18', 'done']);
    expect((await weights(out)).equals(reference)).toBe(true);
  }, 120_000);

  it('mid-write leaves no checkpoint; the next run cleans up and resumes from the one before', async () => {
    const out = join(dir, 'killed-in-save');
    const { child } = await run(out, 'stall-in-save', 12, 'writing checkpoint-12');
    await killHard(child);
    const left = (await readdir(out)).sort();
    expect(left.filter((n) => !n.startsWith('.'))).toEqual(['checkpoint-4', 'checkpoint-8']);
    const temporary = left.find((n) => n.startsWith('.checkpoint-12.'));
    expect(temporary).toMatch(/^\.checkpoint-12\.\d+\.[0-9a-f]{12}\.tmp$/);
    expect((await readdir(join(out, temporary!))).length).toBe(2); // two files written, the third never finished
    const resumed = await run(out, 'resume');
    expect(resumed.lines[0]).toBe('saved checkpoint-12');
    expect((await readdir(out)).filter((n) => n.startsWith('.'))).toEqual([]);
    expect((await weights(out)).equals(reference)).toBe(true);
  }, 120_000);
});
