import { describe, expect, it } from 'vitest';
import {
  crossEntropy,
  Generator,
  keep,
  memory,
  noGrad,
  randn,
  randint,
  relu,
  scope,
  scopeAsync,
  scopeDepth,
  tensor,
  type Tensor,
  zeros,
  GraftError,
} from './index';

describe('scopes', () => {
  it('dispose what was created inside except the result', () => {
    const before = memory().tensors;
    const kept = scope(() => {
      const a = tensor([1, 2, 3], { dtype: 'float32' });
      const b = a.mul(2).add(1);
      return { b, list: [a.sum()] };
    });
    expect(memory().tensors).toBe(before + 2);
    expect(kept.b.arraySync()).toEqual([3, 5, 7]);
    kept.b.dispose();
    kept.list[0].dispose();
    expect(memory().tensors).toBe(before);
  });

  it('move results to the parent scope and honour keep()', () => {
    const before = memory().tensors;
    let inner!: Tensor;
    let kept!: Tensor;
    scope(() => {
      inner = scope(() => tensor([1]).add(1));
      kept = keep(tensor([5]));
      expect(inner.isDisposed).toBe(false);
    });
    expect(inner.isDisposed).toBe(true);
    expect(kept.isDisposed).toBe(false);
    kept.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('clean up when the function throws', () => {
    const before = memory().tensors;
    expect(() =>
      scope(() => {
        tensor([1, 2]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().tensors).toBe(before);
    expect(scopeDepth()).toBe(0);
  });

  it('refuse promises in the synchronous form, and work across awaits in the async form', async () => {
    expect(() => scope(async () => 1 as never)).toThrow(/scopeAsync/);
    const before = memory().tensors;
    const r = await scopeAsync(async () => {
      const t = tensor([1, 2, 3], { dtype: 'float32' });
      const s = t.sum();
      await s.data();
      return t.mul(3);
    });
    expect(memory().tensors).toBe(before + 1);
    expect(r.arraySync()).toEqual([3, 6, 9]);
    r.dispose();
  });

  it('detect interleaved async scopes', async () => {
    let releaseSecond!: () => void;
    const gate = new Promise<void>((res) => (releaseSecond = res));
    const before = memory().tensors;
    const first = scopeAsync(async () => {
      tensor([1, 2]);
      await Promise.resolve();
    });
    const second = scopeAsync(async () => {
      await gate;
    });
    await expect(first).rejects.toThrow(GraftError);
    releaseSecond();
    await second;
    expect(scopeDepth()).toBe(0);
    expect(memory().tensors).toBe(before);
  });
});

describe('training loop leak test', () => {
  it('keeps live tensors and bytes flat from step 10 to step 200', () => {
    const gen = new Generator(1);
    const w1 = keep(randn([8, 16], { std: 0.3, generator: gen }).requiresGrad_());
    const w2 = keep(randn([16, 3], { std: 0.3, generator: gen }).requiresGrad_());
    const x = keep(randn([32, 8], { generator: gen }));
    const y = keep(randint(0, 3, [32], { generator: gen }));
    const params = [w1, w2];
    let at10: ReturnType<typeof memory> | null = null;
    let firstLoss = 0;
    let lastLoss = 0;
    for (let step = 1; step <= 200; step++) {
      const loss = scope(() => {
        const l = crossEntropy(relu(x.matmul(w1)).matmul(w2), y);
        l.backward();
        noGrad(() => {
          for (const p of params) {
            p.assign(p.sub(p.grad!.mul(0.5)));
            p.grad!.dispose();
            p.grad = null;
          }
        });
        return l.itemSync();
      });
      if (step === 1) firstLoss = loss;
      lastLoss = loss;
      if (step === 10) at10 = memory();
    }
    expect(memory()).toEqual(at10);
    expect(lastLoss).toBeLessThan(firstLoss * 0.5);
    for (const t of [w1, w2, x, y]) t.dispose();
    expect(zeros([1]).size).toBe(1);
  });
});
