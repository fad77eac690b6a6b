/**
 * The numbers a run is planned with, as HF's Trainer computes them: optimizer steps per epoch
 * (the last accumulation window of an epoch may be short, and still steps), the total steps
 * from epochs or `maxSteps`, warmup from steps or ratio, and logging/evaluation/save intervals
 * given as ratios made absolute. Also the default optimizer and schedule built from them.
 */
import {
  AdamW,
  constantSchedule,
  constantWithWarmup,
  cosineWithWarmup,
  linearWithWarmup,
  LrScheduler,
  type Optimizer,
  polynomialDecay,
  type Schedule,
  SGD,
  type BuiltGroup,
  weightDecayGroups,
} from '@graft/nn';
import type { TrainingArguments } from '../args/training-args';
import { TrainerError } from '../errors';
import type { TrainableModel } from './model';

/** A run's step counts. */
export interface TrainingPlan {
  /** Batches per epoch. */
  batchesPerEpoch: number;
  /** Optimizer steps per epoch: ceil(batches / accumulation steps). */
  stepsPerEpoch: number;
  maxSteps: number;
  /** Epochs the loop runs (whole; the last may stop at `maxSteps`). */
  numEpochs: number;
  warmupSteps: number;
  loggingSteps: number;
  evalSteps: number;
  saveSteps: number;
}

/** Plans a run over a loader of `batchesPerEpoch` batches. */
export function trainingPlan(args: TrainingArguments, batchesPerEpoch: number): TrainingPlan {
  if (batchesPerEpoch < 1) {
    throw new TrainerError(
      'trainer_config',
      `the training data gives no batch per epoch (batch size ${args.perDeviceTrainBatchSize}${args.dataloaderDropLast ? ', dataloaderDropLast' : ''}); give more rows or a smaller batch`,
    );
  }
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / args.gradientAccumulationSteps);
  const maxSteps = args.maxSteps > 0 ? args.maxSteps : Math.ceil(args.numTrainEpochs * stepsPerEpoch);
  const numEpochs = args.maxSteps > 0 ? Math.ceil(maxSteps / stepsPerEpoch) : Math.ceil(args.numTrainEpochs);
  // HF: an interval below 1 is a share of all steps, rounded up
  const absolute = (v: number) => (v < 1 ? Math.max(1, Math.ceil(maxSteps * v)) : v);
  return {
    batchesPerEpoch,
    stepsPerEpoch,
    maxSteps,
    numEpochs,
    warmupSteps: args.warmupSteps > 0 ? args.warmupSteps : Math.ceil(maxSteps * args.warmupRatio),
    loggingSteps: absolute(args.loggingSteps),
    evalSteps: absolute(args.evalSteps ?? args.loggingSteps),
    saveSteps: absolute(args.saveSteps),
  };
}

/**
 * The default optimizer: AdamW (or SGD) over the trainable parameters in two groups, with weight
 * decay except for biases and normalisation weights (nn's `weightDecayGroups`, HF's rule), or
 * over `groups` when given (the Trainer's `parameterGroups` option: per-group learning rates, or
 * parameters that a callback unfreezes later in the run).
 */
export function createOptimizer(model: TrainableModel<unknown>, args: TrainingArguments, groups?: readonly BuiltGroup[]): Optimizer<{ lr: number }> {
  if (groups) groups = groups.filter((g) => g.params.length > 0);
  else groups = weightDecayGroups(model, args.weightDecay);
  if (groups.length === 0)
    throw new TrainerError('trainer_config', `${model.constructor.name} has no trainable parameters (every parameter has requiresGrad false)`);
  if (args.optim === 'sgd') return new SGD(groups, { lr: args.learningRate });
  return new AdamW(groups, { lr: args.learningRate, betas: [args.adamBeta1, args.adamBeta2], eps: args.adamEpsilon, weightDecay: args.weightDecay });
}

/** The schedule `lrSchedulerType` names, with transformers' `get_*_schedule_with_warmup` formulas. */
export function scheduleFor(args: TrainingArguments, plan: TrainingPlan): Schedule {
  const { warmupSteps: w, maxSteps: total } = plan;
  switch (args.lrSchedulerType) {
    case 'linear':
      return linearWithWarmup(w, total);
    case 'cosine':
      return cosineWithWarmup(w, total);
    case 'constant':
      return constantSchedule();
    case 'constant_with_warmup':
      return constantWithWarmup(w);
    case 'polynomial':
      // HF's defaults: decay to lr_end = 1e-7 with power 1, relative to the optimizer's lr
      return polynomialDecay(w, total, { lrInit: args.learningRate, lrEnd: 1e-7, power: 1 });
  }
}

/** An `LrScheduler` for `optimizer` with the arguments' schedule. */
export function createScheduler(optimizer: Optimizer<{ lr: number }>, args: TrainingArguments, plan: TrainingPlan): LrScheduler {
  return new LrScheduler(optimizer, scheduleFor(args, plan));
}
