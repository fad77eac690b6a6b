/** Numbers and durations as the page prints them. */

/** 3m 05s, 42s, 1h 02m. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A metric to four decimals, or a dash. */
export function formatMetric(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4);
}

/** A probability as a percentage. */
export function formatPercent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

/** A learning rate in short scientific form (1e-3, 2.5e-4). */
export function formatRate(v: number): string {
  if (v === 0) return '0';
  const [m, e] = v.toExponential().split('e');
  return `${Number(Number(m).toFixed(2))}e${Number(e)}`;
}
