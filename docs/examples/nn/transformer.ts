/**
 * A one-layer Transformer encoder learns to sort sequences of 4 tokens: token and position
 * embeddings, a pre-norm TransformerEncoderLayer, and a Linear head per position, trained with
 * AdamW under a linear warmup schedule. Runs in Node and in the browser, on the CPU or WebGPU.
 *
 *   tsx docs/examples/nn/transformer.ts
 */
import { arange, crossEntropy, Generator, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { AdamW, Embedding, Linear, linearWithWarmup, LrScheduler, Module, TransformerEncoderLayer } from '@graft/nn';
import { isMain } from '../is-main';

const VOCAB = 6;
const LEN = 4;

/** Embeddings, one encoder layer, and a classifier over the vocabulary at every position. */
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

/** Trains the sorter and returns the per-token test accuracy before and after. */
export async function trainSorter(opts: { steps?: number; log?: (line: string) => void } = {}): Promise<{ before: number; after: number }> {
  const { steps = 200, log = () => {} } = opts;
  const gen = new Generator(9);
  const model = new Sorter(16, gen);
  const test = batch(128, gen);
  const accuracy = async () => {
    const acc = scope(() => noGrad(() => model.call(test.x).argmax(-1).eq(test.y).cast('float32').mean()));
    const value = await acc.item();
    acc.dispose();
    return value;
  };
  const before = await accuracy();
  const opt = new AdamW(model.parameters(), { lr: 0.01, weightDecay: 0 });
  const schedule = new LrScheduler(opt, linearWithWarmup(10, steps + 50));
  for (let step = 1; step <= steps; step++) {
    const loss = scope(() => {
      const { x, y } = batch(32, gen);
      const l = crossEntropy(model.call(x).reshape(-1, VOCAB), y.reshape(-1));
      l.backward();
      opt.step();
      opt.zeroGrad();
      schedule.step();
      return l;
    });
    if (step % 25 === 0) log(`step ${String(step).padStart(3)}  loss ${(await loss.item()).toFixed(4)}  lr ${opt.paramGroups[0].lr.toExponential(2)}`);
    loss.dispose();
  }
  const after = await accuracy();
  log(`sorting accuracy per token: ${(before * 100).toFixed(1)}% → ${(after * 100).toFixed(1)}%`);
  test.x.dispose();
  test.y.dispose();
  model.dispose();
  opt.disposeState();
  return { before, after };
}

if (isMain(import.meta.url)) void trainSorter({ log: console.log });
