/**
 * Conformance cases of every loss, as modules. Tensors a loss takes in its options (class
 * weights, positive weights) are case inputs, so they live on the device under test like the
 * inputs do, and the loss modules are built inside `run`.
 */
import { type Generator, rand, tensor } from '@graft/core';
import {
  BCELoss,
  BCEWithLogitsLoss,
  CosineEmbeddingLoss,
  CrossEntropyLoss,
  HuberLoss,
  Identity,
  KLDivLoss,
  L1Loss,
  MarginRankingLoss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from '@graft/nn';
import { type CaseInput, type LayerCase, layerCase } from './harness';
import { labels, x } from './layer-cases';

/** Probabilities in (0.05, 0.95), away from BCE's clamped logs. */
const probs = (gen: Generator, ...shape: number[]): CaseInput => ({ t: rand(shape, { generator: gen, low: 0.05, high: 0.95 }), grad: true });
/** Targets in [0, 1] without gradient. */
const soft = (gen: Generator, ...shape: number[]): CaseInput => ({ t: rand(shape, { generator: gen }) });
/** ±1 labels. */
const signs = (): CaseInput => ({ t: tensor([1, -1, 1, -1], { dtype: 'float32' }) });

/** A loss case: losses have no parameters, so the module under test is an Identity placeholder. */
function lossCase(name: string, inputs: LayerCase['inputs'], run: LayerCase['run']): LayerCase {
  return layerCase({ name: `loss: ${name}`, build: () => new Identity(), inputs, run });
}

/** One case per loss (some cover two options at once). */
export const lossCases: LayerCase[] = [
  lossCase(
    'CrossEntropyLoss with label smoothing and ignoreIndex',
    (g) => [x(g, 4, 5), { t: tensor([1, -100, 4, 0], { dtype: 'int32' }) }],
    (_, [l, y]) => new CrossEntropyLoss({ labelSmoothing: 0.1 }).call(l, y),
  ),
  lossCase(
    'CrossEntropyLoss with class weights over [N, C, d]',
    (g) => [x(g, 2, 3, 4), labels(g, 3, 2, 4), { t: tensor([0.2, 1, 2.5], { dtype: 'float32' }) }],
    (_, [l, y, w]) => new CrossEntropyLoss({ weight: w }).call(l, y),
  ),
  lossCase(
    'NLLLoss, sum',
    (g) => [x(g, 4, 3), labels(g, 3, 4)],
    (_, [l, y]) => new NLLLoss({ reduction: 'sum' }).call(l.logSoftmax(-1), y),
  ),
  lossCase(
    'MSELoss',
    (g) => [x(g, 3, 4), x(g, 3, 4)],
    (_, [a, b]) => new MSELoss().call(a, b),
  ),
  lossCase(
    "L1Loss, reduction 'none'",
    (g) => [x(g, 3, 4), x(g, 3, 4)],
    (_, [a, b]) => new L1Loss('none').call(a, b),
  ),
  lossCase(
    'SmoothL1Loss beta 0.5',
    (g) => [x(g, 3, 4), x(g, 3, 4)],
    (_, [a, b]) => new SmoothL1Loss({ beta: 0.5 }).call(a, b),
  ),
  lossCase(
    'HuberLoss delta 0.7',
    (g) => [x(g, 3, 4), x(g, 3, 4)],
    (_, [a, b]) => new HuberLoss({ delta: 0.7 }).call(a, b),
  ),
  lossCase(
    'BCEWithLogitsLoss with weight and posWeight',
    (g) => [x(g, 3, 4), soft(g, 3, 4), soft(g, 3, 4), { t: tensor([0.5, 1, 2, 3], { dtype: 'float32' }) }],
    (_, [l, y, w, pw]) => new BCEWithLogitsLoss({ weight: w, posWeight: pw }).call(l, y),
  ),
  lossCase(
    'BCELoss',
    (g) => [probs(g, 3, 4), soft(g, 3, 4)],
    (_, [p, y]) => new BCELoss().call(p, y),
  ),
  lossCase(
    'KLDivLoss batchmean, and with log targets',
    (g) => [x(g, 3, 5), x(g, 3, 5)],
    (_, [a, b]) => [
      new KLDivLoss({ reduction: 'batchmean' }).call(a.logSoftmax(-1), b.softmax(-1)),
      new KLDivLoss({ logTarget: true }).call(a.logSoftmax(-1), b.logSoftmax(-1)),
    ],
  ),
  lossCase(
    'CosineEmbeddingLoss margin 0.2',
    (g) => [x(g, 4, 3), x(g, 4, 3), signs()],
    (_, [a, b, y]) => new CosineEmbeddingLoss({ margin: 0.2 }).call(a, b, y),
  ),
  lossCase(
    'MarginRankingLoss margin 0.1',
    (g) => [x(g, 4), x(g, 4), signs()],
    (_, [a, b, y]) => new MarginRankingLoss({ margin: 0.1 }).call(a, b, y),
  ),
];
