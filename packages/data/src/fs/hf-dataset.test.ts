/**
 * Dataset folders in the layouts `datasets` and the Hub produce, built in a temporary folder:
 * Parquet shards written by hyparquet-writer with the `huggingface` metadata `datasets` writes,
 * `dataset_info.json` as `save_to_disk` writes it, and GLUE-style TSV folders.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hfDatasetSplits, loadHfDataset } from './hf-dataset';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'graft-hf-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const FEATURES = { text: { dtype: 'string', _type: 'Value' }, label: { names: ['neg', 'pos'], _type: 'ClassLabel' } };

function shard(texts: string[], labels: number[]): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'text', data: texts, type: 'STRING' },
        { name: 'label', data: BigInt64Array.from(labels.map(BigInt)), type: 'INT64' },
      ],
      kvMetadata: [{ key: 'huggingface', value: JSON.stringify({ info: { features: FEATURES } }) }],
    }),
  );
}

async function files(dir: string, entries: Record<string, string | Uint8Array>): Promise<string> {
  for (const [name, content] of Object.entries(entries)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

describe('loadHfDataset', () => {
  it('reads a Hub download: data/<split>-NNNNN-of-NNNNN.parquet shards, with class names from the Parquet metadata', async () => {
    const dir = await files(join(root, 'hub'), {
      'data/train-00000-of-00002.parquet': shard(['a', 'b'], [0, 1]),
      'data/train-00001-of-00002.parquet': shard(['c'], [1]),
      'data/test-00000-of-00001.parquet': shard(['d'], [0]),
      'README.md': '---\ndataset_info: ...\n---\n',
    });
    expect(await hfDatasetSplits(dir)).toEqual({
      train: ['data/train-00000-of-00002.parquet', 'data/train-00001-of-00002.parquet'],
      test: ['data/test-00000-of-00001.parquet'],
    });
    const train = await loadHfDataset(dir, { split: 'train' });
    expect(train.toArray()).toEqual([
      { text: 'a', label: 0 },
      { text: 'b', label: 1 },
      { text: 'c', label: 1 },
    ]);
    expect(train.encodeLabels('label').id2label).toEqual({ 0: 'neg', 1: 'pos' });
    const all = await loadHfDataset(dir);
    expect(Object.keys(all)).toEqual(['train', 'test']);
    const streamed = await loadHfDataset(dir, { split: 'train', streaming: true });
    const rows: unknown[] = [];
    for await (const r of streamed) rows.push(r);
    expect(rows).toEqual(train.toArray());
    expect(streamed.features?.label).toEqual(FEATURES.label);
  });

  it('reads split folders of JSON Lines with dataset_info.json (class names), and finds "validation" for "dev"', async () => {
    const dir = await files(join(root, 'disk'), {
      'dataset_dict.json': JSON.stringify({ splits: ['train', 'validation'] }),
      'train/dataset_info.json': JSON.stringify({ features: { text: FEATURES.text, label: { num_classes: 3, names: ['a', 'b', 'c'], _type: 'ClassLabel' } } }),
      'train/part-0.jsonl': '{"text": "x", "label": 2}\n',
      'validation/part-0.jsonl': '{"text": "y", "label": 0}\n',
    });
    const train = await loadHfDataset(dir, { split: 'train' });
    expect(train.encodeLabels('label').id2label).toEqual({ 0: 'a', 1: 'b', 2: 'c' });
    expect((await loadHfDataset(dir, { split: 'dev' })).toArray()).toEqual([{ text: 'y', label: 0 }]);
  });

  it('assigns GLUE-style files by split keywords (dev → validation), and everything to train without keywords', async () => {
    const glue = await files(join(root, 'glue'), { 'train.tsv': 'sentence\tlabel\na\t1\n', 'dev.tsv': 'sentence\tlabel\nb\t0\n', 'notes.txt': 'x' });
    expect(await hfDatasetSplits(glue)).toEqual({ train: ['train.tsv'], validation: ['dev.tsv'] });
    expect((await loadHfDataset(glue, { split: 'validation' })).toArray()).toEqual([{ sentence: 'b', label: 0 }]);
    const plain = await files(join(root, 'plain'), { 'reviews.csv': 'text,label\nq,pos\n' });
    expect(await hfDatasetSplits(plain)).toEqual({ train: ['reviews.csv'] });
  });

  it('says what is wrong: a missing split (listing the splits), Arrow shards, mismatched shards, no folder', async () => {
    const hub = join(root, 'hub');
    await expect(loadHfDataset(hub, { split: 'validation' })).rejects.toMatchObject({
      code: 'split_not_found',
      message: expect.stringMatching(/has no split "validation"; its splits are train \(data\/train-00000-of-00002.parquet, .*\); test/),
    });
    const arrow = await files(join(root, 'arrow'), {
      'dataset_dict.json': '{"splits": ["train"]}',
      'train/data-00000-of-00001.arrow': 'x',
      'train/state.json': '{}',
    });
    await expect(loadHfDataset(arrow, { split: 'train' })).rejects.toMatchObject({ code: 'unsupported_format', message: expect.stringMatching(/to_parquet/) });
    const mixed = await files(join(root, 'mixed'), { 'train-a.csv': 'text,label\nx,1\n', 'train-b.csv': 'sentence,label\ny,0\n' });
    await expect(loadHfDataset(mixed, { split: 'train' })).rejects.toMatchObject({ code: 'schema_mismatch' });
    await expect(loadHfDataset(join(root, 'nope'), { split: 'train' })).rejects.toMatchObject({ code: 'file_not_found' });
    await expect(loadHfDataset(hub, { split: 'train', spilt: 'x' } as never)).rejects.toThrow(/unknown option "spilt"/);
  });
});
