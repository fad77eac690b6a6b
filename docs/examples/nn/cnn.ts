/**
 * A small CNN learns to tell horizontal from vertical bars in noisy 8×8 images, with @graft/nn:
 * Conv2d, MaxPool2d, Flatten, Linear in a Sequential, trained with Adam. Runs in Node and in the
 * browser, on the CPU or WebGPU.
 *
 *   tsx docs/examples/nn/cnn.ts
 */
import { crossEntropy, Generator, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { Adam, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@graft/nn';
import { isMain } from '../is-main';

/** `n` noisy images with one bar each; label 1 for vertical. */
export function barImages(n: number, gen: Generator): { x: Tensor; y: Tensor } {
  const noise = gen.normal(n * 64, 'float32', 0, 0.3);
  const at = gen.randint(n, 0, 8);
  const px = Float32Array.from(noise);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  labels.forEach((vertical, i) => {
    for (let s = 0; s < 8; s++) px[i * 64 + (vertical ? s * 8 + at[i] : at[i] * 8 + s)] += 1;
  });
  return { x: tensor(px, { shape: [n, 1, 8, 8] }), y: tensor(labels, { dtype: 'int32' }) };
}

/** Trains the CNN and returns the test accuracy before and after. */
export async function trainCnn(opts: { steps?: number; log?: (line: string) => void } = {}): Promise<{ before: number; after: number }> {
  const { steps = 60, log = () => {} } = opts;
  const gen = new Generator(5);
  const model = new Sequential(
    new Conv2d(1, 4, 3, { padding: 1, generator: gen }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(4, 4, 3, { padding: 1, generator: gen }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16, 2, { generator: gen }),
  );
  const train = barImages(64, gen);
  const test = barImages(64, gen);
  const accuracy = async () => {
    const acc = scope(() => noGrad(() => model.call(test.x).argmax(1).eq(test.y).cast('float32').mean()));
    const value = await acc.item();
    acc.dispose();
    return value;
  };
  const before = await accuracy();
  const opt = new Adam(model.parameters(), { lr: 0.03 });
  for (let step = 1; step <= steps; step++) {
    const loss = scope(() => {
      const l = crossEntropy(model.call(train.x), train.y);
      l.backward();
      opt.step();
      opt.zeroGrad();
      return l;
    });
    if (step % 10 === 0) log(`step ${String(step).padStart(3)}  loss ${(await loss.item()).toFixed(4)}`);
    loss.dispose();
  }
  const after = await accuracy();
  log(`test accuracy: ${(before * 100).toFixed(1)}% → ${(after * 100).toFixed(1)}%`);
  for (const t of [train.x, train.y, test.x, test.y]) t.dispose();
  model.dispose();
  opt.disposeState();
  return { before, after };
}

if (isMain(import.meta.url)) void trainCnn({ log: console.log });
