/**
 * A one-layer Transformer encoder must learn to sort: given 4 tokens from a vocabulary of 6,
 * predict at each position the token the sorted sequence has there. Needs attention across
 * positions (a per-token model cannot do it), plus learned position embeddings.
 */
import { arange, crossEntropy, Generator, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { expect, it } from 'vitest';
import { Embedding } from '../layers/embedding';
import { Linear } from '../layers/linear';
import { TransformerEncoderLayer } from '../layers/transformer';
import { Module } from '../module/module';
import { AdamW } from '../optim/adam';

const VOCAB = 6;
const LEN = 4;

class Sorter extends Module {
  tokens: Embedding;
  positions: Embedding;
  encoder: TransformerEncoderLayer;
  head: Linear;
  constructor(d: number, gen: Generator) {
    super();
    this.tokens = new Embedding(VOCAB, d, { generator: gen });
    this.positions = new Embedding(LEN, d, { generator: gen });
    this.encoder = new TransformerEncoderLayer(d, 2, { dimFeedforward: 32, dropout: 0, batchFirst: true, normFirst: true, generator: gen });
    this.head = new Linear(d, VOCAB, { generator: gen });
  }
  forward(ids: Tensor): Tensor {
    const h = this.tokens.call(ids).add(this.positions.call(arange(LEN, undefined, 1, { dtype: 'int32' })));
    return this.head.call(this.encoder.call(h));
  }
}

function batch(n: number, gen: Generator): { x: Tensor; y: Tensor } {
  const ids = gen.randint(n * LEN, 0, VOCAB);
  const sorted = new Int32Array(n * LEN);
  for (let i = 0; i < n; i++) sorted.set(ids.slice(i * LEN, (i + 1) * LEN).sort(), i * LEN);
  return { x: tensor(ids, { shape: [n, LEN] }), y: tensor(sorted, { shape: [n, LEN] }) };
}

it('a Transformer encoder learns to sort short sequences', () => {
  const gen = new Generator(9);
  const model = new Sorter(16, gen);
  const test = batch(128, gen);
  const accuracy = () => scope(() => noGrad(() => model.call(test.x).argmax(-1).eq(test.y).cast('float32').mean().itemSync()));
  const threshold = 0.9;
  expect(accuracy()).toBeLessThan(threshold);
  const opt = new AdamW(model.parameters(), { lr: 0.01, weightDecay: 0 });
  for (let step = 0; step < 150; step++) {
    scope(() => {
      const { x, y } = batch(32, gen);
      crossEntropy(model.call(x).reshape(-1, VOCAB), y.reshape(-1)).backward();
      opt.step();
      opt.zeroGrad();
    });
  }
  expect(accuracy()).toBeGreaterThan(threshold);
});
