/**
 * Parquet files are written in the test by hyparquet-writer (an independent writer from the same
 * authors as the reader; the HF `huggingface` metadata is the JSON `datasets` writes), so every
 * case below is generated, not committed.
 */
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from './errors';
import { parquetFeatures, readParquet, streamParquet } from './parquet';

const HF_META = JSON.stringify({
  info: {
    features: {
      sentence: { dtype: 'string', _type: 'Value' },
      label: { names: ['negative', 'positive'], _type: 'ClassLabel' },
      input_ids: { feature: { dtype: 'int32', _type: 'Value' }, _type: 'Sequence' },
    },
  },
});

function sst2Like(n: number, opts: { codec?: 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED'; rowGroupSize?: number } = {}): Uint8Array {
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'sentence', data: Array.from({ length: n }, (_, i) => `sentence ${i}`), type: 'STRING' },
      { name: 'label', data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 2)), type: 'INT64' },
      { name: 'input_ids', data: Array.from({ length: n }, (_, i) => Array.from({ length: (i % 5) + 1 }, (_, k) => k + 100)) },
    ],
    codec: opts.codec ?? 'SNAPPY',
    compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) },
    rowGroupSize: opts.rowGroupSize ?? n,
    kvMetadata: [{ key: 'huggingface', value: HF_META }],
  });
  return new Uint8Array(buf);
}

async function rejection(p: Promise<unknown>): Promise<DataFormatError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof DataFormatError)) throw new Error(`expected a DataFormatError, got ${String(e)}`);
  return e;
}

describe('readParquet', () => {
  it('reads rows with int64 as numbers, lists as arrays, and the HF features', async () => {
    const ds = await readParquet(sst2Like(10));
    expect(ds.length).toBe(10);
    expect(ds.get(3)).toEqual({ sentence: 'sentence 3', label: 1, input_ids: [100, 101, 102, 103] });
    expect(ds.features?.label).toEqual({ names: ['negative', 'positive'], _type: 'ClassLabel' });
    expect(ds.encodeLabels('label').id2label).toEqual({ 0: 'negative', 1: 'positive' });
    expect(await parquetFeatures(sst2Like(2))).toEqual(ds.features);
  });

  it('reads snappy, gzip (through hyparquet-compressors) and uncompressed files alike', async () => {
    const expected = (await readParquet(sst2Like(50, { codec: 'UNCOMPRESSED' }))).toArray();
    expect((await readParquet(sst2Like(50, { codec: 'SNAPPY' }))).toArray()).toEqual(expected);
    expect((await readParquet(sst2Like(50, { codec: 'GZIP' }))).toArray()).toEqual(expected);
    expect((await readParquet(new Blob([sst2Like(50) as Uint8Array<ArrayBuffer>]))).toArray()).toEqual(expected);
  });

  it('reads only the columns asked for', async () => {
    expect((await readParquet(sst2Like(3), { columns: ['label'] })).toArray()).toEqual([{ label: 0 }, { label: 1 }, { label: 0 }]);
  });

  it('fails on truncated and corrupt files, naming the file', async () => {
    const bytes = sst2Like(100);
    const cut = await rejection(readParquet(bytes.subarray(0, bytes.length - 30), { file: 'train.parquet' }));
    expect(cut.code).toBe('parquet_corrupt');
    expect(cut.message).toMatch(/^train\.parquet: cannot read the Parquet data \(.+\): the file is truncated or corrupt/);
    expect(await rejection(readParquet(new TextEncoder().encode('not a parquet file at all')))).toMatchObject({ code: 'parquet_corrupt' });
    // Damage the column data (not the footer): the pages no longer decode.
    const damaged = bytes.slice();
    damaged.fill(0xff, 4, 400);
    expect(await rejection(readParquet(damaged, { file: 'd.parquet' }))).toMatchObject({ code: 'parquet_corrupt', file: 'd.parquet' });
  });

  it('checks declared types, naming the row and field, or skips such rows', async () => {
    const e = await rejection(readParquet(sst2Like(4), { types: { label: 'string' }, file: 'p.parquet' }));
    expect(e).toMatchObject({ code: 'wrong_type', row: 0, field: 'label' });
    expect(e.message).toBe('p.parquet (row 0, field "label"): number 0 is not a string, but the column is declared string');
    const ds = await readParquet(sst2Like(4), { types: { sentence: 'int' }, onError: 'skip' });
    expect([ds.length, ds.skipped]).toEqual([0, 4]);
  });

  it('fails on int64 values beyond ±2^53', async () => {
    const buf = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: BigInt64Array.from([1n, 2n ** 60n]), type: 'INT64' }] }));
    expect(await rejection(readParquet(buf))).toMatchObject({ code: 'int64_out_of_range', row: 1, field: 'id' });
  });
});

describe('streamParquet', () => {
  it('reads one row group at a time', async () => {
    const ds = streamParquet(sst2Like(1000, { rowGroupSize: 100 }));
    let n = 0;
    for await (const row of ds) expect(row.sentence).toBe(`sentence ${n++}`);
    expect(n).toBe(1000);
    expect(ds.report.maxBufferedRows).toBe(100);
  });
});
