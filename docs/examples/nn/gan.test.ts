import { expect, it } from 'vitest';
import { trainGan } from './gan';

it('the GAN example learns both modes of the mixture', async () => {
  const { before, after } = await trainGan();
  expect(before.distance).toBeGreaterThan(0.5);
  expect(after.distance).toBeLessThan(0.5);
  for (const s of after.shares) expect(s).toBeGreaterThan(0.2);
});
