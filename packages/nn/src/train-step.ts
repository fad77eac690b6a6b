/**
 * The contract between the math of a training step and the loops that run it: `@graft/train`'s
 * Trainer and `@graft/distill`'s steps share these types. A step computes a loss (and optional
 * metrics) from a batch; the loop owns backward, clipping, the optimizer, scopes and logging.
 */
import type { Generator, Tensor } from '@graft/core';

/** What the loop tells a step about where it runs. */
export interface StepContext {
  /** Optimizer steps completed so far (0 on the first step). */
  globalStep: number;
  /** The current epoch (0-based). */
  epoch: number;
  /** The micro-batch within a gradient-accumulation window (0-based). */
  microStep: number;
  /** Micro-batches per optimizer step (1 without accumulation). */
  accumulationSteps: number;
  /**
   * The optimizer steps the run is planned for, when the loop knows it (the Trainer does), so a
   * step can schedule its own hyperparameters over training (a distillation loss's α and T).
   */
  totalSteps?: number;
  /** Whether this is a training step (false during evaluation). */
  training: boolean;
  /** The generator for randomness inside the step (dropout masks, sampling). */
  generator: Generator;
}

/** A step's result: the loss to back-propagate and metrics to log (tensors are read only when logged). */
export interface StepOutput {
  loss: Tensor;
  metrics?: Record<string, number | Tensor>;
}

/** The math of one training step over a batch `B`. */
export type TrainStep<B> = (batch: B, ctx: StepContext) => StepOutput;

/** The math of one evaluation step: outputs to score, and optionally a loss. */
export type EvalStep<B> = (batch: B, ctx: StepContext) => { loss?: Tensor; metrics?: Record<string, number | Tensor> };
