import { expect, it } from 'vitest';
import { lossWeights } from './loss-weights';

it('prints α(t) for each schedule and the soft and hard terms at three temperatures', async () => {
  const lines: string[] = [];
  const v = await lossWeights((l) => lines.push(l));
  expect(v['constant 0.5']).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
  v['linear 0.9 → 0.1'].forEach((a, i) => expect(a).toBeCloseTo(0.9 - 0.2 * i, 12));
  // the cosine ramp leaves its ends slowly and crosses the middle at half-way
  const cos = v['cosine 0.9 → 0.1'];
  expect(cos[0]).toBeCloseTo(0.9, 12);
  expect(cos[2]).toBeCloseTo(0.5, 12);
  expect(cos[4]).toBeCloseTo(0.1, 12);
  expect(cos[1]).toBeGreaterThan(0.7);
  expect(v['teacher first']).toEqual([1, 0.3, 0.3, 0.3, 0.3]);
  const terms = lines
    .filter((l) => l.startsWith('  T = '))
    .map((l) =>
      l
        .match(/soft ([\d.]+) {2}hard ([\d.]+) {2}loss ([\d.]+)/)!
        .slice(1)
        .map(Number),
    );
  expect(terms).toHaveLength(3);
  // the hard term does not depend on T; the loss is the α-weighted sum
  expect(new Set(terms.map((t) => t[1])).size).toBe(1);
  for (const [soft, hard, loss] of terms) expect(loss).toBeCloseTo(0.5 * soft + 0.5 * hard, 3);
});
