/**
 * A two-layer GCN must classify the nodes of a synthetic two-community graph whose features are
 * too noisy to classify node by node: aggregating neighbours is what makes it solvable. Trained
 * on half the nodes, scored on the other half.
 */
import { crossEntropy, Generator, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { expect, it } from 'vitest';
import { GCNConv } from '../layers/graph';
import { Module } from '../module/module';
import { Adam } from '../optim/adam';

class TwoLayerGcn extends Module<[Tensor, Tensor], Tensor> {
  conv1: GCNConv;
  conv2: GCNConv;
  constructor(gen: Generator) {
    super();
    this.conv1 = new GCNConv(4, 8, { generator: gen });
    this.conv2 = new GCNConv(8, 2, { generator: gen });
  }
  forward(x: Tensor, edges: Tensor): Tensor {
    return this.conv2.call(this.conv1.call(x, edges).relu(), edges);
  }
}

/** 60 nodes in two communities: dense edges inside, few across; features = weak class signal + noise. */
function communities(gen: Generator) {
  const n = 60;
  const label = (i: number) => (i < n / 2 ? 0 : 1);
  const src: number[] = [];
  const dst: number[] = [];
  const u = gen.uniform(n * n, 'float64');
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i !== j && u[i * n + j] < (label(i) === label(j) ? 0.2 : 0.01)) src.push(i), dst.push(j);
    }
  const noise = gen.normal(n * 4, 'float32', 0, 1);
  const feats = Float32Array.from(noise, (v, k) => v + (label(Math.floor(k / 4)) === 0 ? 0.4 : -0.4) * (k % 4 === 0 ? 1 : 0));
  const ids = Array.from({ length: n }, (_, i) => i);
  return {
    x: tensor(feats, { shape: [n, 4] }),
    edges: tensor([src, dst], { dtype: 'int32' }),
    y: tensor(ids.map(label), { dtype: 'int32' }),
    trainIds: tensor(
      ids.filter((i) => i % 2 === 0),
      { dtype: 'int32' },
    ),
    testIds: tensor(
      ids.filter((i) => i % 2 === 1),
      { dtype: 'int32' },
    ),
  };
}

it('a GCN classifies the nodes of a two-community graph', () => {
  const gen = new Generator(17);
  const g = communities(gen);
  const model = new TwoLayerGcn(gen);
  const accuracy = () =>
    scope(() => noGrad(() => model.call(g.x, g.edges).indexSelect(0, g.testIds).argmax(1).eq(g.y.indexSelect(0, g.testIds)).cast('float32').mean().itemSync()));
  const threshold = 0.9;
  expect(accuracy()).toBeLessThan(threshold);
  const opt = new Adam(model.parameters(), { lr: 0.02 });
  for (let step = 0; step < 60; step++) {
    scope(() => {
      crossEntropy(model.call(g.x, g.edges).indexSelect(0, g.trainIds), g.y.indexSelect(0, g.trainIds)).backward();
      opt.step();
      opt.zeroGrad();
    });
  }
  expect(accuracy()).toBeGreaterThan(threshold);
});
