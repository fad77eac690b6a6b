import { expect, it } from 'vitest';
import { scopesKeepMemoryFlat } from './memory';

it('with a scope per step the live-tensor count is flat; without one it grows by the same amount every step', async () => {
  const { scoped, unscoped } = await scopesKeepMemoryFlat(() => {}, 5);
  expect(new Set(scoped).size).toBe(1);
  const growth = unscoped.slice(1).map((n, i) => n - unscoped[i]);
  expect(growth[0]).toBeGreaterThan(0);
  expect(new Set(growth).size).toBe(1);
});
