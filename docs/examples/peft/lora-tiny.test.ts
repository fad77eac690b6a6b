import { dirFiles } from '@graft/models/node';
import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { loraTiny } from './lora-tiny';

it('the in-page LoRA example trains 0.19% of the embedded BERT and labels two sentences', async () => {
  const lines: string[] = [];
  const { losses, predictions } = await loraTiny(dirFiles(assetPath('models', 'bert-tiny-imdb-mlm')), dirFiles(assetPath('datasets', 'sst2')), {
    steps: 20,
    log: (l) => lines.push(l),
  });
  expect(lines[0]).toBe('trainable params: 8,450 || all params: 4,386,178 || trainable%: 0.1927');
  expect(losses).toHaveLength(4);
  for (const l of losses) expect(l).toBeGreaterThan(0), expect(l).toBeLessThan(2);
  expect(predictions.map((p) => p.label).every((l) => l === 'negative' || l === 'positive')).toBe(true);
  expect(lines.at(-1)).toMatch(/^(negative|positive) 0\.\d{3} {2}a dull, tedious mess\.$/);
}, 120_000);
