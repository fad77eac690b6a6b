/**
 * What a Trainer is built from and what its runs return (the issue-10 contract's
 * `new Trainer({ model, args, trainDataset, evalDataset, collate, computeMetrics, callbacks,
 * trainStep?, evalStep?, optimizer?, scheduler?, store?, tokenizerFiles? })`).
 */
import type { BuiltGroup, LrScheduler, Optimizer, TrainStep } from '@graft/nn';
import type { TrainingArgumentsInput } from '../args/training-args';
import type { TrainerCallback } from '../callbacks/callback';
import type { CheckpointStore } from '../checkpoint/store';
import type { ComputeMetrics } from '../metrics/compute-metrics';
import type { Collate, Dataset, TextBatch } from '@graft/data';
import type { TrainableModel } from './model';
import type { TrainerEvalStep } from './steps';

/** Everything a Trainer is built from (issue-10 contract). */
export interface TrainerOptions<Row extends object, B = TextBatch> {
  model: TrainableModel<B>;
  args?: TrainingArgumentsInput;
  trainDataset?: Dataset<Row>;
  evalDataset?: Dataset<Row>;
  /** Rows → batch (default: @graft/data's `padCollate()`; give `padCollate({ padTokenId })` for rows of different lengths). */
  collate?: Collate<Row, B>;
  computeMetrics?: ComputeMetrics;
  callbacks?: TrainerCallback[];
  /** The math of a training step (default: the model's own loss). */
  trainStep?: TrainStep<B>;
  /** The math of an evaluation step (default: the model's loss and logits, and the batch's labels). */
  evalStep?: TrainerEvalStep<B>;
  /** Replaces the default AdamW with no-decay groups. */
  optimizer?: Optimizer<{ lr: number }>;
  /**
   * The default optimizer's parameter groups (default: nn's `weightDecayGroups` over the
   * parameters that require gradients). A group's `lr` overrides `learningRate` (discriminative
   * fine-tuning). List every parameter that trains at any point of the run: a callback that
   * unfreezes layers later (gradual unfreezing) switches `requiresGrad` on parameters that are
   * already in the optimizer; until then they get no gradient, and AdamW and SGD leave a
   * parameter without a gradient untouched, weight decay included.
   */
  parameterGroups?: readonly BuiltGroup[];
  /** Replaces the schedule built from `lrSchedulerType`. */
  scheduler?: LrScheduler;
  /** Where checkpoints and the final model go (default: in memory; Node: `nodeCheckpointStore(outputDir)`). */
  store?: CheckpointStore;
  /** Tokenizer files to copy into every checkpoint and the output directory. */
  tokenizerFiles?: Map<string, Uint8Array> | Record<string, Uint8Array>;
  /** Extra package versions for the model card (the Trainer adds its own and the runtime's). */
  frameworkVersions?: Record<string, string>;
}

/** What `train()` returns (HF's `TrainOutput`). */
export interface TrainOutput {
  globalStep: number;
  /** The mean training loss over the steps of this call. */
  trainingLoss: number;
  metrics: Record<string, number>;
}

/** What `predict()` returns: every logit and label (row-major, with their shapes) and the metrics. */
export interface PredictionOutput {
  logits: Float32Array;
  logitsShape: number[];
  labels: Int32Array | null;
  metrics: Record<string, number>;
}
