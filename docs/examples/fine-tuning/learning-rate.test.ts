import { dirFiles } from '@graft/models/node';
import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { learningRatePlan } from './learning-rate';

it("suggests a tenth of the checkpoint's pretraining rate and prints the warmup-then-decay schedule", async () => {
  const lines: string[] = [];
  const r = await learningRatePlan(dirFiles(assetPath('models', 'bert-tiny-imdb-mlm')), (l) => lines.push(l));
  expect(r.pretrainLr).toBe(2e-3);
  expect(r.lr).toBeCloseTo(2e-4, 12);
  expect(lines[0]).toBe('pretrained at lr 2e-3 → fine-tune at about 2e-4');
  expect(r.warmup).toBe(63);
  // 0 at the first step, half-way up in the middle of warmup, the full rate at its end, then down to almost 0
  expect(r.rates[0]).toBe(0);
  expect(r.rates[1]).toBeCloseTo(2e-4 * (31 / 63), 12);
  expect(r.rates[2]).toBeCloseTo(2e-4, 12);
  expect(r.rates[3]).toBeCloseTo((2e-4 * (625 - 312)) / (625 - 63), 12);
  expect(r.rates[4]).toBeCloseTo(2e-4 / (625 - 63), 12);
});
