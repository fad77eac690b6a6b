/**
 * A small text classifier for Trainer tests (tests must not import @graft/models): Embedding →
 * masked mean-pool → LayerNorm → Dropout → Linear, returning `{ loss, logits }` like the models'
 * sequence classifiers. Dropout draws from the global generator, so a test of exact resume
 * fails unless the Trainer saves and restores it. The data is synthetic and learnable: each
 * class draws most of its tokens from its own band of the vocabulary.
 */
import { crossEntropy, Generator, type Tensor } from '@graft/core';
import { padCollate, type TextBatch } from '@graft/data';
import { Dropout, Embedding, LayerNorm, Linear, Module } from '@graft/nn';

/** A collated batch: the contract's `TextBatch`. */
export type TinyBatch = TextBatch;

/** A tokenized row (the contract's `TokenizedRow`). */
export interface TinyRow {
  inputIds: number[];
  attentionMask: number[];
  label?: number;
}

/** Options of {@link TinyClassifier}. */
export interface TinyClassifierOptions {
  vocabSize?: number;
  dim?: number;
  numLabels?: number;
  dropout?: number;
  /** Initialisation seed. */
  seed?: number;
}

/** The classifier (see the file comment). */
export class TinyClassifier extends Module<[TinyBatch], { loss?: Tensor; logits: Tensor }> {
  embeddings: Embedding;
  LayerNorm: LayerNorm;
  dropout: Dropout;
  classifier: Linear;

  constructor(opts: TinyClassifierOptions = {}) {
    super();
    const { vocabSize = 48, dim = 16, numLabels = 3, dropout = 0.1, seed = 1 } = opts;
    const generator = new Generator(seed);
    this.embeddings = new Embedding(vocabSize, dim, { generator });
    this.LayerNorm = new LayerNorm(dim);
    this.dropout = new Dropout(dropout);
    this.classifier = new Linear(dim, numLabels, { generator });
  }

  forward(batch: TinyBatch): { loss?: Tensor; logits: Tensor } {
    const e = this.embeddings.call(batch.inputIds);
    const mask = batch.attentionMask.cast('float32').unsqueeze(-1);
    const pooled = e.mul(mask).sum(1).div(mask.sum(1).maximum(1));
    const logits = this.classifier.call(this.dropout.call(this.LayerNorm.call(pooled)));
    return { loss: batch.labels ? crossEntropy(logits, batch.labels) : undefined, logits };
  }
}

/** `n` rows of 3 classes: lengths 3..10, tokens mostly (80%) from the row's class band of the vocabulary. */
export function tinyRows(n: number, opts: { seed?: number; vocabSize?: number; numLabels?: number } = {}): TinyRow[] {
  const { seed = 3, vocabSize = 48, numLabels = 3 } = opts;
  const g = new Generator(seed);
  const band = Math.floor((vocabSize - 1) / numLabels);
  const u = g.uniform(n * 24);
  let k = 0;
  return Array.from({ length: n }, () => {
    const label = Math.floor(u[k++] * numLabels);
    const len = 3 + Math.floor(u[k++] * 8);
    const inputIds = Array.from({ length: len }, () => {
      const inBand = u[k++] < 0.8;
      const r = u[k++];
      return 1 + (inBand ? label * band + Math.floor(r * band) : Math.floor(r * (vocabSize - 1)));
    });
    return { inputIds, attentionMask: inputIds.map(() => 1), label };
  });
}

/** The contract's collate for these rows: @graft/data's `padCollate` with pad id 0. */
export const tinyCollate = padCollate({ padTokenId: 0 });
