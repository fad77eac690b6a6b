/**
 * Fit a two-layer network to two interleaved spirals with @graft/core alone: autograd, scopes,
 * the seeded generator and plain gradient descent with momentum. Prints the loss as it falls.
 * Runs in Node and in the browser, on the CPU or WebGPU: values are read with `await`, and only
 * when they are printed.
 *
 *   pnpm scratch docs/examples/core/fit-mlp.ts
 */
import { crossEntropy, Generator, keep, manualSeed, noGrad, randn, scope, type Tensor, tensor, zerosLike } from '@graft/core';
import { isMain } from '../is-main';

export interface FitResult {
  firstLoss: number;
  finalLoss: number;
  accuracy: number;
}

/** Two spirals, `n` points each, with a little noise. */
function spirals(n: number, gen: Generator): { x: Tensor; y: Tensor } {
  const noise = gen.normal(4 * n, 'float32', 0, 0.08);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < n; i++) {
      const r = 0.15 + (i / n) * 0.85;
      const t = (i / n) * 2.5 * Math.PI + c * Math.PI;
      xs.push(r * Math.cos(t) + noise[2 * (c * n + i)], r * Math.sin(t) + noise[2 * (c * n + i) + 1]);
      ys.push(c);
    }
  }
  return { x: tensor(new Float32Array(xs), { shape: [2 * n, 2] }), y: tensor(ys, { dtype: 'int32' }) };
}

/** Trains the network; resolves to the first and last loss and the training accuracy. */
export async function fitSpirals(opts: { steps?: number; hidden?: number; log?: (line: string) => void } = {}): Promise<FitResult> {
  const { steps = 400, hidden = 64, log = () => {} } = opts;
  manualSeed(0);
  const gen = new Generator(42);
  const { x, y } = spirals(200, gen);
  // He-style initialisation from the seeded generator
  const params = [
    randn([2, hidden], { std: Math.sqrt(2 / 2), generator: gen }),
    zerosLike(randn([hidden], { generator: gen })),
    randn([hidden, hidden], { std: Math.sqrt(2 / hidden), generator: gen }),
    zerosLike(randn([hidden], { generator: gen })),
    randn([hidden, 2], { std: Math.sqrt(1 / hidden), generator: gen }),
    zerosLike(randn([2], { generator: gen })),
  ].map((p) => keep(p.requiresGrad_()));
  const velocity = params.map((p) => keep(zerosLike(p)));
  const [w1, b1, w2, b2, w3, b3] = params;
  const forward = (input: Tensor) => input.matmul(w1).add(b1).relu().matmul(w2).add(b2).relu().matmul(w3).add(b3);

  let firstLoss = NaN;
  let finalLoss = NaN;
  for (let step = 1; step <= steps; step++) {
    const lr = 0.3 * (step <= 20 ? step / 20 : 1);
    const loss = scope(() => {
      const l = crossEntropy(forward(x), y);
      l.backward();
      noGrad(() => {
        params.forEach((p, i) => {
          const v = velocity[i].mul(0.9).add(p.grad!);
          velocity[i].assign(v);
          p.assign(p.sub(v.mul(lr)));
          p.grad!.dispose();
          p.grad = null;
        });
      });
      return l; // the loss stays on the device; it is read only when printed
    });
    if (step === 1 || step === steps || step % 50 === 0) {
      const value = await loss.item();
      if (step === 1) firstLoss = value;
      finalLoss = value;
      if (step % 50 === 0 || step === 1) log(`step ${String(step).padStart(4)}  loss ${value.toFixed(4)}`);
    }
    loss.dispose();
  }
  const correct = scope(() => noGrad(() => forward(x).argmax(1).eq(y).cast('float32').mean()));
  const accuracy = await correct.item();
  correct.dispose();
  log(`accuracy on the training spirals: ${(accuracy * 100).toFixed(1)}%`);
  for (const t of [...params, ...velocity, x, y]) t.dispose();
  return { firstLoss, finalLoss, accuracy };
}

if (isMain(import.meta.url)) {
  const started = performance.now();
  console.log('Graft core demo: a 2-layer MLP learns two spirals (CPU backend, seeded)');
  void fitSpirals({ log: console.log }).then(() => console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`));
}
