/**
 * Registered file formats: readDataFile and streamDataFile dispatch to a plugin's reader by
 * extension (also under `.gz`), a reader without `stream` still streams, built-in extensions and
 * another format's extensions cannot be taken, and an unknown extension's message lists the
 * registered ones. The format here is fastText's supervised format (`__label__pos some text`).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '@graft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../dataset';
import { DataSourceError } from '../errors';
import { IterableDataset } from '../iterable-dataset';
import { dataFormatOf, type DataFileFormat, registerDataFormat } from './formats';
import { readDataFile, streamDataFile } from './readers';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'graft-formats-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `__label__<name> <text>` per line. */
function parseFastText(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const m = /^__label__(\S+)\s+(.*)$/.exec(line);
      return { label: m?.[1] ?? null, text: m?.[2] ?? line };
    });
}

let reads = 0;
const fastText: DataFileFormat = {
  name: 'fasttext',
  extensions: ['ft', 'fasttext'],
  async read(path) {
    reads++;
    return Dataset.fromRows(parseFastText(await readFile(path, 'utf8')));
  },
};

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('registerDataFormat', () => {
  it('makes readDataFile and streamDataFile read the format by its extensions', async () => {
    const path = join(dir, 'reviews.ft');
    await writeFile(path, '__label__pos a gorgeous, witty film\n__label__neg dull\n');
    expect(dataFormatOf(path)).toBeNull();
    expect(await rejection(readDataFile(path))).toBeInstanceOf(DataSourceError);
    registerDataFormat(fastText);
    expect([dataFormatOf(path), dataFormatOf(join(dir, 'x.FASTTEXT.gz')), dataFormatOf('a.csv'), dataFormatOf('a.xlsx')]).toEqual([
      'fasttext',
      'fasttext',
      'csv',
      null,
    ]);
    const expected = [
      { label: 'pos', text: 'a gorgeous, witty film' },
      { label: 'neg', text: 'dull' },
    ];
    expect((await readDataFile(path)).toArray()).toEqual(expected);
    // without a stream reader, each pass reads the file whole
    const before = reads;
    const stream = streamDataFile(path);
    for (let pass = 0; pass < 2; pass++) {
      const rows: unknown[] = [];
      for await (const row of stream) rows.push(row);
      expect(rows).toEqual(expected);
      expect(stream.report.rows).toBe(2);
    }
    expect(reads - before).toBe(2);
  });

  it('uses the stream reader when the format has one, and replaces a format of the same name', async () => {
    const path = join(dir, 'lines.ft');
    await writeFile(path, '__label__a one\n__label__b two\n__label__a three\n');
    registerDataFormat({
      ...fastText,
      extensions: ['ft'],
      stream: (p) =>
        IterableDataset.from(async function* () {
          for (const row of parseFastText(await readFile(p, 'utf8'))) yield { ...row, streamed: true };
        }),
    });
    const rows: unknown[] = [];
    for await (const row of streamDataFile(path)) rows.push(row);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => (r as { streamed?: boolean }).streamed)).toBe(true);
    // the replaced format's other extension is gone with it
    expect(dataFormatOf('x.fasttext')).toBeNull();
    const unknown = (await rejection(readDataFile(join(dir, 'x.xlsx')))) as DataSourceError;
    expect(unknown.code).toBe('unknown_format');
    expect(unknown.message).toMatch(/use a file ending in \.csv, .*\.parquet, \.ft \(optionally \.gz\)/);
  });

  it('refuses built-in extensions, another format’s extensions and malformed formats', () => {
    const bad: [Partial<DataFileFormat>, RegExp][] = [
      [{ extensions: ['csv'] }, /\.csv files are read by a built-in reader/],
      [{ extensions: ['gz'] }, /\.gz files are read by a built-in reader/],
      [{ name: 'other', extensions: ['ft'] }, /\.ft is already registered by the 'fasttext' format/],
      [{ extensions: ['.ft'] }, /extension "\.ft" must be lower case letters and digits, without the dot/],
      [{ extensions: [] }, /list the file extensions/],
      [{ read: undefined }, /needs read\(path, options\)/],
      [{ name: '' }, /needs a name/],
    ];
    for (const [change, message] of bad) {
      let err: unknown;
      try {
        registerDataFormat({ ...fastText, ...change } as DataFileFormat);
      } catch (e) {
        err = e;
      }
      expect(err, String(message)).toBeInstanceOf(ArgumentError);
      expect((err as Error).message).toMatch(message);
    }
  });
});
