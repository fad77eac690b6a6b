/**
 * A two-layer GCN classifies the nodes of a two-community graph whose node features alone are
 * too noisy: message passing over the edge list pools each node's neighbourhood. Trained on
 * half the nodes, scored on the other half. Runs in Node and in the browser, on the CPU or WebGPU.
 *
 *   tsx docs/examples/nn/gnn.ts
 */
import { crossEntropy, Generator, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { Adam, GCNConv, Module } from '@graft/nn';
import { isMain } from '../is-main';

/** GCN → ReLU → GCN. */
class NodeClassifier extends Module<[Tensor, Tensor], Tensor> {
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

/** 60 nodes, two communities: edges likely inside (0.2), rare across (0.01). */
export function twoCommunities(gen: Generator) {
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
  const feats = Float32Array.from(noise, (v, k) => v + (k % 4 === 0 ? (label(Math.floor(k / 4)) === 0 ? 0.4 : -0.4) : 0));
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

/** Trains the GCN and returns the test-node accuracy before and after. */
export async function trainGcn(opts: { steps?: number; log?: (line: string) => void } = {}): Promise<{ before: number; after: number }> {
  const { steps = 100, log = () => {} } = opts;
  const gen = new Generator(17);
  const g = twoCommunities(gen);
  const model = new NodeClassifier(gen);
  const pick = (t: Tensor, ids: Tensor) => t.indexSelect(0, ids);
  const accuracy = async () => {
    const acc = scope(() => noGrad(() => pick(model.call(g.x, g.edges), g.testIds).argmax(1).eq(pick(g.y, g.testIds)).cast('float32').mean()));
    const value = await acc.item();
    acc.dispose();
    return value;
  };
  const before = await accuracy();
  const opt = new Adam(model.parameters(), { lr: 0.02 });
  for (let step = 1; step <= steps; step++) {
    const loss = scope(() => {
      const l = crossEntropy(pick(model.call(g.x, g.edges), g.trainIds), pick(g.y, g.trainIds));
      l.backward();
      opt.step();
      opt.zeroGrad();
      return l;
    });
    if (step % 20 === 0) log(`step ${String(step).padStart(3)}  loss ${(await loss.item()).toFixed(4)}`);
    loss.dispose();
  }
  const after = await accuracy();
  log(`test-node accuracy: ${(before * 100).toFixed(1)}% → ${(after * 100).toFixed(1)}%`);
  for (const t of Object.values(g)) t.dispose();
  model.dispose();
  opt.disposeState();
  return { before, after };
}

if (isMain(import.meta.url)) void trainGcn({ log: console.log });
