/**
 * The default math of a step (issue-10 contract): the training step is the model's own loss,
 * and the evaluation step returns the loss, the logits and the batch's labels for metrics.
 * `trainStep`/`evalStep` options replace them (distillation, PEFT, custom losses).
 */
import { Tensor } from '@graft/core';
import type { EvalStep, StepContext, TrainStep } from '@graft/nn';
import { TrainerError } from '../errors';
import type { TrainableModel } from './model';

/** An evaluation step that may also return logits and labels (what metrics need); nn's `EvalStep` is one. */
export type TrainerEvalStep<B> = (batch: B, ctx: StepContext) => ReturnType<EvalStep<B>> & { logits?: Tensor; labels?: Tensor };

/** `(batch) => ({ loss: model.call(batch).loss })`, with an error that says what to do when there is no loss. */
export function defaultTrainStep<B>(model: TrainableModel<B>): TrainStep<B> {
  return (batch) => {
    const out = model.call(batch);
    if (!out || !isTensor(out.loss)) {
      throw new TrainerError(
        'trainer_step_output',
        `${model.constructor.name}.call(batch) returned no loss: give the batch labels (a 'labels' field), or pass a trainStep that computes the loss`,
      );
    }
    return { loss: out.loss };
  };
}

/** The model's loss and logits, and the batch's `labels` field. */
export function defaultEvalStep<B>(model: TrainableModel<B>): TrainerEvalStep<B> {
  return (batch) => {
    const out = model.call(batch);
    const labels = (batch as { labels?: unknown } | null)?.labels;
    return { loss: out?.loss, logits: out?.logits, labels: isTensor(labels) ? labels : undefined };
  };
}

/** Whether `v` is a tensor (parameters included). */
export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}
