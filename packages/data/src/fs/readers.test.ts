import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFormatError, DataSourceError } from '../errors';
import { readCsvFile, readDataFile, readJsonlFile, readParquetFile, streamCsvFile, streamDataFile, streamJsonlFile, streamParquetFile } from './readers';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'graft-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('file readers', () => {
  it('read CSV, TSV (by name) and JSONL files, gzipped by extension', async () => {
    await writeFile(join(dir, 'a.csv'), 'text,label\n"x, y",1\n');
    await writeFile(join(dir, 'a.tsv.gz'), gzipSync('text\tlabel\nx, y\t1\n'));
    await writeFile(join(dir, 'a.jsonl.gz'), gzipSync('{"text": "x, y", "label": 1}\n'));
    const expected = [{ text: 'x, y', label: 1 }];
    expect((await readCsvFile(join(dir, 'a.csv'))).toArray()).toEqual(expected);
    expect((await readCsvFile(join(dir, 'a.tsv.gz'))).toArray()).toEqual(expected);
    expect((await readJsonlFile(join(dir, 'a.jsonl.gz'))).toArray()).toEqual(expected);
    expect((await readDataFile(join(dir, 'a.tsv.gz'))).toArray()).toEqual(expected);
    const streamed: unknown[] = [];
    for await (const row of streamDataFile(join(dir, 'a.jsonl.gz'))) streamed.push(row);
    expect(streamed).toEqual(expected);
  });

  it('name the file in malformed-row errors, and in errors of missing files and unknown formats', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'a,b\n1,2\n3,"4\n');
    const e = await rejection(readCsvFile(path));
    expect(e).toBeInstanceOf(DataFormatError);
    expect((e as DataFormatError).message.startsWith(`${path}:3:3: a quoted field is never closed`)).toBe(true);
    const gz = gzipSync(`${'{"a": 1}\n'.repeat(5000)}`);
    await writeFile(join(dir, 'cut.jsonl.gz'), gz.subarray(0, gz.length - 20));
    expect(await rejection(readJsonlFile(join(dir, 'cut.jsonl.gz')))).toMatchObject({ code: 'gzip_corrupt', file: join(dir, 'cut.jsonl.gz') });
    expect(await rejection(readCsvFile(join(dir, 'missing.csv')))).toMatchObject({ code: 'file_not_found' });
    expect(await rejection(readCsvFile(dir))).toMatchObject({ code: 'file_not_found', message: expect.stringMatching(/is a folder/) });
    const unknown = await rejection(readDataFile(join(dir, 'data.xlsx')));
    expect(unknown).toBeInstanceOf(DataSourceError);
    expect((unknown as DataSourceError).code).toBe('unknown_format');
    const streamMissing = streamCsvFile(join(dir, 'missing.csv'));
    expect(await rejection(streamMissing.toDataset())).toMatchObject({ code: 'file_not_found' });
  });

  it('read a .json file that holds JSON Lines as JSON Lines, as HF does', async () => {
    await writeFile(join(dir, 'lines.json'), '{"a": 1}\n{"a": 2}\n');
    expect((await readDataFile(join(dir, 'lines.json'))).column('a')).toEqual([1, 2]);
  });

  it('stream a file far larger than the chunk size holding one chunk and one row at a time', async () => {
    const path = join(dir, 'big.jsonl');
    const rows = 60_000;
    const out = createWriteStream(path);
    for (let i = 0; i < rows; i++) out.write(`${JSON.stringify({ id: i, text: `row number ${i} with some words in it`, label: i % 2 })}\n`);
    await new Promise((resolve) => out.end(resolve));
    const size = (await stat(path)).size;
    const chunkSize = 16 * 1024;
    expect(size / chunkSize).toBeGreaterThan(200);
    const ds = streamJsonlFile(path, { chunkSize });
    let n = 0;
    let longest = 0;
    for await (const row of ds) {
      expect(row.id).toBe(n++);
      longest = Math.max(longest, JSON.stringify(row).length + 1);
    }
    expect(n).toBe(rows);
    expect(ds.report.bytes).toBe(size);
    expect(ds.report.maxBufferedChars).toBeLessThanOrEqual(chunkSize + longest);
    expect(ds.report.maxBufferedRows).toBeLessThanOrEqual(Math.ceil(chunkSize / 60) + 1);
    // The same file as CSV, through the CSV parser.
    const csvPath = join(dir, 'big.csv');
    const csv = createWriteStream(csvPath);
    csv.write('id,text\n');
    for (let i = 0; i < rows; i++) csv.write(`${i},"row ${i}, quoted"\n`);
    await new Promise((resolve) => csv.end(resolve));
    const streamed = streamCsvFile(csvPath, { chunkSize, types: { id: 'int' } });
    let m = 0;
    for await (const row of streamed) expect(row.id).toBe(m++);
    expect(m).toBe(rows);
    expect(streamed.report.maxBufferedChars).toBeLessThanOrEqual(chunkSize + 40);
  });

  it('read and stream Parquet files, a row group at a time with ranged reads', async () => {
    const path = join(dir, 'p.parquet');
    const n = 5000;
    await writeFile(
      path,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'id', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
            { name: 'text', data: Array.from({ length: n }, (_, i) => `t${i}`), type: 'STRING' },
          ],
          rowGroupSize: 500,
        }),
      ),
    );
    expect((await readParquetFile(path)).length).toBe(n);
    const ds = streamParquetFile(path);
    let k = 0;
    for await (const row of ds) expect(row.id).toBe(k++);
    expect(k).toBe(n);
    expect(ds.report.maxBufferedRows).toBe(500);
    await writeFile(
      join(dir, 'cut.parquet'),
      new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1, 2, 3], type: 'INT32' }] })).subarray(0, 30),
    );
    expect(await rejection(readParquetFile(join(dir, 'cut.parquet')))).toMatchObject({ code: 'parquet_corrupt', file: join(dir, 'cut.parquet') });
  });
});
