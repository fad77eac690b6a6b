/**
 * Gradual unfreezing (Howard & Ruder, 2018, ULMFiT) as a Trainer callback: the first stage (the
 * head) trains from the start, and one more stage from the top opens every K optimizer steps or
 * at each epoch's start, until the embeddings train too. It only switches `requiresGrad`: the
 * optimizer holds every stage's parameters from the start (the Trainer's `parameterGroups`, from
 * `Freezing.parameterGroups`), and a parameter without a gradient is left untouched by AdamW.
 *
 * The callback is structural (it has the Trainer's event names and `stateDict`, and imports
 * nothing from @graft/train). Its state, the number of open stages, goes into checkpoints, so a
 * resumed run opens the same stages at the same steps; stages never close again.
 */
import { FreezingError } from './errors';
import type { UnfreezeEvery } from './method';

/** What the callback reads of the Trainer's state. */
export interface UnfreezeContext {
  readonly state: { readonly globalStep: number; readonly epoch: number };
}

/** Called when a stage opens: its index (1 = the first after the head), its modules, and the step. */
export type UnfreezeListener = (event: { stage: number; modules: readonly string[]; step: number }) => void;

/** The strategy side the callback drives (a `Freezing`). */
export interface StagedModel {
  /** The stages, top first. */
  readonly stages: readonly { readonly modules: readonly string[] }[];
  /** Makes the first `n` stages trainable and the rest frozen. */
  openStages(n: number): void;
}

/** The callback (see the file comment). */
export class GradualUnfreezing {
  /** The key of its state in `trainer_state.json`. */
  readonly name = 'GradualUnfreezing';
  #open = 1;
  #restored = false;

  constructor(
    readonly target: StagedModel,
    readonly every: UnfreezeEvery,
    readonly onUnfreeze?: UnfreezeListener,
  ) {}

  /** Stages open now (1 = the head only). */
  get openStages(): number {
    return this.#open;
  }

  /** Stages open after `globalStep` steps in epoch `epoch` (fractional), by the schedule. */
  scheduled(globalStep: number, epoch: number): number {
    const k = this.every === 'epoch' ? Math.floor(epoch + 1e-9) : Math.floor(globalStep / this.every);
    return Math.min(this.target.stages.length, 1 + k);
  }

  #moveTo(n: number, step: number): void {
    this.target.openStages(this.#open);
    // one stage at a time, so a listener sees the counts with that stage open
    while (this.#open < n) {
      this.#open += 1;
      this.target.openStages(this.#open);
      this.onUnfreeze?.({ stage: this.#open - 1, modules: this.target.stages[this.#open - 1].modules, step });
    }
  }

  /** A fresh run starts with the head alone; a resumed one with the stages its checkpoint had open. */
  onTrainBegin(ctx: UnfreezeContext): void {
    if (!this.#restored) this.#open = 1;
    this.#restored = false;
    this.#moveTo(this.scheduled(ctx.state.globalStep, ctx.state.epoch), ctx.state.globalStep);
  }

  /** Epoch mode: the epoch that starts opens its stage. */
  onEpochBegin(ctx: UnfreezeContext): void {
    if (this.every === 'epoch') this.#moveTo(this.scheduled(ctx.state.globalStep, ctx.state.epoch), ctx.state.globalStep);
  }

  /** Step mode: every K steps the next stage opens for the steps that follow. */
  onStepEnd(ctx: UnfreezeContext): void {
    if (this.every !== 'epoch') this.#moveTo(this.scheduled(ctx.state.globalStep, ctx.state.epoch), ctx.state.globalStep);
  }

  /** `{ args: { every, stages }, attributes: { open_stages } }` for `trainer_state.json`. */
  stateDict(): { args: Record<string, unknown>; attributes: Record<string, unknown> } {
    return { args: { every: this.every, stages: this.target.stages.length }, attributes: { open_stages: this.#open } };
  }

  /** Restores the open stages of a checkpoint (applied at `onTrainBegin`). */
  loadStateDict(state: { args: Record<string, unknown>; attributes: Record<string, unknown> }): void {
    const n = state.attributes?.open_stages;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > this.target.stages.length)
      throw new FreezingError(
        'freezing_config',
        `the checkpoint's GradualUnfreezing state has open_stages ${JSON.stringify(n)}, but this model has ${this.target.stages.length} stages: resume with the model and strategy the run started with`,
      );
    this.#open = n;
    this.#restored = true;
  }
}
