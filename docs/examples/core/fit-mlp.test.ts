import { expect, it } from 'vitest';
import { fitSpirals } from './fit-mlp';

it('the core demo learns the spirals', async () => {
  const r = await fitSpirals({ steps: 300 });
  expect(r.finalLoss).toBeLessThan(r.firstLoss * 0.5);
  expect(r.accuracy).toBeGreaterThan(0.9);
});
