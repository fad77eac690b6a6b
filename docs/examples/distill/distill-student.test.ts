import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { distillStudent } from './distill-student';

it('distils a one-layer student from a fine-tuned teacher with α ramped from 0.9 to 0.5', async () => {
  const lines: string[] = [];
  const out = mkdtempSync(join(tmpdir(), 'graft-distill-'));
  const r = await distillStudent({
    model: assetPath('models', 'bert-tiny-imdb-mlm'),
    data: assetPath('datasets', 'sst2'),
    out,
    steps: 12,
    log: (l) => lines.push(l),
  });
  // logged every 3 steps (0.25 of 12), each log the mean α of its 3 steps: α(t) = 0.9 − 0.4·t/12 at t = 3i, 3i+1, 3i+2
  expect(r.alphas).toHaveLength(4);
  r.alphas.forEach((a, i) => expect(a).toBeCloseTo(0.9 - (0.4 * (3 * i + 1)) / 12, 6));
  expect(lines).toContain('student (1 layer, 4,187,906 parameters) starts from teacher layers [0]');
  for (const acc of [r.teacherAccuracy, r.studentAccuracy]) expect(acc).toBeGreaterThanOrEqual(0), expect(acc).toBeLessThanOrEqual(1);
  const config = JSON.parse(readFileSync(join(r.saved, 'config.json'), 'utf8'));
  expect(config.num_hidden_layers).toBe(1);
  expect(config.architectures).toEqual(['BertForSequenceClassification']);
}, 180_000);
