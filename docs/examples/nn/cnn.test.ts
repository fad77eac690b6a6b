import { expect, it } from 'vitest';
import { trainCnn } from './cnn';

it('the CNN example learns the bars', async () => {
  const r = await trainCnn({ steps: 40 });
  expect(r.before).toBeLessThan(0.9);
  expect(r.after).toBeGreaterThan(0.9);
});
