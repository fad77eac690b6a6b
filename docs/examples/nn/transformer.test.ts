import { expect, it } from 'vitest';
import { trainSorter } from './transformer';

it('the Transformer example learns to sort', async () => {
  const r = await trainSorter({ steps: 150 });
  expect(r.before).toBeLessThan(0.9);
  expect(r.after).toBeGreaterThan(0.9);
});
