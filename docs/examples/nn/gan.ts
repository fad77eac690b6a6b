/**
 * A small GAN learns a two-mode Gaussian mixture in the plane: a generator MLP maps noise to
 * points, a discriminator MLP tells them from real samples, both trained with Adam on binary
 * cross-entropy with logits (the generator with the non-saturating loss). Runs in Node and in the
 * browser, on the CPU or WebGPU.
 *
 *   tsx docs/examples/nn/gan.ts
 */
import { Generator, noGrad, ones, randn, scope, type Tensor, tensor, zeros } from '@graft/core';
import { Adam, functional as F, LeakyReLU, Linear, Sequential } from '@graft/nn';
import { isMain } from '../is-main';

const MODES = [
  [-2, 0],
  [2, 0],
];

function realBatch(n: number, gen: Generator): Tensor {
  const noise = gen.normal(2 * n, 'float32', 0, 0.2);
  const pick = gen.randint(n, 0, MODES.length);
  return tensor(
    Float32Array.from(noise, (v, k) => v + MODES[pick[k >> 1]][k & 1]),
    { shape: [n, 2] },
  );
}

/** Mean distance of samples to their nearest mode, and the share of samples at each mode. */
export async function scoreSamples(samples: Tensor): Promise<{ distance: number; shares: number[] }> {
  const counts = MODES.map(() => 0);
  let total = 0;
  for (const [x, y] of (await samples.array()) as number[][]) {
    const d = MODES.map(([mx, my]) => Math.hypot(x - mx, y - my));
    const best = d.indexOf(Math.min(...d));
    counts[best]++;
    total += d[best];
  }
  return { distance: total / samples.shape[0], shares: counts.map((c) => c / samples.shape[0]) };
}

const mlp = (inF: number, outF: number, gen: Generator) =>
  new Sequential(
    new Linear(inF, 16, { generator: gen }),
    new LeakyReLU(0.2),
    new Linear(16, 16, { generator: gen }),
    new LeakyReLU(0.2),
    new Linear(16, outF, { generator: gen }),
  );

/** Trains the GAN; returns the sample scores before and after. */
export async function trainGan(opts: { steps?: number; log?: (line: string) => void } = {}) {
  const { steps = 400, log = () => {} } = opts;
  // GAN training oscillates: the outcome depends on the seed (see the nn learning test)
  const gen = new Generator(4);
  const G = mlp(2, 2, gen);
  const D = mlp(2, 1, gen);
  const optG = new Adam(G.parameters(), { lr: 0.01, betas: [0.5, 0.999] });
  const optD = new Adam(D.parameters(), { lr: 0.01, betas: [0.5, 0.999] });
  const n = 64;
  const sample = async () => {
    const points = scope(() => noGrad(() => G.call(randn([256, 2], { generator: gen }))));
    const score = await scoreSamples(points);
    points.dispose();
    return score;
  };
  const before = await sample();
  for (let step = 1; step <= steps; step++) {
    const [lossD, lossG] = scope(() => {
      const fake = G.call(randn([n, 2], { generator: gen }));
      const dLoss = F.binaryCrossEntropyWithLogits(D.call(realBatch(n, gen)), ones([n, 1])).add(
        F.binaryCrossEntropyWithLogits(D.call(fake.detach()), zeros([n, 1])),
      );
      dLoss.backward();
      optD.step();
      optD.zeroGrad();
      const gLoss = F.binaryCrossEntropyWithLogits(D.call(fake), ones([n, 1]));
      gLoss.backward();
      optG.step();
      optG.zeroGrad();
      optD.zeroGrad();
      return [dLoss, gLoss];
    });
    if (step % 50 === 0) log(`step ${String(step).padStart(3)}  D ${(await lossD.item()).toFixed(3)}  G ${(await lossG.item()).toFixed(3)}`);
    lossD.dispose();
    lossG.dispose();
  }
  const after = await sample();
  log(
    `mean distance to the nearest mode: ${before.distance.toFixed(2)} → ${after.distance.toFixed(2)}; shares ${after.shares.map((s) => s.toFixed(2)).join(' / ')}`,
  );
  G.dispose();
  D.dispose();
  optG.disposeState();
  optD.disposeState();
  return { before, after };
}

if (isMain(import.meta.url)) void trainGan({ log: console.log });
