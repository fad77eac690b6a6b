/** Losses as Modules (`new CrossEntropyLoss({ labelSmoothing: 0.1 }).call(logits, labels)`). */
import { type CrossEntropyOptions, crossEntropy, mseLoss, nllLoss, type Reduction, type Tensor } from '@graft/core';
import { Module } from '../module/module';
import {
  type BceOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  cosineEmbeddingLoss,
  huberLoss,
  type KlReduction,
  klDiv,
  l1Loss,
  marginRankingLoss,
  smoothL1Loss,
} from './functional';

/** Cross-entropy on logits with ignore index, label smoothing and class weights (core's `crossEntropy`). */
export class CrossEntropyLoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
  }
  forward(logits: Tensor, target: Tensor): Tensor {
    return crossEntropy(logits, target, this.options);
  }
}

/** Negative log-likelihood of log-probabilities (core's `nllLoss`). */
export class NLLLoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: { ignoreIndex?: number; reduction?: Reduction } = {}) {
    super();
  }
  forward(logProbs: Tensor, target: Tensor): Tensor {
    return nllLoss(logProbs, target, this.options);
  }
}

/** Mean squared error. */
export class MSELoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.reduction);
  }
}

/** Mean absolute error. */
export class L1Loss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.reduction);
  }
}

/** Smooth L1 with threshold `beta`. */
export class SmoothL1Loss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: { beta?: number; reduction?: Reduction } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

/** Huber loss with threshold `delta`. */
export class HuberLoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: { delta?: number; reduction?: Reduction } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

/** Binary cross-entropy on logits, with element and positive-class weights. */
export class BCEWithLogitsLoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: BceOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.options);
  }
}

/** Binary cross-entropy on probabilities. */
export class BCELoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.options);
  }
}

/** KL divergence of log-probability inputs from (log-)probability targets. */
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: { reduction?: KlReduction; logTarget?: boolean } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this.options);
  }
}

/** Cosine embedding loss over pairs with ±1 labels. */
export class CosineEmbeddingLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  constructor(readonly options: { margin?: number; reduction?: Reduction } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor, y: Tensor): Tensor {
    return cosineEmbeddingLoss(x1, x2, y, this.options);
  }
}

/** Margin ranking loss over pairs with ±1 labels. */
export class MarginRankingLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  constructor(readonly options: { margin?: number; reduction?: Reduction } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor, y: Tensor): Tensor {
    return marginRankingLoss(x1, x2, y, this.options);
  }
}
