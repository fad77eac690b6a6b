/**
 * An LSTM (or a GRU) learns to add up sequences of numbers: the final hidden state goes through
 * a Linear head, trained with Adam on the mean squared error. Runs in Node and in the browser, on
 * the CPU or WebGPU.
 *
 *   tsx docs/examples/nn/rnn.ts
 */
import { Generator, mseLoss, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { Adam, GRU, Linear, LSTM, Module } from '@graft/nn';
import { isMain } from '../is-main';

/** Reads the sum from the last layer's final hidden state. */
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
  const v = Float32Array.from(gen.uniform(n * t, 'float32'), (u) => 2 * u - 1);
  const sums = Array.from({ length: n }, (_, i) => [v.slice(i * t, (i + 1) * t).reduce((a, b) => a + b, 0)]);
  return { x: tensor(v, { shape: [n, t, 1] }), y: tensor(sums, { dtype: 'float32' }) };
}

/** Trains the reader and returns the test error before and after. */
export async function trainSequenceSum(
  opts: { cell?: 'lstm' | 'gru'; steps?: number; log?: (line: string) => void } = {},
): Promise<{ before: number; after: number }> {
  const { cell = 'lstm', steps = 100, log = () => {} } = opts;
  const gen = new Generator(cell === 'lstm' ? 3 : 4);
  const rnn = cell === 'lstm' ? new LSTM(1, 8, { batchFirst: true, generator: gen }) : new GRU(1, 8, { batchFirst: true, generator: gen });
  const model = new SumReader(rnn, 8, gen);
  const train = sequences(64, 5, gen);
  const test = sequences(64, 5, gen);
  const testLoss = async () => {
    const l = scope(() => noGrad(() => mseLoss(model.call(test.x), test.y)));
    const value = await l.item();
    l.dispose();
    return value;
  };
  const before = await testLoss();
  const opt = new Adam(model.parameters(), { lr: 0.05 });
  for (let step = 1; step <= steps; step++) {
    const loss = scope(() => {
      const l = mseLoss(model.call(train.x), train.y);
      l.backward();
      opt.step();
      opt.zeroGrad();
      return l;
    });
    if (step % 20 === 0) log(`step ${String(step).padStart(3)}  mse ${(await loss.item()).toFixed(4)}`);
    loss.dispose();
  }
  const after = await testLoss();
  log(`${cell} test mse: ${before.toFixed(3)} → ${after.toFixed(3)}`);
  for (const t of [train.x, train.y, test.x, test.y]) t.dispose();
  model.dispose();
  opt.disposeState();
  return { before, after };
}

/** Trains the LSTM, then the GRU. */
export async function trainBoth(log: (line: string) => void): Promise<void> {
  await trainSequenceSum({ cell: 'lstm', log });
  await trainSequenceSum({ cell: 'gru', log });
}

if (isMain(import.meta.url)) void trainBoth(console.log);
