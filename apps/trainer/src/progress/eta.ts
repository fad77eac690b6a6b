/**
 * Rate and time-left for a training run. The first steps are slow (the CPU backend compiles and
 * warms its kernels, the allocator grows), so the rate is measured only after `warmupSteps`;
 * evaluation pauses the clock, so an epoch-end evaluation neither slows the reported rate nor
 * inflates the ETA of the training steps left.
 */

/** Options of {@link EtaEstimator}. */
export interface EtaOptions {
  /** Steps of the whole run. */
  totalSteps: number;
  /** Steps ignored for the rate (default 3, or fewer on a very short run). */
  warmupSteps?: number;
  /** The clock, in milliseconds (tests pass a fake one). */
  now?: () => number;
}

/** Tracks steps over time, excluding warm-up and paused (evaluation) intervals. */
export class EtaEstimator {
  readonly totalSteps: number;
  readonly warmupSteps: number;
  readonly #now: () => number;
  #step = 0;
  #anchorStep: number | null = null;
  #anchorTime = 0;
  #pausedSince: number | null = null;
  #paused = 0;

  constructor(opts: EtaOptions) {
    this.totalSteps = Math.max(0, opts.totalSteps);
    this.warmupSteps = opts.warmupSteps ?? Math.min(3, Math.max(0, Math.floor(this.totalSteps / 10)));
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Records that `step` steps are done (a global step count). */
  update(step: number): void {
    this.#step = step;
    if (this.#anchorStep === null && step >= this.warmupSteps) {
      this.#anchorStep = step;
      this.#anchorTime = this.#now();
      this.#paused = 0;
    }
  }

  /** Stops the clock (evaluation starts). */
  pause(): void {
    if (this.#pausedSince === null) this.#pausedSince = this.#now();
  }

  /** Restarts the clock (evaluation ended). */
  resume(): void {
    if (this.#pausedSince === null) return;
    if (this.#anchorStep !== null) this.#paused += this.#now() - this.#pausedSince;
    this.#pausedSince = null;
  }

  /** Steps per second since warm-up, or undefined until two post-warm-up points exist. */
  rate(): number | undefined {
    if (this.#anchorStep === null || this.#step <= this.#anchorStep) return undefined;
    const pausedNow = this.#pausedSince !== null ? this.#now() - this.#pausedSince : 0;
    const seconds = (this.#now() - this.#anchorTime - this.#paused - pausedNow) / 1000;
    return seconds > 0 ? (this.#step - this.#anchorStep) / seconds : undefined;
  }

  /** Seconds left at the current rate, or undefined during warm-up. */
  etaSeconds(): number | undefined {
    const rate = this.rate();
    return rate === undefined ? undefined : Math.max(0, this.totalSteps - this.#step) / rate;
  }
}

/** `75` → `1m15s`, `3725` → `1h02m`; `--` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
