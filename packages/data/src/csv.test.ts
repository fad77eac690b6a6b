import { gzipSync } from 'node:zlib';
import { ArgumentError } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { readCsv, readTsv, streamCsv } from './csv';
import { ColumnNotFoundError, DataFormatError } from './errors';

const enc = new TextEncoder();

async function rejection(p: Promise<unknown>): Promise<DataFormatError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof DataFormatError)) throw new Error(`expected a DataFormatError, got ${String(e)}`);
  return e;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** `text` as a web stream of `size`-byte chunks. */
function byteStream(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.subarray(at, (at += size)));
    },
  });
}

describe('readCsv', () => {
  it('reads a header, quoted fields with delimiters, newlines and quotes, CRLF and a BOM', async () => {
    const text = '\uFEFFtext,label\r\n"hello, world",pos\r\n"two\r\nlines",neg\r\n"say ""hi""",pos\r\n';
    const ds = await readCsv(text);
    expect(ds.columns).toEqual(['text', 'label']);
    expect(ds.toArray()).toEqual([
      { text: 'hello, world', label: 'pos' },
      { text: 'two\r\nlines', label: 'neg' },
      { text: 'say "hi"', label: 'pos' },
    ]);
    expect(ds.report).toMatchObject({ rows: 3, skipped: 0 });
  });

  it('names columns: header, explicit names replacing it, or column0… without one', async () => {
    const empty = await readCsv('text,label\n');
    expect([empty.length, empty.columns, empty.shuffle({ seed: 1 }).columns]).toEqual([0, ['text', 'label'], ['text', 'label']]);
    expect((await readCsv('a,b\n1,2\n', { columns: ['x', 'y'] })).toArray()).toEqual([{ x: 1, y: 2 }]);
    expect((await readCsv('1,2\n3,4\n', { header: false })).toArray()).toEqual([
      { column0: 1, column1: 2 },
      { column0: 3, column1: 4 },
    ]);
    expect((await readCsv('1,2\n', { header: false, columns: ['p', 'q'] })).toArray()).toEqual([{ p: 1, q: 2 }]);
    await expect(readCsv('a,b\n1,2\n', { columns: ['x'] })).rejects.toThrow(ArgumentError);
  });

  it('infers int, float and bool columns over the whole column, with empty cells as null', async () => {
    const ds = await readCsv('i,f,b,s,z\n1,1.5,true,007x,\n-2,,False,y,\n3,1e3,true,z,\n');
    expect(ds.toArray()).toEqual([
      { i: 1, f: 1.5, b: true, s: '007x', z: '' },
      { i: -2, f: null, b: false, s: 'y', z: '' },
      { i: 3, f: 1000, b: true, s: 'z', z: '' },
    ]);
    expect((await readCsv('a\n1\n2.5\n')).column('a')).toEqual([1, 2.5]);
    expect((await readCsv('a\n1\n2\n', { inferTypes: false })).column('a')).toEqual(['1', '2']);
  });

  it('reads bytes, Blobs, web streams and async iterables of chunks split anywhere', async () => {
    const text = 'name,n\n"é, 😀",1\n"x\ny",2\n';
    const bytes = enc.encode(text);
    const expected = [
      { name: 'é, 😀', n: 1 },
      { name: 'x\ny', n: 2 },
    ];
    expect((await readCsv(bytes)).toArray()).toEqual(expected);
    expect((await readCsv(new Blob([bytes]))).toArray()).toEqual(expected);
    for (const size of [1, 2, 3, 7]) expect((await readCsv(byteStream(bytes, size))).toArray()).toEqual(expected);
    async function* pieces() {
      for (const c of text.match(/.{1,3}/gs)!) yield c;
    }
    expect((await readCsv(pieces())).toArray()).toEqual(expected);
    expect((await readTsv('a\tb\n1\t"x\ty"\n')).toArray()).toEqual([{ a: 1, b: 'x\ty' }]);
  });

  it('reads gzip (sniffed from the bytes), and names the line where truncated gzip ends', async () => {
    const text = `a,b\n${Array.from({ length: 2000 }, (_, i) => `${i},row ${i}`).join('\n')}\n`;
    const gz = gzipSync(enc.encode(text));
    const ds = await readCsv(gz, { file: 'big.csv.gz' });
    expect(ds.length).toBe(2000);
    expect(ds.get(1999)).toEqual({ a: 1999, b: 'row 1999' });
    const cut = await rejection(readCsv(byteStream(gz.subarray(0, gz.length - 40), 512), { file: 'big.csv.gz' }));
    expect(cut.code).toBe('gzip_corrupt');
    expect(cut.line).toBeGreaterThan(1);
    expect(cut.message).toMatch(/^big\.csv\.gz:\d+: the gzip data is truncated or corrupt/);
    // Skipping keeps the rows before the break and counts the break once.
    const partial = await readCsv(byteStream(gz.subarray(0, gz.length - 40), 512), { onError: 'skip' });
    expect(partial.skipped).toBe(1);
    expect(partial.length).toBeGreaterThan(1000);
    expect(partial.length).toBeLessThan(2000);
  });

  it('fails on an unterminated quote at the line and column of the opening quote', async () => {
    const e = await rejection(readCsv('text,label\nok,1\n"never closed,0\nnext,1\n', { file: 'train.csv' }));
    expect(e).toMatchObject({ code: 'csv_unclosed_quote', file: 'train.csv', line: 3, column: 1 });
    expect(e.message).toMatch(/^train\.csv:3:1: a quoted field is never closed/);
  });

  it('fails on a wrong column count, naming the line, the column and the missing field', async () => {
    const tooMany = await rejection(readCsv('text,label\na,1\nb, c,1\n', { file: 'x.csv' }));
    expect(tooMany).toMatchObject({ code: 'csv_field_count', line: 3, column: 6 });
    expect(tooMany.message).toMatch(/3 fields, but the header has 2 columns \(text, label\); quote fields that contain the delimiter ","/);
    const tooFew = await rejection(readCsv('text,label\na,1\nonly\n', { file: 'x.csv' }));
    expect(tooFew).toMatchObject({ code: 'csv_field_count', line: 3, field: 'label' });
    expect(tooFew.message).toMatch(/"label" is missing/);
  });

  it('fails on a value of the wrong declared type, naming the field', async () => {
    const e = await rejection(readCsv('text,label\na,1\nb,"x\ny"\n', { file: 'x.csv', types: { label: 'int' } }));
    expect(e).toMatchObject({ code: 'wrong_type', line: 3, column: 3, field: 'label' });
    expect(e.message).toBe('x.csv:3:3 (field "label"): "x\\ny" is not an integer, but the column is declared int');
    await expect(readCsv('a\n1\n', { types: { b: 'int' } })).rejects.toThrow(ColumnNotFoundError);
  });

  it('fails on duplicate header names', async () => {
    expect(await rejection(readCsv('a,b,a\n1,2,3\n'))).toMatchObject({ code: 'csv_duplicate_column', line: 1, field: 'a' });
  });

  it('skips and counts malformed rows when asked, reporting the first errors', async () => {
    const seen: DataFormatError[] = [];
    const text = 'text,label\ngood,1\nbad,1,extra\nbad"quote,0\nalso good,0\nnot int,x\nlast,1\n';
    const ds = await readCsv(text, { onError: 'skip', onSkip: (e) => seen.push(e), types: { label: 'int' } });
    expect(ds.column('text')).toEqual(['good', 'also good', 'last']);
    expect(ds.skipped).toBe(3);
    expect(ds.report!.errors.map((e) => [e.code, e.line])).toEqual([
      ['csv_field_count', 3],
      ['csv_invalid_quote', 4],
      ['wrong_type', 6],
    ]);
    expect(seen).toHaveLength(3);
  });

  it('rejects bad options with the option named', async () => {
    await expect(readCsv('a', { delimter: ';' } as never)).rejects.toThrow(/unknown option "delimter"/);
    await expect(readCsv('a', { delimiter: ';;' })).rejects.toThrow(/delimiter must be one character/);
    await expect(readCsv('a', { onError: 'ignore' as never })).rejects.toThrow(/onError must be 'throw' or 'skip'/);
    await expect(readCsv('a', { types: { a: 'integer' as never } })).rejects.toThrow(/must be one of string, int, float, bool, json/);
    await expect(readCsv(42 as never)).rejects.toThrow(ArgumentError);
  });

  it('fails on bytes that are not UTF-8', async () => {
    const bad = new Uint8Array([...enc.encode('a\nok\n'), 0xff, 0xfe, 10]);
    expect(await rejection(readCsv(bad, { file: 'latin1.csv' }))).toMatchObject({ code: 'invalid_utf8', file: 'latin1.csv' });
  });
});

describe('streamCsv', () => {
  it('yields rows as it reads, with declared types, and can be read again', async () => {
    const ds = streamCsv<{ a: number; b: string }>('a,b\n1,x\n2,y\n', { types: { a: 'int' } });
    expect(await collect(ds)).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(ds.report.rows).toBe(2);
    expect(await collect(ds.map((r) => ({ twice: r.a * 2 })))).toEqual([
      { a: 1, b: 'x', twice: 2 },
      { a: 2, b: 'y', twice: 4 },
    ]);
  });

  it('holds one chunk and one unfinished row, however long the stream', async () => {
    const row = 'some text here,"quoted, with a comma",12345\n';
    const bytes = enc.encode(`a,b,c\n${row.repeat(20_000)}`); // 900 kB in 4 kB chunks
    const ds = streamCsv(() => byteStream(bytes, 4096), { types: { c: 'int' } });
    let n = 0;
    for await (const r of ds) {
      expect(r.c).toBe(12345);
      n++;
    }
    expect(n).toBe(20_000);
    expect(ds.report.maxBufferedChars).toBeLessThanOrEqual(4096 + row.length);
    expect(ds.report.maxBufferedRows).toBeLessThanOrEqual(Math.ceil(4096 / row.length) + 1);
  });
});
