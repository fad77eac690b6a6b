/**
 * @graft/nn: modules and parameters, layers, losses, optimizers, learning-rate schedules,
 * initialisers, state dicts and the `TrainStep` type, all on @graft/core.
 * @packageDocumentation
 */
export * from './errors';
export { Parameter, isParameter, type ParameterOptions } from './module/parameter';
export { Module, assertModule, type AnyModule, type ForwardHook, type ForwardPreHook, type RemovableHandle } from './module/module';
export type { LoadStateDictOptions, LoadStateDictResult, StateDictLike } from './module/state-dict';
export { Sequential, ModuleList, ModuleDict } from './module/containers';
export { functionalCall } from './module/functional-call';
export * as init from './init';
export type { FactoryOptions } from './layers/factory';
export { Linear, Bilinear, Identity, linear, type LinearOptions } from './layers/linear';
export { Embedding, type EmbeddingOptions } from './layers/embedding';
export { LayerNorm, RMSNorm, type LayerNormOptions, type RMSNormOptions } from './layers/normalization';
export { Dropout } from './layers/dropout';
export { ReLU, GELU, Tanh, Sigmoid, SiLU, LeakyReLU, Softmax, LogSoftmax, Flatten } from './layers/activations';
export { gradcheckModule } from './module/gradcheck-module';
export * from './losses/functional';
export * from './losses/modules';
