import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { compareCheckpoints } from './compare-checkpoints';

it('sizes up the embedded BERT and the DistilBERT and RoBERTa fixtures', async () => {
  const lines: string[] = [];
  const folders = [assetPath('models', 'bert-tiny-imdb-mlm'), ...['distilbert-seqcls', 'roberta-seqcls'].map((m) => assetPath('fixtures', 'models', m))];
  const sizes = await compareCheckpoints(folders, (l) => lines.push(l));
  expect(sizes.map((s) => s.architecture)).toEqual(['BertForMaskedLM', 'DistilBertForSequenceClassification', 'RobertaForSequenceClassification']);
  expect(sizes[0].parameters).toBe(4416698);
  // the embedded BERT is ~80× the fixtures; its training memory, dominated by activations at 32 × 128, is larger too
  expect(sizes[0].parameters).toBeGreaterThan(50 * sizes[1].parameters);
  expect(sizes[0].trainMiB).toBeGreaterThan(sizes[1].trainMiB);
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/BertForMaskedLM +4,416,698 parameters {2}~\d+ MiB to train$/);
});
