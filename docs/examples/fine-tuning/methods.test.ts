import { dirFiles } from '@graft/models/node';
import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { compareMethods } from './methods';

it('the methods table: what each method trains and the memory its optimizer holds', async () => {
  const lines: string[] = [];
  const rows = await compareMethods(dirFiles(assetPath('models', 'bert-tiny-imdb-mlm')), (l) => lines.push(l), { steps: 2 });
  const by = Object.fromEntries(rows.map((r) => [r.method, r]));
  expect(Object.keys(by)).toEqual(['full', 'head only', 'freeze lower layers', 'LoRA', '(IA)³', 'BitFit']);
  expect(by.full.share).toBe(1);
  expect(by.LoRA.trainable).toBe(8450); // PEFT prints the same count for this model and config
  // head only: the classifier (128·2 + 2); the pooler belongs to the base model and stays frozen
  expect(by['head only'].trainable).toBe(258);
  // freeze:1 of 2 layers: the top layer, the pooler (128·128 + 128) and the classifier
  expect(by['freeze lower layers'].trainable).toBe(198272 + 16512 + 258);
  for (const name of ['head only', 'freeze lower layers', 'LoRA', '(IA)³', 'BitFit']) expect(by[name].share).toBeLessThan(0.05);
  // AdamW keeps two moments per trainable parameter: full fine-tuning holds about three copies of
  // the weights, the adapter methods about one
  const weightsMiB = (4 * by.full.trainable) / 2 ** 20;
  expect(by.full.liveMiB / weightsMiB).toBeGreaterThan(2.8);
  expect(by.full.liveMiB / weightsMiB).toBeLessThan(3.2);
  for (const name of ['LoRA', '(IA)³', 'BitFit']) expect(by[name].liveMiB / weightsMiB).toBeLessThan(1.1);
  expect(lines).toHaveLength(7);
}, 120_000);
