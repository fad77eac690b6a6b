/**
 * `functional` (`import { functional as F } from '@graft/nn'`): every stateless tensor function a
 * model needs, in one namespace, as `torch.nn.functional`. Core's functions are re-exported from
 * @graft/core, where they are defined (and fused on backends that can); the functional forms of
 * nn's layers and losses are defined here. See docs/naming.md for where a function lives.
 */

// ---- from @graft/core: activations, normalisation, attention, embeddings, core losses ----
export {
  relu,
  gelu,
  silu,
  sigmoid,
  tanh,
  leakyRelu,
  softmax,
  logSoftmax,
  layerNorm,
  rmsNorm,
  dropout,
  embedding,
  oneHot,
  scaledDotProductAttention,
  crossEntropy,
  nllLoss,
  mseLoss,
} from '@graft/core';
// core's option types as local aliases: a namespace re-export of another package's types is emitted
// as values by the declaration bundler (`declare const F_Reduction: typeof Reduction`), which does
// not compile for users
import type { AttentionOptions as CoreAttentionOptions, CrossEntropyOptions as CoreCrossEntropyOptions, Reduction as CoreReduction } from '@graft/core';
/** Options of `scaledDotProductAttention` (defined in @graft/core). */
export type AttentionOptions = CoreAttentionOptions;
/** Options of `crossEntropy` (defined in @graft/core). */
export type CrossEntropyOptions = CoreCrossEntropyOptions;
/** How a loss reduces over elements (defined in @graft/core). */
export type Reduction = CoreReduction;

// ---- functional forms of nn's layers ----
export { linear } from '../layers/linear';
export { conv1d, conv2d, convTranspose2d, im2col, type Conv2dOptions, type ConvTranspose2dOptions } from './conv';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, upsampleNearest, type Pool2dOptions } from './pooling';
export { propagate, gatherNodes, scatterAddNodes, addSelfLoops, inDegree, endpoints, checkEdgeIndex } from './message-passing';

// ---- functional forms of nn's losses ----
export {
  reduceLoss,
  l1Loss,
  smoothL1Loss,
  huberLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  klDiv,
  cosineEmbeddingLoss,
  marginRankingLoss,
  type BceOptions,
  type KlReduction,
} from '../losses/functional';
