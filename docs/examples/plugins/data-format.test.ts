/**
 * The fastText format: the example's rows, the same rows from a gzipped file and from a second
 * streaming pass, several labels on a line, and built-in extensions left to the built-in readers.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dataFormatOf, readDataFile, registerDataFormat, streamDataFile } from '@graft/data/node';
import { expect, it } from 'vitest';
import { fastTextFormat, parseFastTextLine, readReviews } from './data-format';

it('reads the example file by its extension, whole and streamed', async () => {
  const { rows, streamed } = await readReviews();
  expect(rows).toEqual([
    { label: 'pos', text: 'a gorgeous, witty film' },
    { label: 'neg', text: 'dull and far too long' },
    { label: null, text: 'an unlabelled line' },
  ]);
  expect(streamed).toBe(3);
});

it('reads .ft.gz, streams the same rows on every pass, and leaves .csv to the CSV reader', async () => {
  registerDataFormat(fastTextFormat);
  const dir = await mkdtemp(join(tmpdir(), 'graft-fasttext-test-'));
  const gz = join(dir, 'train.ft.gz');
  await writeFile(gz, gzipSync('__label__b  second\r\n__label__a first one\n'));
  expect([dataFormatOf(gz), dataFormatOf(join(dir, 'train.csv'))]).toEqual(['fasttext', 'csv']);
  const want = [
    { label: 'b', text: 'second' },
    { label: 'a', text: 'first one' },
  ];
  expect((await readDataFile(gz)).toArray()).toEqual(want);
  const stream = streamDataFile(gz);
  for (let pass = 0; pass < 2; pass++) {
    const rows: unknown[] = [];
    for await (const row of stream) rows.push(row);
    expect(rows).toEqual(want);
  }
});

it('takes the first of several labels, and keeps text that only looks like a label', () => {
  expect(parseFastTextLine('__label__a __label__b  both  ')).toEqual({ label: 'a', text: 'both' });
  expect(parseFastTextLine('see __label__x later')).toEqual({ label: null, text: 'see __label__x later' });
});
