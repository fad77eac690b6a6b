/**
 * Tensor's subclassing constructor, `new Tensor(source)` (`super(data)` in a subclass such as
 * nn's Parameter): a new leaf over source's values, sharing dense storage and copying views.
 */
import { describe, expect, it } from 'vitest';
import { memory, scope, Tensor, tensor } from './index';
import { Storage } from './internal';

class Marked extends Tensor {
  readonly mark = 'marked';
}

describe('new Tensor(source)', () => {
  it('shares the storage of a tensor that owns dense data, as a new leaf', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    ).requiresGrad_();
    const y = x.mul(2);
    const m = new Marked(y);
    expect(m).toBeInstanceOf(Tensor);
    expect(m.mark).toBe('marked');
    expect([m.isLeaf, m.requiresGrad]).toEqual([true, false]);
    expect(m.storage).toBe(y.storage);
    expect(m.arraySync()).toEqual([
      [2, 4],
      [6, 8],
    ]);
    y.dispose();
    expect(m.arraySync()).toEqual([
      [2, 4],
      [6, 8],
    ]); // the subclass holds its own reference
  });

  it('copies a view into dense storage of its own', () => {
    const base = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float32' },
    );
    const view = base.transpose();
    const m = new Marked(view);
    expect(m.storage).not.toBe(base.storage);
    expect([m.isContiguous, m.offset, m.storage.size]).toEqual([true, 0, 6]);
    expect(m.arraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(m.storage).toBeInstanceOf(Storage);
  });

  it('joins the current scope and leaks no copy', () => {
    const base = tensor([1, 2, 3, 4], { dtype: 'float32' });
    const before = memory().tensors;
    scope(() => void new Marked(base.reshape([2, 2]).transpose()));
    expect(memory().tensors).toBe(before);
  });
});
