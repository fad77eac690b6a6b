/**
 * An LSTM and a GRU must learn a synthetic sequence task: the sum of a sequence of uniform
 * numbers, read from the final hidden state. The untrained model's error is the target's
 * variance; the trained one must cut it tenfold.
 */
import { Generator, mseLoss, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { Linear } from '../layers/linear';
import { GRU, LSTM } from '../layers/rnn';
import { Module } from '../module/module';
import { Adam } from '../optim/adam';

class SumReader extends Module {
  head: Linear;
  constructor(
    readonly rnn: LSTM | GRU,
    hidden: number,
    gen: Generator,
  ) {
    super();
    this.head = new Linear(hidden, 1, { generator: gen });
  }
  forward(x: Tensor): Tensor {
    const { h } = this.rnn.call(x);
    return this.head.call(h.narrow(0, h.shape[0] - 1, 1).squeeze(0));
  }
}

function sequences(n: number, t: number, gen: Generator): { x: Tensor; y: Tensor } {
  const v = gen.uniform(n * t, 'float32');
  const sums = Array.from({ length: n }, (_, i) => [v.slice(i * t, i * t + t).reduce((a, b) => a + 2 * b - 1, 0)]);
  return {
    x: tensor(
      v.map((u) => 2 * u - 1),
      { shape: [n, t, 1] },
    ),
    y: tensor(sums, { dtype: 'float32' }),
  };
}

describe.each(['LSTM', 'GRU'] as const)('%s on sequence sums', (kind) => {
  it('learns to add up a sequence', () => {
    const gen = new Generator(kind === 'LSTM' ? 3 : 4);
    const rnn = kind === 'LSTM' ? new LSTM(1, 8, { batchFirst: true, generator: gen }) : new GRU(1, 8, { batchFirst: true, generator: gen });
    const model = new SumReader(rnn, 8, gen);
    const train = sequences(64, 5, gen);
    const test = sequences(64, 5, gen);
    const testLoss = () => scope(() => noGrad(() => mseLoss(model.call(test.x), test.y).itemSync()));
    // the sum of 5 uniforms on [-1, 1] has variance 5/3; a trained reader must be far below it
    const threshold = 0.15;
    expect(testLoss()).toBeGreaterThan(threshold);
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    for (let step = 0; step < 60; step++) {
      scope(() => {
        mseLoss(model.call(train.x), train.y).backward();
        opt.step();
        opt.zeroGrad();
      });
    }
    expect(testLoss()).toBeLessThan(threshold);
  });
});
