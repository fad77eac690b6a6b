/** Small timing helpers shared by the bench suites. Benchmarks print; they never assert. */
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';

export interface Timing {
  /** Median seconds of one call. */
  median: number;
  samples: number[];
}

/** Runs `fn` until `minTime` seconds have passed (at least `minRuns`, after `warmup` untimed runs). */
export async function time(fn: () => unknown | Promise<unknown>, opts: { warmup?: number; minRuns?: number; minTime?: number } = {}): Promise<Timing> {
  const { warmup = 1, minRuns = 3, minTime = 0.5 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || (performance.now() - start) / 1000 < minTime) {
    const t0 = performance.now();
    await fn();
    samples.push((performance.now() - t0) / 1000);
    if (samples.length >= 200) break;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], samples };
}

export function machine() {
  const cpu = cpus();
  return { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

/** Prints rows as an aligned table. */
export function table(rows: Record<string, string | number>[]) {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  const fmt = (v: string | number) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(fmt(r[c] ?? '')).length)));
  console.log(cols.map((c, i) => c.padEnd(widths[i])).join('  '));
  for (const r of rows) console.log(cols.map((c, i) => String(fmt(r[c] ?? '')).padEnd(widths[i])).join('  '));
}

/** Writes bench/results/<name>.json atomically. */
export function saveResults(name: string, results: unknown) {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ machine: machine(), date: new Date().toISOString(), results }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
