import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { toPytorch } from './to-pytorch';

it('writes a PEFT adapter and a merged transformers checkpoint that load back with the same logits', async () => {
  const out = mkdtempSync(join(tmpdir(), 'graft-to-pytorch-'));
  const lines: string[] = [];
  const r = await toPytorch({
    model: assetPath('models', 'bert-tiny-imdb-mlm'),
    data: assetPath('datasets', 'sst2'),
    out,
    steps: 4,
    log: (l) => lines.push(l),
  });
  expect(r.adapterDiff).toBeLessThan(1e-5);
  expect(r.mergedDiff).toBeLessThan(1e-4);
  const config = JSON.parse(readFileSync(join(r.adapterDir, 'adapter_config.json'), 'utf8'));
  expect(config).toMatchObject({ peft_type: 'LORA', task_type: 'SEQ_CLS', r: 8, lora_alpha: 32, target_modules: expect.arrayContaining(['query', 'value']) });
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt']) expect(existsSync(join(r.mergedDir, f))).toBe(true);
  expect(JSON.parse(readFileSync(join(r.mergedDir, 'config.json'), 'utf8')).architectures).toEqual(['BertForSequenceClassification']);
  expect(lines.some((l) => /^ {2}adapter_model\.safetensors +[\d,]+ bytes$/.test(l))).toBe(true);
}, 120_000);
