import { describe, expect, it } from 'vitest';
import { add, concat, GraftError, memory, mul, noGrad, enableGrad, ones, scope, sum, tensor, isGradEnabled, ArgumentError, zerosLike } from '../index';

const leaf = (v: number[]) => tensor(v, { dtype: 'float64' }).requiresGrad_();

describe('autograd', () => {
  it('computes d(x*y + x)/dx and accumulates across backward calls', () => {
    const x = leaf([2, 3]);
    const y = leaf([5, 7]);
    sum(add(mul(x, y), x)).backward();
    expect(x.grad!.arraySync()).toEqual([6, 8]);
    expect(y.grad!.arraySync()).toEqual([2, 3]);
    sum(mul(x, 2)).backward();
    expect(x.grad!.arraySync()).toEqual([8, 10]);
  });

  it('sums gradients of a tensor used twice', () => {
    const x = leaf([3]);
    mul(x, x).backward();
    expect(x.grad!.itemSync()).toBe(6);
  });

  it('records nothing under noGrad, and enableGrad turns it back on', () => {
    const x = leaf([1]);
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(/does not require gradients/);
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      expect(enableGrad(() => mul(x, 2)).requiresGrad).toBe(true);
    });
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(async () => 1)).toThrow(/synchronous/);
  });

  it('detach cuts the graph but shares the data', () => {
    const x = leaf([4]);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.storage).toBe(x.storage);
    mul(x, d).backward();
    expect(x.grad!.itemSync()).toBe(4);
  });

  it('refuses a second backward through a freed graph unless retained', () => {
    const x = leaf([2]);
    const y = mul(x, x);
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.itemSync()).toBe(8);
    expect(() => y.backward()).toThrow(GraftError);
    expect(() => y.backward()).toThrow(/second time/);
  });

  it('needs an explicit gradient for non-scalar outputs', () => {
    const x = leaf([1, 2]);
    const y = mul(x, 3);
    expect(() => y.backward()).toThrow(ArgumentError);
    y.backward(tensor([1, 10], { dtype: 'float64' }));
    expect(x.grad!.arraySync()).toEqual([3, 30]);
  });

  it('only floating-point leaves can require gradients', () => {
    expect(() => tensor([1, 2]).requiresGrad_()).toThrow(/floating-point/);
    const y = mul(leaf([1]), 2);
    expect(() => (y.requiresGrad = false)).toThrow(/leaf/);
  });

  it('gradients of int-valued ops do not flow (argmax, comparisons)', () => {
    const x = leaf([1, 5, 2]);
    const i = x.argmax();
    expect(i.requiresGrad).toBe(false);
    expect(x.gt(1).requiresGrad).toBe(false);
  });

  it('releases a graph that never saw backward when its tensors are disposed', () => {
    const w = leaf([1, 2, 3]);
    const before = memory();
    const loss = scope(() => sum(mul(w.exp(), w)));
    expect(memory().tensors).toBeGreaterThan(before.tensors); // the loss and its graph's saved tensors
    loss.dispose();
    expect(memory()).toEqual(before);
  });

  it('frees saved tensors during backward', () => {
    const w = leaf([1, 2, 3]);
    const before = memory().tensors;
    scope(() => {
      const loss = sum(mul(w.tanh(), w));
      loss.backward();
    });
    // only w.grad is new
    expect(memory().tensors).toBe(before + 1);
    expect(w.grad!.shape).toEqual([3]);
  });

  it('throws a typed error for a gradient rule shape bug, never silently', () => {
    const e = new GraftError('autograd_internal', 'x');
    expect(e.code).toBe('autograd_internal');
    expect(ones([1]).requiresGrad).toBe(false);
  });
});

describe('leaf gradients', () => {
  it('own their storage even when the incoming gradient is a view of a larger buffer', () => {
    const a = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    const b = tensor([3], { dtype: 'float32' }).requiresGrad_();
    // concat's backward hands each input a narrow view of the output gradient
    sum(mul(concat([a, b]), tensor([1, 2, 3], { dtype: 'float32' }))).backward();
    for (const t of [a, b]) {
      expect(t.grad!.isContiguous).toBe(true);
      expect(t.grad!.storage.size).toBe(t.size);
      t.grad!.assign(zerosLike(t.grad!));
    }
    expect(b.grad!.arraySync()).toEqual([0]);
  });
});
