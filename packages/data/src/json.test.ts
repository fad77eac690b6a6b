import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from './errors';
import { readJson, readJsonl, streamJsonl } from './json';

const enc = new TextEncoder();

async function rejection(p: Promise<unknown>): Promise<DataFormatError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof DataFormatError)) throw new Error(`expected a DataFormatError, got ${String(e)}`);
  return e;
}

async function* chunksOf(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

describe('readJsonl', () => {
  it('reads one object per line, skipping blank lines, with CRLF and lines split across chunks', async () => {
    const text = '{"text": "a\\nb", "label": 1}\r\n\n  \n{"text": "c", "label": 0}';
    const expected = [
      { text: 'a\nb', label: 1 },
      { text: 'c', label: 0 },
    ];
    expect((await readJsonl(text)).toArray()).toEqual(expected);
    for (const size of [1, 5, 13]) expect((await readJsonl(chunksOf(text, size))).toArray()).toEqual(expected);
  });

  it('reads gzip, and fails on truncated gzip at the line it reached', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, text: `row ${i}` })).join('\n');
    const gz = gzipSync(enc.encode(text));
    expect((await readJsonl(gz)).length).toBe(3000);
    const e = await rejection(readJsonl(gz.subarray(0, gz.length - 100), { file: 'x.jsonl.gz' }));
    expect(e.code).toBe('gzip_corrupt');
    expect(e.message).toMatch(/^x\.jsonl\.gz:\d+: /);
  });

  it('fails on a bad line at its line and column', async () => {
    const e = await rejection(readJsonl('{"a": 1}\n{"a": 2}\n{"a": 3,, "b": 4}\n', { file: 'train.jsonl' }));
    expect(e).toMatchObject({ code: 'json_syntax', file: 'train.jsonl', line: 3, column: 9 });
    expect(e.message).toMatch(/^train\.jsonl:3:9: malformed JSON: unexpected ","/);
  });

  it('fails on a line that is not an object, and on a value of the wrong declared type', async () => {
    expect(await rejection(readJsonl('{"a": 1}\n[1, 2]\n'))).toMatchObject({ code: 'json_not_object', line: 2 });
    const e = await rejection(readJsonl('{"text": "x", "label": 1}\n{"text": "y", "label": "pos"}\n', { types: { label: 'int' }, file: 'f.jsonl' }));
    expect(e).toMatchObject({ code: 'wrong_type', line: 2, column: 15, field: 'label' });
    expect(e.message).toBe('f.jsonl:2:15 (field "label"): "pos" is not an int, but the column is declared int');
  });

  it('skips and counts bad lines when asked', async () => {
    const ds = await readJsonl('{"a": 1}\n{"a": \n7\n{"a": 2}\n', { onError: 'skip' });
    expect(ds.column('a')).toEqual([1, 2]);
    expect(ds.skipped).toBe(2);
    expect(ds.report!.errors.map((e) => [e.code, e.line])).toEqual([
      ['json_syntax', 2],
      ['json_not_object', 3],
    ]);
  });

  it('streams with a bounded buffer', async () => {
    const line = `${JSON.stringify({ text: 'x'.repeat(50), label: 1 })}\n`;
    const ds = streamJsonl(() => chunksOf(line.repeat(5000), 1000));
    let n = 0;
    for await (const _ of ds) n++;
    expect(n).toBe(5000);
    expect(ds.report.maxBufferedChars).toBeLessThanOrEqual(1000 + line.length);
    expect(ds.report.maxBufferedRows).toBeLessThanOrEqual(Math.ceil(1000 / line.length) + 1);
  });
});

describe('readJson', () => {
  it('reads an array of rows, an object of columns, or either under a field', async () => {
    const rows = [
      { text: 'a', label: 0 },
      { text: 'b', label: 1 },
    ];
    expect((await readJson(JSON.stringify(rows))).toArray()).toEqual(rows);
    expect((await readJson('{"text": ["a", "b"], "label": [0, 1]}')).toArray()).toEqual(rows);
    expect((await readJson(JSON.stringify({ version: 1, data: rows }), { field: 'data' })).toArray()).toEqual(rows);
  });

  it('fails on malformed JSON at its line and column, and on other shapes', async () => {
    const e = await rejection(readJson('[\n  {"a": 1},\n  {"a": 2,}\n]', { file: 'd.json' }));
    expect(e).toMatchObject({ code: 'json_syntax', line: 3, column: 11 });
    expect(await rejection(readJson('{"a": [1, 2], "b": [1]}'))).toMatchObject({ code: 'json_shape', field: 'b' });
    expect(await rejection(readJson('{"a": 1}'))).toMatchObject({ code: 'json_shape' });
    expect((await rejection(readJson('{"a": 1}', { field: 'data' }))).message).toMatch(/no top-level key "data".*keys are a/);
    expect(await rejection(readJson('[{"a": 1}, 2]'))).toMatchObject({ code: 'json_not_object', row: 1 });
    expect(await rejection(readJson('[{"a": 1}, {"a": "x"}]', { types: { a: 'float' } }))).toMatchObject({ code: 'wrong_type', row: 1, field: 'a' });
  });
});
