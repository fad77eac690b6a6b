import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskCache } from './disk-cache';
import { readCsvFile } from './readers';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'graft-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Row {
  text: string;
  label: number;
}

describe('diskCache', () => {
  it('serves a map from disk in a later run (the function does not run), and misses on a changed function or input file', async () => {
    const data = join(dir, 'train.csv');
    await writeFile(data, `text,label\n${Array.from({ length: 200 }, (_, i) => `word${i} word,${i % 2}`).join('\n')}\n`);
    const cacheDir = join(dir, 'cache');
    let calls = 0;
    const tokenize = (batch: { text: string[] }) => {
      calls += batch.text.length;
      return { inputIds: batch.text.map((t) => Int32Array.from(t.split(' '), (w) => w.length)) };
    };
    const run = async (fn: typeof tokenize) => (await readCsvFile<Row>(data)).map(fn, { batched: true, batchSize: 64, cache: diskCache(cacheDir) });

    const first = await run(tokenize);
    expect(calls).toBe(200);
    const written = await readdir(cacheDir);
    expect(written).toEqual([`map-${first.fingerprint}.jsonl`]); // one entry, no temporary left behind
    const second = await run(tokenize); // a new cache object over the same folder: as in a new process
    expect(calls).toBe(200);
    expect(second.toArray()).toEqual(first.toArray().map((r) => ({ ...r, inputIds: Array.from(r.inputIds) })));
    expect(second.fingerprint).toBe(first.fingerprint);

    await run((batch) => ({ inputIds: batch.text.map((t) => Int32Array.from(t.split(' '), (w) => w.length + 1)) }));
    expect((await readdir(cacheDir)).length).toBe(2); // another function: a new entry
    await writeFile(data, 'text,label\nother data,1\n');
    await run(tokenize);
    expect(calls).toBe(201); // another input: computed again
  });

  it('recomputes and rewrites an entry that does not read back whole', async () => {
    const cacheDir = join(dir, 'cache2');
    const data = join(dir, 'small.csv');
    await writeFile(data, 'text,label\na,1\nb,0\n');
    let calls = 0;
    const fn = (r: Row) => (calls++, { n: r.text.length });
    const ds = await (await readCsvFile<Row>(data)).map(fn, { cache: diskCache(cacheDir) });
    const path = join(cacheDir, `map-${ds.fingerprint}.jsonl`);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.split('\n').slice(0, 2).join('\n')); // header and one of two rows
    await (await readCsvFile<Row>(data)).map(fn, { cache: diskCache(cacheDir) });
    expect(calls).toBe(4);
    expect(await readFile(path, 'utf8')).toBe(text);
  });
});
