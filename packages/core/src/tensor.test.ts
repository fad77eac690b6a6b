import { describe, expect, it } from 'vitest';
import { arange, eye, full, linspace, ones, tensor, zeros, Tensor, memory, scope, ShapeError, ArgumentError, LossyConversionError } from './index';

describe('creation', () => {
  it('infers dtype and shape from nested arrays', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('int32');
    expect(tensor([1.5, 2]).dtype).toBe('float32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(3.5).shape).toEqual([]);
    expect(a.arraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('accepts typed arrays with a shape and converts on request', () => {
    const t = tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4]);
    const d = tensor(new Float32Array([1.5, -2.5]), { dtype: 'float64' });
    expect(d.dtype).toBe('float64');
    // fractions into int32 only on request (they used to be truncated silently)
    expect(() => tensor(new Float32Array([-1.7, 2.9]), { dtype: 'int32' })).toThrow(LossyConversionError);
    expect(Array.from(tensor(new Float32Array([-1.7, 2.9]), { dtype: 'int32', rounding: 'truncate' }).dataSync())).toEqual([-1.7, 2.9].map(Math.trunc));
  });

  it('rejects ragged arrays and data that does not fill the shape', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(3), { shape: [2, 2] })).toThrow(/do not fill shape/);
    expect(() => tensor([1], { dtype: 'float8' as never })).toThrow(ArgumentError);
  });

  it('makes constants, ranges and identities', () => {
    expect(zeros([2, 2]).arraySync()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3], { dtype: 'int32' }).arraySync()).toEqual([1, 1, 1]);
    expect(full([2], 7).arraySync()).toEqual([7, 7]);
    expect(arange(5).arraySync()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 2, 0.25).arraySync()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).arraySync()).toEqual([5, 3, 1]);
    expect(linspace(0, 1, 5).arraySync()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2, 3).arraySync()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });
});

describe('views', () => {
  it('share storage with their base and keep it alive', () => {
    const base = arange(6, undefined, 1, { dtype: 'float32' });
    const v = base.reshape(2, 3).transpose();
    expect(v.storage).toBe(base.storage);
    expect(v.isContiguous).toBe(false);
    expect(v.arraySync()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    base.dispose();
    expect(v.arraySync()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const c = v.contiguous();
    expect(c.isContiguous).toBe(true);
    expect(c.storage).not.toBe(v.storage);
    v.dispose();
    c.dispose();
  });

  it('slices with Python semantics', () => {
    const x = arange(12).reshape(3, 4);
    expect(x.slice([null, [1, -1]]).arraySync()).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expect(
      x
        .slice([
          [0, 3, 2],
          [null, null, 3],
        ])
        .arraySync(),
    ).toEqual([
      [0, 3],
      [8, 11],
    ]);
    expect(x.slice([1]).arraySync()).toEqual([4, 5, 6, 7]);
    expect(x.slice([-1, -1]).itemSync()).toBe(11);
    expect(x.slice([[5, 9]]).shape).toEqual([0, 4]);
    expect(() => x.slice([3])).toThrow(/out of range/);
  });

  it('reading a disposed tensor fails with a typed error', () => {
    const t = ones([2]);
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(() => t.dataSync()).toThrow(/disposed/);
    t.dispose(); // idempotent
  });

  it('supports `using`', () => {
    const before = memory().tensors;
    {
      using t = ones([4]);
      expect(t.size).toBe(4);
    }
    expect(memory().tensors).toBe(before);
  });
});

describe('reading values', () => {
  it('reads asynchronously and synchronously on the CPU', async () => {
    const t = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4]);
    expect(await t.array()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await t.sum().item()).toBe(10);
    expect(() => t.itemSync()).toThrow(/one element/);
    expect(t.describe()).toBe('Tensor(shape=[2, 2], dtype=float32, device=cpu)');
    expect(t.toString()).toBe('Tensor([[1., 2.],\n        [3., 4.]], shape=[2, 2], dtype=float32, device=cpu)');
  });

  it('leaves no temporaries behind when reading a view', () => {
    const x = arange(6).reshape(2, 3);
    const v = scope(() => x.transpose());
    const before = memory();
    v.dataSync();
    expect(memory()).toEqual(before);
    expect(v).toBeInstanceOf(Tensor);
  });
});

describe('assign', () => {
  it('rebinds the values in place, leaving earlier views untouched', () => {
    const w = tensor([1, 2, 3], { dtype: 'float32' });
    const before = w.slice([[0, 2]]);
    w.assign(tensor([[4, 5, 6]]).reshape(3));
    expect(w.arraySync()).toEqual([4, 5, 6]);
    expect(w.dtype).toBe('float32');
    expect(before.arraySync()).toEqual([1, 2]);
    w.assign(
      tensor([[7], [8], [9]], { dtype: 'float32' })
        .transpose()
        .reshape(3),
    );
    expect(w.arraySync()).toEqual([7, 8, 9]);
    expect(() => w.assign(tensor([1, 2]))).toThrow(/cannot assign/);
    expect(() => before.assign(tensor([1, 2]))).toThrow(/owns its data/);
  });
});
