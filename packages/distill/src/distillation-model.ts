/**
 * What the Trainer trains when distillation has parameters of its own: the student plus the
 * hidden-state projections, as one nn Module, so `model.parameters()` (which the Trainer builds
 * its optimizer from) holds both, `train()`/`eval()` reach both, and a checkpoint's state dict
 * (`student.…`, `hidden.projection.…`) restores both, so a resumed run continues exactly. The
 * teacher is deliberately not a field: it is not trained, never leaves eval mode, and stays out
 * of checkpoints. `call(batch)` is the student's, so evaluation and prediction score the student.
 */
import type { Tensor } from '@graft/core';
import { Module, type AnyModule } from '@graft/nn';
import type { HiddenStateDistiller } from './hidden-states';

/** A model that distillation can train: an nn Module whose `call(inputs)` returns logits (and hidden states / attentions when asked). */
export type DistillableModel = AnyModule & {
  /** The forward pass over a batch (`{ inputIds, attentionMask, …, outputHiddenStates?, outputAttentions? }` for @graft/models). */
  call(inputs: never): DistillableOutput;
};

/** What a distillable model returns. */
export interface DistillableOutput {
  /** The model's loss when its inputs carry labels. */
  loss?: Tensor;
  /** `[B, classes]` or `[B, L, classes]`. */
  logits: Tensor;
  /** The embeddings' output then each layer's (HF's `hidden_states`), when asked with `outputHiddenStates`. */
  hiddenStates?: Tensor[];
  /** Each layer's attention probabilities `[B, heads, L, L]`, when asked with `outputAttentions`. */
  attentions?: Tensor[];
}

/** What the Trainer needs of a model: `call(batch)` returning `{ loss?, logits? }`. */
export type TrainableStudent<B> = AnyModule & {
  /** The student's forward pass over a batch. */
  call(batch: B): { loss?: Tensor; logits?: Tensor };
};

/** The student and the hidden-state projections as one module (see the file comment). */
export class DistillationModel<B = unknown> extends Module<[B], DistillableOutput> {
  /** The model being distilled into; save it on its own at the end (`student.toPretrainedFiles()`). */
  student: DistillableModel;
  /** The hidden-state loss and its projections. */
  hidden: HiddenStateDistiller;

  constructor(student: DistillableModel, hidden: HiddenStateDistiller) {
    super();
    this.student = student;
    this.hidden = hidden;
  }

  /** The student's forward pass. */
  forward(batch: B): DistillableOutput {
    return this.student.call(batch as never);
  }
}
