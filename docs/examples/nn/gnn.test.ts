import { expect, it } from 'vitest';
import { trainGcn } from './gnn';

it('the GCN example classifies the held-out nodes', async () => {
  const r = await trainGcn({ steps: 60 });
  expect(r.before).toBeLessThan(0.9);
  expect(r.after).toBeGreaterThan(0.9);
});
