/**
 * `functional` (`import { functional as F } from '@graft/nn'`): every stateless tensor function a
 * model needs, in one namespace, as `torch.nn.functional`. Core's functions are re-exported from
 * @graft/core, where they are defined (and fused on backends that can); the functional forms of
 * nn's layers and losses are defined here. See docs/naming.md for where a function lives.
 */

// ---- from @graft/core: activations, normalisation, attention, embeddings, core losses ----
export {
  relu, gelu, silu, sigmoid, tanh, leakyRelu, softmax, logSoftmax,
  layerNorm, rmsNorm, dropout, embedding, oneHot,
  scaledDotProductAttention, type AttentionOptions,
  crossEntropy, nllLoss, mseLoss, type CrossEntropyOptions, type Reduction,
} from '@graft/core';

// ---- functional forms of nn's layers ----
export { linear } from '../layers/linear';
export { conv1d, conv2d, convTranspose2d, im2col, type Conv2dOptions, type ConvTranspose2dOptions } from './conv';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, upsampleNearest, type Pool2dOptions } from './pooling';
export { propagate, gatherNodes, scatterAddNodes, addSelfLoops, inDegree, endpoints, checkEdgeIndex } from './message-passing';

// ---- functional forms of nn's losses ----
export {
  reduceLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv, cosineEmbeddingLoss, marginRankingLoss,
  type BceOptions, type KlReduction,
} from '../losses/functional';
