import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileWriteError } from '@graft/core/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlLoggingCallback } from '../callbacks/jsonl-logging';
import { jsonlFileSink } from './jsonl-file-sink';
import { cleanLeftovers, nodeCheckpointStore } from './node-checkpoint-store';

let root: string;
const bytes = (s: string) => new TextEncoder().encode(s);
const files = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k, bytes(v)]));

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'graft-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('nodeCheckpointStore', () => {
  it('writes directories whole, reads, lists, replaces and removes them', async () => {
    const store = nodeCheckpointStore(join(root, 'out'));
    expect(await store.list()).toEqual([]);
    await store.write('checkpoint-2', files({ 'a.json': '1', 'b.bin': '22' }));
    await store.write('checkpoint-10', files({ 'a.json': '3' }));
    expect(await store.list()).toEqual(['checkpoint-10', 'checkpoint-2']);
    expect(new TextDecoder().decode((await store.read('checkpoint-2', 'b.bin'))!)).toBe('22');
    expect(await store.read('checkpoint-2', 'missing.json')).toBeNull();
    expect(await store.read('checkpoint-99', 'a.json')).toBeNull();
    await store.write('checkpoint-2', files({ 'c.json': 'new' }));
    expect((await readdir(join(root, 'out', 'checkpoint-2'))).sort()).toEqual(['c.json']);
    await store.remove('checkpoint-2');
    await store.remove('checkpoint-2'); // already gone: no error
    expect(await store.list()).toEqual(['checkpoint-10']);
    // the root takes files one by one (each atomically), next to the checkpoints
    await store.write('', files({ 'README.md': '# run' }));
    expect(await readFile(join(root, 'out', 'README.md'), 'utf8')).toBe('# run');
    expect(new TextDecoder().decode((await store.read('', 'README.md'))!)).toBe('# run');
    expect((await readdir(join(root, 'out'))).sort()).toEqual(['README.md', 'checkpoint-10']);
  });

  it('refuses names that would leave its directory', async () => {
    const store = nodeCheckpointStore(root);
    await expect(store.write('../x', files({ a: '1' }))).rejects.toThrow(/single name/);
    await expect(store.write('ok', files({ '../a': '1' }))).rejects.toThrow(/single name/);
    await expect(store.read('.hidden', 'a')).rejects.toThrow(/single name/);
    await expect(store.remove('')).rejects.toThrow(/single name/);
  });

  it('cleans up what killed writers left: temporaries go, a directory moved aside comes back', async () => {
    const pid = deadPid();
    const store = nodeCheckpointStore(root);
    await mkdir(join(root, `.checkpoint-3.${pid}.0123456789ab.tmp`));
    await writeFile(join(root, `.checkpoint-3.${pid}.0123456789ab.tmp`, 'model.safetensors'), 'half');
    // killed between the two renames of a replacement: the old checkpoint-5 is aside, the new one not in
    await mkdir(join(root, `.checkpoint-5.${pid}.aaaaaaaaaaaa.old`));
    await writeFile(join(root, `.checkpoint-5.${pid}.aaaaaaaaaaaa.old`, 'a.json'), 'previous');
    // a replaced directory whose new version did arrive: the old one is just deleted
    await store.write('checkpoint-7', files({ 'a.json': 'new' }));
    await mkdir(join(root, `.checkpoint-7.${pid}.bbbbbbbbbbbb.old`));
    // a live process's temporary is not touched
    await mkdir(join(root, `.checkpoint-9.${process.ppid}.cccccccccccc.tmp`));
    expect(await store.list()).toEqual(['checkpoint-5', 'checkpoint-7']);
    expect(await readFile(join(root, 'checkpoint-5', 'a.json'), 'utf8')).toBe('previous');
    expect((await readdir(root)).sort()).toEqual([`.checkpoint-9.${process.ppid}.cccccccccccc.tmp`, 'checkpoint-5', 'checkpoint-7']);
    expect(await cleanLeftovers(root)).toEqual([]);
  });

  it('reports file-system failures as FileWriteErrors naming the checkpoint', async () => {
    await writeFile(join(root, 'file'), 'x');
    const store = nodeCheckpointStore(join(root, 'file'));
    const e = await store.write('checkpoint-1', files({ a: '1' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FileWriteError);
    expect((e as FileWriteError).message).toMatch(/cannot write '.*file'/);
  });
});

describe('jsonlFileSink', () => {
  it('appends lines, and rewinds to a step (a resumed run drops what came after its checkpoint)', async () => {
    const path = join(root, 'run', 'metrics.jsonl');
    const sink = jsonlFileSink(path);
    const cb = new JsonlLoggingCallback(sink);
    for (const step of [2, 4, 6]) await cb.onLog({} as never, { loss: 1 / step, step });
    await writeFile(path, `${await readFile(path, 'utf8')}{"loss": 0.1, "st`); // a line cut short by a kill
    await sink.rewind!(4);
    expect(
      (await readFile(path, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).step),
    ).toEqual([2, 4]);
    await sink.rewind!(0);
    expect(await readFile(path, 'utf8')).toBe('');
  });
});
