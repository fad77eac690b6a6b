/**
 * A small CNN must learn a synthetic image task: 8×8 images holding one bar, horizontal or
 * vertical, at a random place and with noise; the class is the orientation. Seeded and small so
 * it runs in a couple of seconds on the CPU reference backend.
 */
import { crossEntropy, Generator, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { expect, it } from 'vitest';
import { Flatten, ReLU } from '../layers/activations';
import { Conv2d } from '../layers/conv';
import { Linear } from '../layers/linear';
import { MaxPool2d } from '../layers/pooling';
import { Sequential } from '../module/containers';
import { Adam } from '../optim/adam';

function bars(n: number, gen: Generator): { x: Tensor; y: Tensor } {
  const noise = gen.normal(n * 64, 'float32', 0, 0.3);
  const pick = gen.randint(2 * n, 0, 8);
  const px = new Float32Array(n * 64);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const vertical = i % 2;
    const at = pick[2 * i];
    for (let k = 0; k < 64; k++) px[i * 64 + k] = noise[i * 64 + k];
    for (let s = 0; s < 8; s++) px[i * 64 + (vertical ? s * 8 + at : at * 8 + s)] += 1;
    labels.push(vertical);
  }
  return { x: tensor(px, { shape: [n, 1, 8, 8] }), y: tensor(labels, { dtype: 'int32' }) };
}

it('a CNN learns to tell horizontal from vertical bars', () => {
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
  const train = bars(64, gen);
  const test = bars(64, gen);
  const accuracy = () => scope(() => noGrad(() => model.call(test.x).argmax(1).eq(test.y).cast('float32').mean().itemSync()));
  const threshold = 0.9;
  // the untrained model is no better than chance, so the threshold means something
  expect(accuracy()).toBeLessThan(threshold);
  const opt = new Adam(model.parameters(), { lr: 0.03 });
  for (let step = 0; step < 40; step++) {
    scope(() => {
      crossEntropy(model.call(train.x), train.y).backward();
      opt.step();
      opt.zeroGrad();
    });
  }
  expect(accuracy()).toBeGreaterThan(threshold);
});
