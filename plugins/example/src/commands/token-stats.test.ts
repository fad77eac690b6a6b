/** Token length statistics by hand: nearest-rank percentiles, the suggested length, truncation counts and bad input. */
import { ArgumentError } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { percentile, tokenStats } from './token-stats';

describe('tokenStats', () => {
  it('computes nearest-rank percentiles and what a limit would cut', () => {
    // 20 rows: lengths 1..20
    const lengths = Array.from({ length: 20 }, (_, i) => 20 - i);
    const s = tokenStats(lengths, { maxLength: 16, coverage: 0.9 });
    expect(s).toEqual({
      rows: 20,
      tokens: 210,
      min: 1,
      max: 20,
      mean: 10.5,
      // p50: the 10th of 20 sorted values; p90: the 18th; p95: the 19th; p99: the 20th
      percentiles: { p50: 10, p90: 18, p95: 19, p99: 20 },
      suggestedMaxLength: 18,
      coverage: 0.9,
      // rows 17..20 are longer than 16: 1+2+3+4 tokens cut
      truncation: { maxLength: 16, rows: 4, share: 0.2, tokensLost: 10 },
    });
  });

  it('suggests a length that covers at least the asked share, never a fraction short', () => {
    const lengths = [5, 5, 5, 7, 9, 30];
    for (const coverage of [0.5, 0.6, 0.67, 0.84, 1]) {
      const { suggestedMaxLength } = tokenStats(lengths, { coverage });
      const fit = lengths.filter((n) => n <= suggestedMaxLength).length / lengths.length;
      expect(fit, String(coverage)).toBeGreaterThanOrEqual(coverage);
      // and it is the shortest such length
      const shorter = lengths.filter((n) => n < suggestedMaxLength);
      expect(shorter.length / lengths.length, String(coverage)).toBeLessThan(coverage);
    }
    expect(percentile([3], 1)).toBe(3);
    // 0.07 · 100 is 7.000000000000001 in floating point; the 7th of 100 values is still the answer
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([tokenStats(hundred, { coverage: 0.07 }).suggestedMaxLength, percentile(hundred, 7)]).toEqual([7, 7]);
  });

  it('refuses empty input and values out of range', () => {
    expect(() => tokenStats([])).toThrow(ArgumentError);
    expect(() => tokenStats([1], { coverage: 0 })).toThrow(/coverage must be in \(0, 1\]/);
    expect(() => tokenStats([1], { maxLength: 0 })).toThrow(/maxLength must be a positive integer/);
    expect(() => percentile([1, 2], 0)).toThrow(/a percentile must be in/);
  });
});
