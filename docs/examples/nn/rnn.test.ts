import { expect, it } from 'vitest';
import { trainSequenceSum } from './rnn';

it.each(['lstm', 'gru'] as const)('the %s example learns sequence sums', async (cell) => {
  const r = await trainSequenceSum({ cell, steps: 60 });
  expect(r.before).toBeGreaterThan(0.15);
  expect(r.after).toBeLessThan(0.15);
});
