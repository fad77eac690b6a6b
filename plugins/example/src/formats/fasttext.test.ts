/**
 * fastText's format through @graft/data's public readers: labels and text per line, several
 * labels (the first is kept), unlabelled lines, text that only looks like a label, a gzipped
 * file, and streaming passes that each read the same rows.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dataFormatOf, readDataFile, registerDataFormat, streamDataFile } from '@graft/data/node';
import { describe, expect, it } from 'vitest';
import { fastTextFormat, parseFastTextLine } from './fasttext';

describe('fastTextFormat', () => {
  it('parses labels and text', () => {
    expect(parseFastTextLine('__label__pos  a gorgeous, witty film ')).toEqual({ label: 'pos', text: 'a gorgeous, witty film' });
    expect(parseFastTextLine('__label__a __label__b both')).toEqual({ label: 'a', text: 'both' });
    expect(parseFastTextLine('no label here')).toEqual({ label: null, text: 'no label here' });
    expect(parseFastTextLine('see __label__x later')).toEqual({ label: null, text: 'see __label__x later' });
  });

  it('reads .ft and .ft.gz by name once registered, whole and streamed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'graft-plugin-fasttext-'));
    const plain = join(dir, 'reviews.ft');
    const gz = join(dir, 'reviews.ft.gz');
    const text = '__label__pos witty\r\n\n__label__neg dull and long\nunlabelled\n';
    await writeFile(plain, text);
    await writeFile(gz, gzipSync(text));
    expect(dataFormatOf(plain)).toBeNull();
    registerDataFormat(fastTextFormat);
    const want = [
      { label: 'pos', text: 'witty' },
      { label: 'neg', text: 'dull and long' },
      { label: null, text: 'unlabelled' },
    ];
    for (const file of [plain, gz]) {
      expect(dataFormatOf(file)).toBe('fasttext');
      expect((await readDataFile(file)).toArray()).toEqual(want);
      const stream = streamDataFile(file);
      for (let pass = 0; pass < 2; pass++) {
        const rows: unknown[] = [];
        for await (const row of stream) rows.push(row);
        expect(rows).toEqual(want);
      }
    }
  });
});
