/**
 * @graft/nn: modules and parameters, layers, losses, optimizers, learning-rate schedules,
 * initialisers, state dicts and the `TrainStep` type, all on @graft/core.
 * @packageDocumentation
 */
export {
  AttentionMaskError,
  LayerConfigError,
  ModulePathError,
  NonfiniteGradNormError,
  OptimizerConfigError,
  StateDictKeyError,
  StateDictShapeError,
  type ShapeMismatch,
} from './errors';
export { Parameter, isParameter, type ParameterOptions } from './module/parameter';
export { Module, assertModule, type AnyModule, type ForwardHook, type ForwardPreHook, type RemovableHandle } from './module/module';
export type { LoadStateDictOptions, LoadStateDictResult, StateDictLike } from './module/state-dict';
export { Sequential, ModuleList, ModuleDict } from './module/containers';
export { functionalCall } from './module/functional-call';
// a namespace, as torch.nn.init: init.ts holds only initialisers, each public by design
export * as init from './init';
/** Stateless tensor functions, as `torch.nn.functional`: `import { functional as F } from '@graft/nn'`. */
export * as functional from './functional/index';
export type { FactoryOptions } from './layers/factory';
export { Linear, Bilinear, Identity, type LinearOptions } from './layers/linear';
export { Embedding, type EmbeddingOptions } from './layers/embedding';
export { LayerNorm, RMSNorm, type LayerNormOptions, type RMSNormOptions } from './layers/normalization';
export { Dropout } from './layers/dropout';
export { ReLU, GELU, Tanh, Sigmoid, SiLU, LeakyReLU, Softmax, LogSoftmax, Flatten } from './layers/activations';
export { gradcheckModule } from './module/gradcheck-module';
export {
  BCELoss,
  BCEWithLogitsLoss,
  CosineEmbeddingLoss,
  CrossEntropyLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  MarginRankingLoss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from './losses/modules';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './layers/batch-norm';
export { Optimizer, checkRange, type HyperValue, type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type ParamState } from './optim/optimizer';
export { SGD, type SGDOptions } from './optim/sgd';
export { Adam, AdamW, type AdamOptions } from './optim/adam';
export { clipGradNorm, clipGradNormAsync, clipGradValue, scaleGradients, GradientAccumulation, type ClipGradNormOptions } from './optim/clip';
export { weightDecayGroups, layerwiseLrDecayGroups, isNoDecay, defaultLayerId, type BuiltGroup, type LayerwiseDecayOptions } from './optim/param-groups';
export {
  constantSchedule,
  constantWithWarmup,
  cosineWithHardRestarts,
  cosineWithWarmup,
  exponentialDecay,
  linearWithWarmup,
  polynomialDecay,
  stepDecay,
  type Schedule,
} from './schedulers/schedules';
export { LrScheduler, type LrSchedulerState } from './schedulers/lr-scheduler';
export { ReduceLrOnPlateau, type PlateauOptions, type PlateauState } from './schedulers/plateau';
export type { StepContext, StepOutput, TrainStep, EvalStep } from './train-step';
export { MultiheadAttention, type MultiheadAttentionOptions, type AttentionMasks } from './layers/attention';
export { toKeyPaddingMask } from './layers/attention-masks';
export { encodingsToTensors, type EncodedBatch, type EncodingColumns, type EncodingLike, type EncodingsToTensorsOptions } from './inputs/encodings-to-tensors';
export {
  TransformerEncoderLayer,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerDecoder,
  type TransformerLayerOptions,
  type EncoderMasks,
  type DecoderMasks,
} from './layers/transformer';
export type { Size2 } from './functional/conv';
export { Conv1d, Conv2d, ConvTranspose2d, type ConvOptions, type ConvTransposeOptions } from './layers/conv';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, Upsample } from './layers/pooling';
export { RNNCell, LSTMCell, GRUCell, cellStep, type CellKind, type CellOptions, type CellWeights } from './layers/rnn-cells';
export { RNN, LSTM, GRU, type RecurrentOptions, type RecurrentOutput, type RecurrentState, type SequenceOptions } from './layers/rnn';
export { GCNConv, GATConv, type GCNOptions, type GATOptions } from './layers/graph';
