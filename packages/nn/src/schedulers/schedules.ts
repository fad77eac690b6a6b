/**
 * Learning-rate schedules as pure functions of the step: each returns the multiplier applied to
 * a group's base learning rate (as `torch.optim.lr_scheduler.LambdaLR` lambdas). The warmup
 * schedules reproduce `transformers.optimization` exactly, step for step.
 */
import { OptimizerConfigError } from '../errors';

/** A schedule: step (0-based, the number of optimizer steps taken) → learning-rate multiplier. */
export type Schedule = (step: number) => number;

function checkSteps(name: string, values: Record<string, number>): void {
  for (const [k, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 0) throw new OptimizerConfigError(`${name}: ${k} must be a non-negative integer, got ${v}`);
  }
}

/** Always 1. */
export function constantSchedule(): Schedule {
  return () => 1;
}

/** Linear warmup from 0 over `warmupSteps`, then 1 (HF `get_constant_schedule_with_warmup`). */
export function constantWithWarmup(warmupSteps: number): Schedule {
  checkSteps('constantWithWarmup', { warmupSteps });
  return (step) => (step < warmupSteps ? step / Math.max(1, warmupSteps) : 1);
}

/** Linear warmup, then linear decay to 0 at `totalSteps` (HF `get_linear_schedule_with_warmup`). */
export function linearWithWarmup(warmupSteps: number, totalSteps: number): Schedule {
  checkSteps('linearWithWarmup', { warmupSteps, totalSteps });
  return (step) => {
    if (step < warmupSteps) return step / Math.max(1, warmupSteps);
    return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  };
}

/**
 * Linear warmup, then a cosine from 1 down to 0 over `numCycles` half-waves (default 0.5: one
 * decay) (HF `get_cosine_schedule_with_warmup`).
 */
export function cosineWithWarmup(warmupSteps: number, totalSteps: number, numCycles = 0.5): Schedule {
  checkSteps('cosineWithWarmup', { warmupSteps, totalSteps });
  return (step) => {
    if (step < warmupSteps) return step / Math.max(1, warmupSteps);
    const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * progress)));
  };
}

/** Linear warmup, then `numCycles` cosine decays that restart at 1 (HF `..._with_hard_restarts_...`). */
export function cosineWithHardRestarts(warmupSteps: number, totalSteps: number, numCycles = 1): Schedule {
  checkSteps('cosineWithHardRestarts', { warmupSteps, totalSteps });
  return (step) => {
    if (step < warmupSteps) return step / Math.max(1, warmupSteps);
    const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    if (progress >= 1) return 0;
    return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * ((numCycles * progress) % 1))));
  };
}

/**
 * Linear warmup, then polynomial decay from `lrInit` to `lrEnd` at `totalSteps` with `power`
 * (HF `get_polynomial_decay_schedule_with_warmup`; the multiplier is relative to `lrInit`).
 */
export function polynomialDecay(warmupSteps: number, totalSteps: number, opts: { lrInit: number; lrEnd?: number; power?: number }): Schedule {
  checkSteps('polynomialDecay', { warmupSteps, totalSteps });
  const { lrInit, lrEnd = 1e-7, power = 1 } = opts;
  if (!(lrInit > lrEnd)) throw new OptimizerConfigError(`polynomialDecay: lrEnd (${lrEnd}) must be smaller than lrInit (${lrInit})`);
  return (step) => {
    if (step < warmupSteps) return step / Math.max(1, warmupSteps);
    if (step > totalSteps) return lrEnd / lrInit;
    const remaining = 1 - (step - warmupSteps) / (totalSteps - warmupSteps);
    return ((lrInit - lrEnd) * remaining ** power + lrEnd) / lrInit;
  };
}

/** Multiplies by `gamma` every `stepSize` steps (`torch.optim.lr_scheduler.StepLR`). */
export function stepDecay(stepSize: number, gamma = 0.1): Schedule {
  if (!Number.isInteger(stepSize) || stepSize <= 0) throw new OptimizerConfigError(`stepDecay: stepSize must be a positive integer, got ${stepSize}`);
  return (step) => gamma ** Math.floor(step / stepSize);
}

/** Multiplies by `gamma` every step (`torch.optim.lr_scheduler.ExponentialLR`). */
export function exponentialDecay(gamma: number): Schedule {
  if (!(gamma > 0)) throw new OptimizerConfigError(`exponentialDecay: gamma must be positive, got ${gamma}`);
  return (step) => gamma ** step;
}
