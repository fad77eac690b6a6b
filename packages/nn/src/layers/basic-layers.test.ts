import { Generator, memory, ones, randint, randn, scope, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { LayerConfigError } from '../errors';
import { gradcheckModule } from '../module/gradcheck-module';
import { GELU, LeakyReLU, ReLU, Sigmoid, SiLU, Softmax, Tanh, Flatten } from './activations';
import { Dropout } from './dropout';
import { Embedding } from './embedding';
import { Bilinear, Linear } from './linear';
import { LayerNorm, RMSNorm } from './normalization';

const gen = new Generator(3);
const f64 = { dtype: 'float64' as const, generator: gen };
const x64 = (shape: number[]) => randn(shape, f64).requiresGrad_();

describe('Linear, Bilinear, Embedding, LayerNorm, RMSNorm', () => {
  it('use PyTorch layouts and default init bounds', () => {
    const lin = new Linear(16, 4, { generator: gen });
    expect(lin.weight.shape).toEqual([4, 16]);
    const w = lin.weight.dataSync();
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.2);
    expect(new Bilinear(3, 5, 2).weight.shape).toEqual([2, 3, 5]);
    const ln = new LayerNorm(6);
    expect(ln.weight!.arraySync()).toEqual([1, 1, 1, 1, 1, 1]);
    expect(ln.bias!.arraySync()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => new Linear(0, 3)).toThrow(LayerConfigError);
  });

  it('compute what they should', () => {
    const lin = new Linear(2, 1);
    lin.loadStateDict({ weight: tensor([[2, -1]]), bias: tensor([0.5]) });
    expect(lin.call(tensor([[1, 3]], { dtype: 'float32' })).arraySync()).toEqual([[-0.5]]);
    const bl = new Bilinear(2, 2, 1, { bias: false });
    bl.loadStateDict({
      weight: tensor(
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
        { dtype: 'float32' },
      ),
    });
    // x1ᵀ W x2 with x1 = [1, 1], x2 = [1, 0]: 1 + 3
    expect(bl.call(tensor([[1, 1]], { dtype: 'float32' }), tensor([[1, 0]], { dtype: 'float32' })).arraySync()).toEqual([[4]]);
    const rms = new RMSNorm(2, { eps: 0 });
    expect(rms.call(tensor([[3, 4]], { dtype: 'float32' })).dataSync()[0]).toBeCloseTo(3 / Math.sqrt(12.5), 6);
  });

  it('gradcheck: Linear, Bilinear, LayerNorm, RMSNorm, Embedding', () => {
    const lin = new Linear(3, 2, f64);
    expect(gradcheckModule(lin, [x64([4, 3])], (x) => lin.call(x))).toBe(true);
    const bl = new Bilinear(3, 2, 2, f64);
    expect(gradcheckModule(bl, [x64([2, 3]), x64([2, 2])], (a, b) => bl.call(a, b))).toBe(true);
    const ln = new LayerNorm(4, f64);
    scope(() => ln.weight!.assign(randn([4], f64)));
    expect(gradcheckModule(ln, [x64([3, 4])], (x) => ln.call(x))).toBe(true);
    const rms = new RMSNorm(4, f64);
    expect(gradcheckModule(rms, [x64([3, 4])], (x) => rms.call(x))).toBe(true);
    const emb = new Embedding(5, 3, { ...f64, paddingIdx: 0 });
    // the padding row (0) gets no gradient by design, so the ids avoid it here
    const ids = tensor(
      [
        [1, 2],
        [4, 2],
      ],
      { dtype: 'int32' },
    );
    expect(gradcheckModule(emb, [], () => emb.call(ids).tanh())).toBe(true);
  });

  it('Embedding zeroes the padding row and gives it no gradient', () => {
    const emb = new Embedding(4, 2, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(3);
    expect((emb.weight.arraySync() as number[][])[3]).toEqual([0, 0]);
    emb
      .call(tensor([3, 1, 3], { dtype: 'int32' }))
      .sum()
      .backward();
    expect((emb.weight.grad!.arraySync() as number[][])[3]).toEqual([0, 0]);
    expect((emb.weight.grad!.arraySync() as number[][])[1]).toEqual([1, 1]);
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow(LayerConfigError);
  });
});

describe('Dropout and activations', () => {
  it('Dropout drops in training, is the identity in eval, and is seeded', () => {
    const x = ones([1000]);
    const a = new Dropout(0.3, { generator: new Generator(5) });
    const b = new Dropout(0.3, { generator: new Generator(5) });
    const ya = a.call(x).dataSync();
    expect(ya).toEqual(b.call(x).dataSync());
    const zeros = ya.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(230);
    expect(zeros).toBeLessThan(370);
    expect(ya.find((v) => v !== 0)).toBeCloseTo(1 / 0.7, 5);
    a.eval();
    expect(
      a
        .call(x)
        .dataSync()
        .every((v) => v === 1),
    ).toBe(true);
    expect(() => new Dropout(1.5)).toThrow(LayerConfigError);
  });

  it('activations match their formulas', () => {
    const x = tensor([-2, -0.5, 0.5, 2], { dtype: 'float64' });
    const v = (t: Tensor) => [...t.dataSync()];
    const xs = [-2, -0.5, 0.5, 2];
    const close = (a: number[], b: number[]) => a.forEach((ai, i) => expect(ai).toBeCloseTo(b[i], 10));
    close(
      v(new ReLU().call(x)),
      xs.map((u) => Math.max(0, u)),
    );
    close(v(new Tanh().call(x)), xs.map(Math.tanh));
    close(
      v(new Sigmoid().call(x)),
      xs.map((u) => 1 / (1 + Math.exp(-u))),
    );
    close(
      v(new SiLU().call(x)),
      xs.map((u) => u / (1 + Math.exp(-u))),
    );
    close(
      v(new LeakyReLU(0.2).call(x)),
      xs.map((u) => (u > 0 ? u : 0.2 * u)),
    );
    close(
      v(new GELU('tanh').call(x)),
      xs.map((u) => 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u ** 3)))),
    );
    const s = v(new Softmax().call(x));
    expect(s.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(new Flatten().call(randn([2, 3, 4])).shape).toEqual([2, 12]);
  });

  it('layers leak nothing across a scoped forward/backward', () => {
    const lin = new Linear(4, 3);
    const ids = randint(0, 3, [8]);
    const emb = new Embedding(3, 4);
    const before = memory().tensors;
    scope(() => {
      lin.call(emb.call(ids)).sum().backward();
    });
    // the two grads of lin and the one of emb are kept, everything else is gone
    expect(memory().tensors).toBe(before + 3);
  });
});
