import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { fixtureModelWithTokenizer } from '../../../test-utils/model-tokenizers';
import { fineTuneSst2 } from './fine-tune-sst2';

const out = (name: string) => join(mkdtempSync(join(tmpdir(), 'graft-docs-')), name);
const data = assetPath('datasets', 'sst2');

it('the walk-through fine-tunes the embedded BERT on an SST-2 sample and labels sentences with the saved model', async () => {
  const lines: string[] = [];
  const outputDir = out('bert');
  const r = await fineTuneSst2({
    model: assetPath('models', 'bert-tiny-imdb-mlm'),
    data,
    outputDir,
    trainSamples: 320,
    evalSamples: 128,
    maxLength: 32,
    log: (l) => lines.push(l),
  });
  // 10 steps: the code path of the walk-through, not its accuracy (the CLI's 150-step test checks
  // that this recipe learns; `npm run demo` reaches about 76%)
  expect(r.metrics.eval_accuracy).toBeGreaterThanOrEqual(0);
  expect(r.metrics.eval_accuracy).toBeLessThanOrEqual(1);
  expect(lines).toContain('data: 320 training sentences, 128 dev sentences');
  expect(lines.some((l) => l.includes('newly initialized') && l.includes('classifier'))).toBe(true);
  expect(lines.filter((l) => /^step \d+ {2}loss \d\.\d{4}/.test(l)).length).toBeGreaterThan(0);
  expect(lines.some((l) => l.startsWith('evaluation at step 10: accuracy'))).toBe(true);
  expect(lines.some((l) => l.startsWith('best model on dev: accuracy'))).toBe(true);
  expect(JSON.parse(readFileSync(join(r.best, 'config.json'), 'utf8')).id2label).toEqual({ 0: 'negative', 1: 'positive' });
  expect(existsSync(join(r.best, 'tokenizer.json'))).toBe(true);
  expect(r.predictions.map((p) => p.label).every((l) => l === 'negative' || l === 'positive')).toBe(true);
}, 180_000);

describe('changing one path: the same run on DistilBERT and RoBERTa', () => {
  for (const name of ['distilbert-seqcls', 'roberta-seqcls']) {
    it(name, async () => {
      // the fixtures are tiny random checkpoints (32 wide) with a tokenizer trained to fit them
      const r = await fineTuneSst2({ model: fixtureModelWithTokenizer(name), data, outputDir: out(name), trainSamples: 128, evalSamples: 64, maxLength: 32 });
      expect(r.metrics.eval_accuracy).toBeGreaterThanOrEqual(0);
      expect(JSON.parse(readFileSync(join(r.best, 'config.json'), 'utf8')).model_type).toBe(name.split('-')[0]);
      expect(r.predictions).toHaveLength(2);
    }, 120_000);
  }
});
