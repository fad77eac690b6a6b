/**
 * The real data the main command trains on: GLUE's SST-2 TSVs in assets/datasets/sst2 (header
 * `sentence\tlabel`). The counts and label splits are GLUE's (assets/README.md: "Counts and label
 * splits match GLUE"): train 67,349 rows, 29,780 negative / 37,569 positive; dev 872, 428 / 444.
 */
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { DataLoader } from '../loader';
import { hfDatasetSplits, loadHfDataset } from './hf-dataset';
import { readCsvFile, streamCsvFile } from './readers';

interface Sst2Row {
  sentence: string;
  label: number;
}

describe('SST-2', () => {
  it('loads train and dev with GLUE counts and label splits, labels as ints', async () => {
    const train = await readCsvFile<Sst2Row>(assetPath('datasets/sst2/train.tsv'));
    expect(train.length).toBe(67_349);
    expect(train.columns).toEqual(['sentence', 'label']);
    expect([...train.classCounts('label')]).toEqual([
      [0, 29_780],
      [1, 37_569],
    ]);
    expect(train.get(0)).toEqual({ sentence: 'hide new secretions from the parental units ', label: 0 });
    expect(train.skipped).toBe(0);
    const dev = await readCsvFile<Sst2Row>(assetPath('datasets/sst2/dev.tsv'));
    expect(dev.length).toBe(872);
    expect([...dev.classCounts('label')]).toEqual([
      [0, 428],
      [1, 444],
    ]);
    const { id2label } = dev.encodeLabels('label');
    expect(id2label).toEqual({ 0: '0', 1: '1' });
  });

  it('loads as a dataset folder, dev as the validation split, and streams', async () => {
    const dir = assetPath('datasets/sst2');
    expect(Object.keys(await hfDatasetSplits(dir))).toEqual(['train', 'validation', 'test']);
    const dev = await loadHfDataset<Sst2Row>(dir, { split: 'validation' });
    expect(dev.length).toBe(872);
    let n = 0;
    for await (const row of streamCsvFile<Sst2Row>(assetPath('datasets/sst2/dev.tsv'), { types: { label: 'int' } })) {
      expect(row.label === 0 || row.label === 1).toBe(true);
      n++;
    }
    expect(n).toBe(872);
  });

  it('splits stratified and batches with a resumable loader', async () => {
    const dev = await readCsvFile<Sst2Row>(assetPath('datasets/sst2/dev.tsv'));
    const { train, test } = dev.trainTestSplit({ testSize: 0.25, seed: 0, stratifyBy: 'label' });
    expect([...test.classCounts('label')]).toEqual([
      [0, 107],
      [1, 111],
    ]);
    expect(train.length + test.length).toBe(872);
    const loader = new DataLoader(train, { batchSize: 32, shuffle: true, seed: 1, collate: (rows) => rows.map((r) => r.label) });
    expect(loader.length).toBe(Math.ceil(train.length / 32));
  });
});
