/**
 * @graft/train: the Trainer (HF's training loop for Graft models), training arguments under HF's
 * names, callbacks (progress, JSONL logging, early stopping, checkpointing, learning-rate
 * monitor), sklearn-defined metrics, checkpoints in HF's layout and exact resume. The main entry
 * runs in browsers and Node; files on disk are in `@graft/train/node`.
 * @packageDocumentation
 */
export type { EventArgs } from './callbacks/callback';
export { CheckpointError, MetricError, TrainerError, TrainingArgumentsError } from './errors';
export type { CheckpointErrorCode, TrainerErrorCode, TrainingArgumentsErrorCode } from './errors';

// arguments
export {
  TRAINING_ARGUMENT_DEFAULTS,
  TRAINING_ARGUMENT_KEYS,
  trainingArguments,
  type IntervalStrategy,
  type LrSchedulerType,
  type TrainingArguments,
  type TrainingArgumentsInput,
} from './args/training-args';
export { trainingArgumentsFromJson, trainingArgumentsToJson } from './args/training-args-json';
export { ARGUMENT_SPECS, camelToSnake, snakeToCamel, type ArgumentSpec } from './args/argument-specs';

// the Trainer
export { Trainer, type PredictionOutput, type TrainerOptions, type TrainOutput } from './trainer/trainer';
export type { ModelOutput, TrainableModel } from './trainer/model';
export { defaultEvalStep, defaultTrainStep, type TrainerEvalStep } from './trainer/steps';
export { createLoader, type LoaderOptions } from './trainer/data';
export { createOptimizer, createScheduler, scheduleFor, trainingPlan, type TrainingPlan } from './trainer/plan';
export { concatRows, type EvaluationResult } from './trainer/evaluation';

// state and callbacks
export { initialTrainerState, trainerStateFromJson, trainerStateToJson, type CallbackState, type LogEntry, type TrainerState } from './state/trainer-state';
export {
  callbackName,
  newControl,
  type CallbackContext,
  type CallbackHandler,
  type CallbackEvent,
  type DeepReadonly,
  type TrainerCallback,
  type TrainerControl,
} from './callbacks/callback';
export { DefaultFlowCallback } from './callbacks/default-flow';
export { CheckpointingCallback } from './callbacks/checkpointing';
export { EarlyStoppingCallback, type EarlyStoppingOptions } from './callbacks/early-stopping';
export { ProgressCallback, type ProgressBegin, type ProgressEvent, type ProgressRenderer, type ProgressStep } from './callbacks/progress';
export { consoleProgress, type ConsoleProgressOptions } from './callbacks/console-progress';
export { ThroughputEstimator, formatDuration, type ThroughputOptions } from './callbacks/throughput';
export { JsonlLoggingCallback, memoryJsonlSink, type JsonlSink } from './callbacks/jsonl-logging';
export { LearningRateMonitor, type LearningRateRecord } from './callbacks/lr-monitor';

// checkpoints
export { memoryCheckpointStore, type CheckpointStore } from './checkpoint/store';
export { CHECKPOINT_PREFIX, checkpointName, checkpointStep, checkpointsToDelete, sortedCheckpoints } from './checkpoint/rotation';
export {
  checkpointFiles,
  loadModelWeights,
  modelFiles,
  readModelTensors,
  restoreCheckpoint,
  type CheckpointParts,
  type DataState,
  type Restored,
} from './checkpoint/checkpoint-files';
export { modelCard, trainingResults, type ModelCardInputs } from './checkpoint/model-card';

// metrics
export {
  accuracy,
  classificationMetrics,
  classPredictions,
  combineMetrics,
  IGNORE_INDEX,
  matthewsCorrelation,
  precisionRecallF1,
  type ComputeMetrics,
  type EvalPrediction,
  type PrecisionRecallF1Options,
} from './metrics/compute-metrics';
export {
  accuracyScore,
  confusionMatrix,
  matthewsCorrcoef,
  precisionRecallFscore,
  precisionRecallFscorePerClass,
  uniqueLabels,
  type Average,
  type AveragedScores,
  type Labels,
  type PerClassScores,
  type PrecisionRecallOptions,
  type ZeroDivision,
} from './metrics/scores';
export { VERSION } from './version';
