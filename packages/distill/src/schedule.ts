/**
 * Hyperparameters that change over training: the distillation weight α and the temperature T
 * (and the hidden-state and attention weights) are each a number or a function of
 * (step, totalSteps), the seed material's dynamically weighted multi-task loss α(t). nn's
 * learning-rate `Schedule` is a multiplier of the step alone; these give the value itself and see
 * the run's length, so "α from 0.9 to 0.1 over the run" needs no step count written twice.
 */
import { DistillError } from './errors';

/** A value as a function of the optimizer steps taken (0-based) and the run's planned total. */
export type ValueSchedule = (step: number, totalSteps: number) => number;

/** A constant number, or a {@link ValueSchedule}. */
export type Scheduled = number | ValueSchedule;

/** Options of {@link linearRamp} and {@link cosineRamp}. */
export interface RampOptions {
  /** The value at `startStep` and before. */
  from: number;
  /** The value at `endStep` and after. */
  to: number;
  /** Where the ramp starts (default 0). */
  startStep?: number;
  /** Where it ends (default: the run's last step, `totalSteps`). */
  endStep?: number;
}

function checkRamp(name: string, o: RampOptions): void {
  if (!o || typeof o !== 'object') throw new DistillError('distill_config', `${name}: pass { from, to, startStep?, endStep? }`);
  for (const k of ['from', 'to'] as const) {
    if (!Number.isFinite(o[k])) throw new DistillError('distill_config', `${name}: '${k}' must be a finite number, got ${String(o[k])}`, { field: k });
  }
  for (const k of ['startStep', 'endStep'] as const) {
    const v = o[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
      throw new DistillError('distill_config', `${name}: '${k}' must be a non-negative integer, got ${String(v)}`, { field: k });
    }
  }
  if (o.endStep !== undefined && o.endStep <= (o.startStep ?? 0)) {
    throw new DistillError('distill_config', `${name}: endStep (${o.endStep}) must come after startStep (${o.startStep ?? 0})`, { field: 'endStep' });
  }
}

/** How far (0..1) `step` is between the ramp's start and end. */
function progress(o: RampOptions, step: number, totalSteps: number): number {
  const start = o.startStep ?? 0;
  const end = o.endStep ?? totalSteps;
  if (!(end > start)) return step >= start ? 1 : 0;
  return Math.min(1, Math.max(0, (step - start) / (end - start)));
}

/** A straight line from `from` to `to` between `startStep` and `endStep`, flat outside. */
export function linearRamp(opts: RampOptions): ValueSchedule {
  checkRamp('linearRamp', opts);
  const { from, to } = opts;
  return (step, totalSteps) => from + (to - from) * progress(opts, step, totalSteps);
}

/** A half cosine from `from` to `to` between `startStep` and `endStep` (slow at both ends), flat outside. */
export function cosineRamp(opts: RampOptions): ValueSchedule {
  checkRamp('cosineRamp', opts);
  const { from, to } = opts;
  return (step, totalSteps) => to + ((from - to) * (1 + Math.cos(Math.PI * progress(opts, step, totalSteps)))) / 2;
}

/** Checks that `value` is a number or a function, naming the option otherwise. */
export function checkScheduled(name: string, value: unknown): asserts value is Scheduled {
  if (typeof value === 'function') return;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DistillError('distill_config', `${name} must be a finite number or a function (step, totalSteps) => number, got ${String(value)}`, {
      field: name,
    });
  }
}

/**
 * The value of `s` at `step`. A function needs the run's length: the Trainer passes it in the
 * step context; elsewhere pass `totalSteps` to the step's options.
 */
export function valueAt(name: string, s: Scheduled, step: number, totalSteps: number | undefined): number {
  if (typeof s === 'number') return s;
  if (totalSteps === undefined) {
    throw new DistillError(
      'distill_schedule',
      `${name} is scheduled over training, but the loop did not say how many steps the run has: run the step in @graft/train's Trainer (which does), or pass totalSteps to distillationStep`,
      { field: name },
    );
  }
  const v = s(step, totalSteps);
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new DistillError('distill_schedule', `${name}'s schedule gave ${String(v)} at step ${step} of ${totalSteps}; it must return a finite number`, {
      field: name,
    });
  }
  return v;
}

/**
 * A schedule from text, as a command line gives it: `0.5` (constant), `linear:FROM:TO` or
 * `cosine:FROM:TO`, optionally `:START:END` steps (`linear:0.9:0.1:0:1000`).
 */
export function parseScheduled(text: string, name = 'value'): Scheduled {
  const parts = String(text).trim().split(':');
  const num = (s: string | undefined, what: string) => {
    const v = s === undefined || s.trim() === '' ? Number.NaN : Number(s);
    if (!Number.isFinite(v)) throw new DistillError('distill_config', `${name}: '${text}' has ${what} '${s ?? ''}', which is not a number`, { field: name });
    return v;
  };
  if (parts.length === 1) return num(parts[0], 'a value');
  const [kind, from, to, start, end, ...rest] = parts;
  if ((kind !== 'linear' && kind !== 'cosine') || rest.length > 0 || parts.length === 2 || parts.length === 4) {
    throw new DistillError(
      'distill_config',
      `${name}: '${text}' is not a schedule; write a number (0.5), linear:FROM:TO or cosine:FROM:TO, optionally followed by :START:END steps`,
      { field: name },
    );
  }
  const opts: RampOptions = { from: num(from, 'from'), to: num(to, 'to') };
  if (start !== undefined) {
    opts.startStep = num(start, 'startStep');
    opts.endStep = num(end, 'endStep');
  }
  return kind === 'linear' ? linearRamp(opts) : cosineRamp(opts);
}
