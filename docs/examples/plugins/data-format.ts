/**
 * A data format as a plugin: fastText's supervised format (`__label__pos a gorgeous, witty film`,
 * one example a line), registered with `registerDataFormat` for the `.ft` extension. After that,
 * `readDataFile` and `streamDataFile` read `.ft` and `.ft.gz` files by name, and so does every
 * `graft` command that takes `<data>` once a `--plugin` registers it. The reader streams lines,
 * so `streamDataFile` keeps memory bounded; `read` collects the same rows into a Dataset.
 *
 *   tsx docs/examples/plugins/data-format.ts
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Dataset, IterableDataset } from '@graft/data';
import { type DataFileFormat, readDataFile, registerDataFormat, streamDataFile } from '@graft/data/node';

// #region format
/** One row of a fastText file: the first label (null on an unlabelled line) and the text. */
export interface FastTextRow {
  label: string | null;
  text: string;
  [column: string]: unknown;
}

/** Parses one line: leading `__label__<name>` tokens, then the text. */
export function parseFastTextLine(line: string): FastTextRow {
  const labels: string[] = [];
  let rest = line.trim();
  for (let m = /^__label__(\S+)\s*/.exec(rest); m; m = /^__label__(\S+)\s*/.exec(rest)) {
    labels.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  return { label: labels[0] ?? null, text: rest };
}

/** The rows of a `.ft` (or `.ft.gz`) file, a line at a time. */
async function* fastTextRows(path: string): AsyncGenerator<FastTextRow> {
  const bytes = createReadStream(path);
  const lines = createInterface({ input: path.endsWith('.gz') ? bytes.pipe(createGunzip()) : bytes, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) if (line.trim() !== '') yield parseFastTextLine(line);
}

/** fastText's supervised format, for `registerDataFormat`. */
export const fastTextFormat: DataFileFormat = {
  name: 'fasttext',
  extensions: ['ft'],
  async read(path) {
    const rows: FastTextRow[] = [];
    for await (const row of fastTextRows(path)) rows.push(row);
    return Dataset.fromRows(rows);
  },
  stream: (path) => IterableDataset.from(() => fastTextRows(path)),
};
// #endregion format

// #region use
/** Registers the format, writes a small `.ft` file and reads it back both ways. */
export async function readReviews(): Promise<{ rows: FastTextRow[]; streamed: number }> {
  registerDataFormat(fastTextFormat);
  const file = join(await mkdtemp(join(tmpdir(), 'graft-fasttext-')), 'reviews.ft');
  await writeFile(file, '__label__pos a gorgeous, witty film\n__label__neg dull and far too long\n\nan unlabelled line\n');
  const rows = (await readDataFile(file)).toArray() as FastTextRow[];
  let streamed = 0;
  for await (const _ of streamDataFile(file)) streamed++;
  return { rows, streamed };
}
// #endregion use

if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  const { rows, streamed } = await readReviews();
  for (const row of rows) console.log(row);
  console.log(`streamed ${streamed} rows`);
}
