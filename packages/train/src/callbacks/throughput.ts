/**
 * Training speed and time left, as a progress display should estimate them: the first steps
 * (warm-up: WebAssembly compilation, shader pipelines, first allocations) are left out, and so
 * is the time between a step's end and the end of the logging, evaluation and saving that
 * follow it, so an evaluation does not make the run look slower or the ETA jump.
 */

/** Options of {@link ThroughputEstimator}. */
export interface ThroughputOptions {
  /** Steps at the start (and after a resume) that are not counted (default 5). */
  warmupSteps?: number;
  /** The clock in milliseconds (default `performance.now`); tests pass their own. */
  now?: () => number;
}

/** Steps per second over the counted steps, and the ETA that follows from it. */
export class ThroughputEstimator {
  readonly warmupSteps: number;
  readonly #now: () => number;
  #last: number | null = null;
  #seen = 0;
  #countedSteps = 0;
  #countedMs = 0;

  constructor(opts: ThroughputOptions = {}) {
    this.warmupSteps = opts.warmupSteps ?? 5;
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Training (re)starts now: the next step's time is measured from here. */
  start(): void {
    this.#last = this.#now();
    this.#seen = 0;
  }

  /** An optimizer step ended now. */
  step(): void {
    const t = this.#now();
    this.#seen += 1;
    if (this.#last !== null && this.#seen > this.warmupSteps) {
      this.#countedSteps += 1;
      this.#countedMs += t - this.#last;
    }
    this.#last = t;
  }

  /** Work that is not training (an evaluation, a save, a log read) ended now: its time is not counted. */
  pause(): void {
    if (this.#last !== null) this.#last = this.#now();
  }

  /** Steps per second, or null during warm-up. */
  get stepsPerSecond(): number | null {
    return this.#countedSteps > 0 && this.#countedMs > 0 ? (this.#countedSteps * 1000) / this.#countedMs : null;
  }

  /** Seconds until `remainingSteps` more steps are done, or null during warm-up. */
  eta(remainingSteps: number): number | null {
    const rate = this.stepsPerSecond;
    return rate === null ? null : Math.max(0, remainingSteps) / rate;
  }
}

/** `3723.4` → `'1h02m03s'`, `65` → `'1m05s'`, `4.2` → `'4s'`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h${pad(m)}m${pad(sec)}s`;
  if (m > 0) return `${m}m${pad(sec)}s`;
  return `${sec}s`;
}
