import { dirFiles } from '@graft/models/node';
import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { showTokens } from './encode';

it("the tokenizer example prints bert-base-uncased's pieces, ids and a pair's type ids", async () => {
  const lines: string[] = [];
  const r = await showTokens(dirFiles(assetPath('models', 'bert-tiny-imdb-mlm')), (l) => lines.push(l));
  expect(r.tokens).toEqual(['[CLS]', 'a', 'gorgeous', ',', 'witty', ',', 'seductive', 'movie', '.', '[SEP]']);
  // bert-base-uncased's ids: [CLS] 101, [SEP] 102, ',' 1010, '.' 1012
  expect(r.ids[0]).toBe(101);
  expect(r.ids.at(-1)).toBe(102);
  expect(r.ids[3]).toBe(1010);
  expect(r.ids[8]).toBe(1012);
  // [CLS] is it good ? [SEP] are segment 0, the second sentence and its [SEP] segment 1
  expect(r.pairTypeIds.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
  expect(new Set(r.pairTypeIds.slice(6))).toEqual(new Set([1]));
  expect(lines).toContain('decoded: a gorgeous, witty, seductive movie.');
  expect(lines.find((l) => l.startsWith('rare:'))).toMatch(/##/);
});
