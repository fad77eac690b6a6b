/**
 * Token length statistics of a dataset: what to pass as `--max-length`. Percentiles are nearest
 * rank (the p-th percentile is the shortest length that at least p% of the rows fit in), so the
 * suggested maximum length covers at least the asked share of rows, never a fraction short of it.
 */
import { ArgumentError } from '@graft/core';

/** How a length limit would cut the rows. */
export interface Truncation {
  /** The limit (tokens per row, special tokens included). */
  maxLength: number;
  /** Rows longer than the limit. */
  rows: number;
  /** Their share of all rows. */
  share: number;
  /** Tokens cut off, over all rows. */
  tokensLost: number;
}

/** Length statistics of tokenized rows. */
export interface TokenStats {
  rows: number;
  tokens: number;
  min: number;
  max: number;
  mean: number;
  /** Nearest-rank percentiles: 50, 90, 95 and 99. */
  percentiles: { p50: number; p90: number; p95: number; p99: number };
  /** The shortest length that `coverage` of the rows fit in. */
  suggestedMaxLength: number;
  /** The share of rows the suggestion covers at least. */
  coverage: number;
  /** What `maxLength` would cut, when one was given. */
  truncation?: Truncation;
}

/** The nearest-rank `p`-th percentile (0 < p ≤ 100) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new ArgumentError('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new ArgumentError(`a percentile must be in (0, 100], got ${p}`);
  return sorted[rank(p / 100, sorted.length) - 1];
}

/** ceil(share · n), after rounding away float noise (0.07 · 100 is 7.000000000000001, and its rank is 7, not 8). */
function rank(share: number, n: number): number {
  return Math.max(1, Math.ceil(Number((share * n).toPrecision(12))));
}

/** Statistics of `lengths` (one per row); `coverage` in (0, 1] picks the suggested maximum length. */
export function tokenStats(lengths: readonly number[], opts: { maxLength?: number; coverage?: number } = {}): TokenStats {
  const { maxLength, coverage = 0.95 } = opts;
  if (lengths.length === 0) throw new ArgumentError('tokenStats: no rows');
  if (!(coverage > 0 && coverage <= 1)) throw new ArgumentError(`tokenStats: coverage must be in (0, 1], got ${coverage}`);
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength >= 1))
    throw new ArgumentError(`tokenStats: maxLength must be a positive integer, got ${maxLength}`);
  const sorted = [...lengths].sort((a, b) => a - b);
  const tokens = sorted.reduce((s, n) => s + n, 0);
  const stats: TokenStats = {
    rows: sorted.length,
    tokens,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: tokens / sorted.length,
    percentiles: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p95: percentile(sorted, 95), p99: percentile(sorted, 99) },
    suggestedMaxLength: sorted[rank(coverage, sorted.length) - 1],
    coverage,
  };
  if (maxLength !== undefined) {
    const over = sorted.filter((n) => n > maxLength);
    stats.truncation = {
      maxLength,
      rows: over.length,
      share: over.length / sorted.length,
      tokensLost: over.reduce((s, n) => s + n - maxLength, 0),
    };
  }
  return stats;
}
