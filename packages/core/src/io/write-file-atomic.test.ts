import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgumentError, GraftError } from '../errors';
import { fileWriteError, FileWriteError, removeStaleTemporaries, writeFileAtomic } from './write-file-atomic';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'graft-atomic-'));
});

afterEach(async () => {
  await chmod(dir, 0o700).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const moduleUrl = new URL('./write-file-atomic.ts', import.meta.url).href;

/** The error `promise` rejects with (failing the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<FileWriteError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FileWriteError);
  return err as FileWriteError;
}

/**
 * A child Node process that writes `path` through writeFileAtomic with a source that yields one
 * chunk, says "started" and then never finishes: the parent kills it mid-write.
 */
async function startStuckWriter(path: string): Promise<ChildProcess> {
  const script = join(dir, 'stuck-writer.mts');
  await writeFile(
    script,
    `import { writeFileAtomic } from ${JSON.stringify(moduleUrl)};
async function* source() {
  yield new Uint8Array(1 << 20).fill(7);
  process.stdout.write('started\\n');
  await new Promise(() => setInterval(() => {}, 1000));
}
await writeFileAtomic(${JSON.stringify(path)}, source());`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('started') && resolve());
    child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('writeFileAtomic', () => {
  it('writes bytes, text and chunk streams, replacing the old file', async () => {
    const path = join(dir, 'out.bin');
    await writeFileAtomic(path, 'old');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    async function* chunks() {
      yield new Uint8Array([4, 5]);
      yield new Uint8Array([6]);
    }
    await writeFileAtomic(path, chunks());
    expect(Array.from(await readFile(path))).toEqual([4, 5, 6]);
    await writeFileAtomic(path, [new Uint8Array([7]), new Uint8Array([8])]);
    expect(Array.from(await readFile(path))).toEqual([7, 8]);
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('removes the temporary file and keeps the old file when the data source fails mid-way', async () => {
    const path = join(dir, 'model.safetensors');
    await writeFileAtomic(path, 'previous checkpoint');
    let yielded = 0;
    async function* failing() {
      yield new Uint8Array(1024);
      yielded++;
      throw new Error('disk source broke');
    }
    // the source's own error comes through unchanged
    await expect(writeFileAtomic(path, failing())).rejects.toThrow('disk source broke');
    expect(yielded).toBe(1);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    expect(await readFile(path, 'utf8')).toBe('previous checkpoint');
  });

  it('leaves no file at all when a first write fails mid-way', async () => {
    const path = join(dir, 'adapter_model.safetensors');
    function* failing() {
      yield new Uint8Array(8);
      throw new Error('serializer failed');
    }
    await expect(writeFileAtomic(path, failing())).rejects.toThrow('serializer failed');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses chunks that are not bytes with a typed error, cleaning up', async () => {
    const path = join(dir, 'x.bin');
    await expect(writeFileAtomic(path, ['text' as unknown as Uint8Array])).rejects.toThrow(ArgumentError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeFileAtomic after a writer was killed', () => {
  it('keeps the previous file through a SIGKILL mid-write, and the next write removes the temporary', async () => {
    const path = join(dir, 'model.safetensors');
    await writeFileAtomic(path, 'step 100');
    const child = await startStuckWriter(path);
    const pid = child.pid!;
    // while the writer lives, its temporary is in use: a write of the same target leaves it alone
    const tmp = `.model.safetensors.${HOST}.${pid}.`;
    expect((await readdir(dir)).filter((n) => n.startsWith(tmp))).toHaveLength(1);
    await writeFileAtomic(path, 'step 150');
    expect((await readdir(dir)).filter((n) => n.startsWith(tmp))).toHaveLength(1);
    await kill(child);
    expect(await readFile(path, 'utf8')).toBe('step 150');
    // the killed writer's 1 MiB temporary stays until the next write of that target
    expect((await readdir(dir)).sort()).toEqual(expect.arrayContaining(['model.safetensors', expect.stringMatching(/\.tmp$/)]));
    await writeFileAtomic(path, 'step 200');
    expect((await readdir(dir)).filter((n) => n !== 'stuck-writer.mts')).toEqual(['model.safetensors']);
    expect(await readFile(path, 'utf8')).toBe('step 200');
  }, 60_000);

  it('removes temporaries of dead pids, of earlier versions and of this pid when not in flight; keeps live and foreign ones', async () => {
    const path = join(dir, 'ckpt.bin');
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default of 2^22: never running
    const names = {
      deadPid: `.ckpt.bin.${HOST}.${dead}.aaaaaaaaaaaa.tmp`,
      oldFormat: `.ckpt.bin.${dead}.bbbbbbbbbbbb.tmp`,
      ownPid: `.ckpt.bin.${HOST}.${process.pid}.cccccccccccc.tmp`,
      livePid: `.ckpt.bin.${HOST}.1.dddddddddddd.tmp`,
      otherHost: `.ckpt.bin.0badc0de.${dead}.eeeeeeeeeeee.tmp`,
      otherHostOld: `.ckpt.bin.0badc0de.${dead}.ffffffffffff.tmp`,
      otherTarget: `.ckpt.bin2.${HOST}.${dead}.aaaaaaaaaaaa.tmp`,
      notOurs: `.ckpt.bin.notes.tmp`,
    };
    for (const n of Object.values(names)) await writeFile(join(dir, n), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(join(dir, names.otherHostOld), twoDaysAgo, twoDaysAgo);
    const removed = await removeStaleTemporaries(path);
    expect(removed.map((p) => p.slice(dir.length + 1)).sort()).toEqual([names.deadPid, names.oldFormat, names.ownPid, names.otherHostOld].sort());
    expect((await readdir(dir)).sort()).toEqual([names.livePid, names.otherHost, names.otherTarget, names.notOurs].sort());
  });

  it('lets two concurrent writers of one target in this process finish without touching each other', async () => {
    const path = join(dir, 'shared.bin');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let firstStarted!: () => void;
    const started = new Promise<void>((r) => (firstStarted = r));
    async function* slow() {
      yield new TextEncoder().encode('first ');
      firstStarted();
      await gate;
      yield new TextEncoder().encode('writer');
    }
    const first = writeFileAtomic(path, slow());
    await started;
    // the second write's cleanup sees the first one's temporary, in flight: it must keep it
    await writeFileAtomic(path, 'second writer');
    expect(await readFile(path, 'utf8')).toBe('second writer');
    release();
    await first;
    expect(await readFile(path, 'utf8')).toBe('first writer');
    expect(await readdir(dir)).toEqual(['shared.bin']);
  });
});

describe('writeFileAtomic errors', () => {
  it('reports a missing folder as a typed error naming the target, not the temporary', async () => {
    const path = join(dir, 'missing', 'model.safetensors');
    const err = await rejection(writeFileAtomic(path, new Uint8Array(4)));
    expect(err).toBeInstanceOf(GraftError);
    expect(err.code).toBe('write_folder_missing');
    expect(err.errno).toBe('ENOENT');
    expect(err.path).toBe(path);
    expect(err.message).toContain(`'${path}'`);
    expect(err.message).toContain('create it first');
    expect(err.message).not.toMatch(/\.tmp/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a path through a file, and a target that is a folder', async () => {
    await writeFile(join(dir, 'plain'), 'x');
    const through = await rejection(writeFileAtomic(join(dir, 'plain', 'model.bin'), 'x'));
    expect(through.code).toBe('write_not_a_folder');
    expect(through.message).not.toMatch(/\.tmp/);
    await mkdir(join(dir, 'folder'));
    const folder = await rejection(writeFileAtomic(join(dir, 'folder'), 'x'));
    expect(folder.code).toBe('write_target_is_folder');
    expect(folder.path).toBe(join(dir, 'folder'));
    expect(folder.message).not.toMatch(/\.tmp/);
    expect((await readdir(dir)).sort()).toEqual(['folder', 'plain']);
  });

  // root (CI, containers) may write anywhere: there the mapping below is what is tested
  it.skipIf(process.getuid?.() === 0)('reports a folder without write permission as write_permission_denied', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o500);
    const err = await rejection(writeFileAtomic(join(locked, 'model.bin'), 'x'));
    expect(err.code).toBe('write_permission_denied');
    expect(err.message).not.toMatch(/\.tmp/);
  });

  it.each([
    ['EACCES', 'write_permission_denied', /permission denied/],
    ['EPERM', 'write_permission_denied', /permission denied/],
    ['EROFS', 'write_read_only', /read-only/],
    ['ENOSPC', 'write_no_space', /no space left.*unchanged/],
    ['EDQUOT', 'write_no_space', /quota/],
    ['EIO', 'write_failed', /EIO/],
  ])('maps %s from the file system to %s, naming the target', (errno, code, message) => {
    const target = '/data/run/model.safetensors';
    const nodeError = Object.assign(new Error(`${errno}: open '/data/run/.model.safetensors.1234.abcdef.tmp'`), { code: errno });
    const err = fileWriteError(nodeError, target) as FileWriteError;
    expect(err).toBeInstanceOf(FileWriteError);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`'${target}'`);
    expect(err.message).not.toMatch(/\.tmp/);
    expect(err.cause).toBe(nodeError);
  });

  it('passes errors that are not file-system errors through', () => {
    const plain = new Error('not mine');
    expect(fileWriteError(plain, '/x')).toBe(plain);
  });
});
