/**
 * Applies schedules to an optimizer: the multiplier of the current step times each group's base
 * learning rate, as `LambdaLR`. The scheduler's only state is the step and the base rates, so it
 * serialises as JSON and a resumed run continues exactly.
 */
import { OptimizerConfigError } from '../errors';
import type { Optimizer } from '../optim/optimizer';
import type { Schedule } from './schedules';

/** A scheduler's state. */
export interface LrSchedulerState {
  step: number;
  baseLrs: number[];
}

/** Sets `group.lr = baseLr · schedule(step)`; call `step()` after each `optimizer.step()`. */
export class LrScheduler {
  #step = 0;
  readonly baseLrs: number[];
  readonly #schedules: Schedule[];

  /** One schedule for every group, or one per group. Sets the step-0 rates at once. */
  constructor(
    readonly optimizer: Optimizer<{ lr: number }>,
    schedule: Schedule | Schedule[],
  ) {
    const groups = optimizer.paramGroups;
    this.#schedules = Array.isArray(schedule) ? schedule : groups.map(() => schedule);
    if (this.#schedules.length !== groups.length) {
      throw new OptimizerConfigError(`LrScheduler: ${this.#schedules.length} schedules for ${groups.length} parameter groups`);
    }
    this.baseLrs = groups.map((g) => g.lr);
    this.#apply();
  }

  #apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const factor = this.#schedules[i](this.#step);
      if (!Number.isFinite(factor) || factor < 0) throw new OptimizerConfigError(`schedule of group ${i} gave ${factor} at step ${this.#step}`);
      g.lr = this.baseLrs[i] * factor;
    });
  }

  /** Steps taken so far. */
  get lastStep(): number {
    return this.#step;
  }

  /** The current learning rate of each group. */
  get lastLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Advances one step and updates the groups' learning rates. */
  step(): void {
    this.#step += 1;
    this.#apply();
  }

  /** JSON state. */
  stateDict(): LrSchedulerState {
    return { step: this.#step, baseLrs: [...this.baseLrs] };
  }

  /** Restores a state from `stateDict()` and re-applies the rates of that step. */
  loadStateDict(state: LrSchedulerState): void {
    if (!Number.isInteger(state.step) || state.step < 0 || state.baseLrs.length !== this.baseLrs.length) {
      throw new OptimizerConfigError(
        `LrScheduler: cannot load state with step ${state.step} and ${state.baseLrs.length} base rates into ${this.baseLrs.length} groups`,
      );
    }
    this.#step = state.step;
    this.baseLrs.splice(0, this.baseLrs.length, ...state.baseLrs);
    this.#apply();
  }
}
