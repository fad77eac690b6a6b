import { fileURLToPath } from 'node:url';
import { loadTokenizer } from '@graft/models/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { labelIds, labelNames, loadData, pickColumn, readDataFile } from './data-source';
import type { PlaygroundError } from './errors';

const MODEL_DIR = fileURLToPath(new URL('../../../../assets/models/bert-tiny-imdb-mlm', import.meta.url));
type Tok = Awaited<ReturnType<typeof loadTokenizer>>;
let tokenizer: Tok;

beforeAll(async () => {
  tokenizer = await loadTokenizer(MODEL_DIR);
});

/** A JSONL file of `n` reviews, alternating labels (`pos`/`neg` names), as a user would drop it. */
function jsonlFile(n: number, name = 'reviews.jsonl'): File {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ review: `review number ${i} was ${i % 2 ? 'great fun' : 'a bore'}`, sentiment: i % 2 ? 'pos' : 'neg' }),
  );
  return new File([`${lines.join('\n')}\n`], name);
}

const code = (work: () => unknown) => {
  try {
    work();
  } catch (e) {
    return (e as PlaygroundError).code;
  }
  return null;
};

describe('loadData from a file', () => {
  it('finds the columns, numbers the labels, holds out 10% and truncates to the maximum length', async () => {
    const data = await loadData({ kind: 'file', file: jsonlFile(40) }, { maxLength: 6, seed: 0 }, tokenizer, 'http://localhost/');
    expect(data.info).toMatchObject({
      textColumn: 'review',
      labelColumn: 'sentiment',
      labels: ['neg', 'pos'],
      trainRows: 36,
      evalRows: 4,
      evalSource: '10% of the file, held out',
    });
    expect(data.train.length).toBe(36);
    const rows = data.train.toArray();
    expect(rows.every((r) => r.inputIds.length <= 6 && r.attentionMask.length === r.inputIds.length)).toBe(true);
    // the held-out split is stratified: both classes are in it
    expect(new Set(data.eval.toArray().map((r) => r.label))).toEqual(new Set([0, 1]));
    // a resume needs the file's bytes again
    expect(data.stored).toEqual({ kind: 'stored', name: 'reviews.jsonl' });
    expect(data.bytes?.bytes.byteLength).toBeGreaterThan(0);
  });

  it('draws the training rows asked for with the seed, the same ones every time', async () => {
    const a = await loadData({ kind: 'file', file: jsonlFile(40) }, { maxLength: 16, seed: 3, trainSamples: 10 }, tokenizer, 'http://localhost/');
    const b = await loadData({ kind: 'file', file: jsonlFile(40) }, { maxLength: 16, seed: 3, trainSamples: 10 }, tokenizer, 'http://localhost/');
    expect(a.info.trainRows).toBe(10);
    expect(a.train.toArray()).toEqual(b.train.toArray());
  });

  it('says which columns a file has when it cannot tell the text column, and refuses one class or too few rows', async () => {
    const csv = new File(['body,label\nhello,1\n'], 'x.csv');
    await expect(loadData({ kind: 'file', file: csv }, { maxLength: 16, seed: 0 }, tokenizer, 'http://localhost/')).rejects.toThrow(/columns: "body", "label"/);
    const oneClass = new File([`text,label\n${Array.from({ length: 12 }, (_, i) => `t${i},a`).join('\n')}\n`], 'one.csv');
    await expect(loadData({ kind: 'file', file: oneClass }, { maxLength: 16, seed: 0 }, tokenizer, 'http://localhost/')).rejects.toMatchObject({
      code: 'bad_label',
    });
    await expect(loadData({ kind: 'file', file: jsonlFile(4) }, { maxLength: 16, seed: 0 }, tokenizer, 'http://localhost/')).rejects.toMatchObject({
      code: 'too_few_rows',
    });
  });
});

describe('the column and label helpers', () => {
  it('picks a named column or the first conventional one', () => {
    expect(pickColumn(['id', 'sentence', 'label'], undefined, ['text', 'sentence'], 'text', 'f')).toBe('sentence');
    expect(pickColumn(['id', 'body'], 'body', ['text'], 'text', 'f')).toBe('body');
    expect(code(() => pickColumn(['id'], 'body', ['text'], 'text', 'f'))).toBe('column_not_found');
  });

  it('keeps integer labels as ids and sorts names', () => {
    expect(labelNames([1, 0, 2, 1], 'f', 'label')).toEqual(['0', '1', '2']);
    expect(labelNames(['pos', 'neg', 'pos'], 'f', 'label')).toEqual(['neg', 'pos']);
    expect(labelIds([1, 0, 2], ['0', '1', '2'], 'f')).toEqual([1, 0, 2]);
    expect(labelIds(['pos', 'neg'], ['neg', 'pos'], 'f')).toEqual([1, 0]);
    expect(code(() => labelNames([1, null], 'f', 'label'))).toBe('bad_label');
    expect(code(() => labelIds(['meh'], ['neg', 'pos'], 'f'))).toBe('bad_label');
  });

  it('reads a file by its extension, gzipped or not, and names the kinds it reads otherwise', async () => {
    const rows = await readDataFile('a.tsv', new TextEncoder().encode('text\tlabel\nfine\t1\n'));
    expect(rows.toArray()).toEqual([{ text: 'fine', label: 1 }]);
    await expect(readDataFile('a.docx', new Uint8Array())).rejects.toThrow(/reads \.csv, \.tsv, \.jsonl, \.json and \.parquet files/);
  });
});
