/**
 * fastText's supervised format (`__label__pos a gorgeous, witty film`, one example a line) as a
 * @graft/data file format for `.ft` files (gzipped too). The CLI plugin registers it, so every
 * `graft` command that takes `<data>` reads fastText files; rows are `{ label, text }`, the
 * first label of a line (null on an unlabelled one) and the rest of it. Lines stream, so
 * `streamDataFile` keeps memory bounded. Node only (it reads files).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Dataset, IterableDataset } from '@graft/data';
import type { DataFileFormat } from '@graft/data/node';

/** One row of a fastText file. */
export interface FastTextRow {
  /** The first `__label__` of the line, without the prefix; null when the line has none. */
  label: string | null;
  /** The line after its labels. */
  text: string;
  [column: string]: unknown;
}

const LABEL = /^__label__(\S+)\s*/;

/** Parses one line: leading `__label__<name>` tokens, then the text. */
export function parseFastTextLine(line: string): FastTextRow {
  let rest = line.trim();
  let label: string | null = null;
  for (let m = LABEL.exec(rest); m; m = LABEL.exec(rest)) {
    label ??= m[1];
    rest = rest.slice(m[0].length);
  }
  return { label, text: rest };
}

async function* rows(path: string): AsyncGenerator<FastTextRow> {
  const bytes = createReadStream(path);
  const lines = createInterface({ input: path.endsWith('.gz') ? bytes.pipe(createGunzip()) : bytes, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) if (line.trim() !== '') yield parseFastTextLine(line);
}

/** fastText's supervised format for `registerDataFormat`: `.ft` and `.ft.gz` files. */
export const fastTextFormat: DataFileFormat = {
  name: 'fasttext',
  extensions: ['ft'],
  async read(path) {
    const all: FastTextRow[] = [];
    for await (const row of rows(path)) all.push(row);
    return Dataset.fromRows(all);
  },
  stream: (path) => IterableDataset.from(() => rows(path)),
};
