import { describe, expect, it } from 'vitest';
import { expectClose, flat } from '../../../../test-utils/close';
import {
  arange,
  argmax,
  argmin,
  cast,
  chunk,
  clamp,
  concat,
  DeviceMismatchError,
  eq,
  expand,
  gather,
  indexSelect,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  min,
  oneHot,
  pad,
  prod,
  scatterAdd,
  ShapeError,
  split,
  stack,
  std,
  sum,
  tensor,
  tril,
  triu,
  variance,
  where,
  zeros,
  ArgumentError,
  DTypeError,
  mod,
  round,
  sign,
  erf,
} from '../index';

const f32 = (x: Parameters<typeof tensor>[0]) => tensor(x, { dtype: 'float32' });

describe('elementwise', () => {
  it('broadcasts binary ops NumPy-style', () => {
    const a = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = f32([10, 20, 30]);
    expect(a.add(b).arraySync()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(a.mul(f32([[2], [3]])).arraySync()).toEqual([
      [2, 4, 6],
      [12, 15, 18],
    ]);
    expect(a.sub(1).arraySync()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(() => a.add(f32([1, 2]))).toThrow(ShapeError);
  });

  it('promotes dtypes like PyTorch', () => {
    const i = tensor([1, 2, 3]);
    expect(i.add(1).dtype).toBe('int32');
    expect(i.mul(0.5).dtype).toBe('float32');
    expect(i.div(2).dtype).toBe('float32');
    expect(i.div(2).arraySync()).toEqual([0.5, 1, 1.5]);
    expect(i.add(tensor([1], { dtype: 'float64' })).dtype).toBe('float64');
    expect(i.gt(1).dtype).toBe('bool');
  });

  it('computes unary math', () => {
    const x = f32([-2, -0.5, 0, 0.5, 2]);
    expectClose(x.exp().dataSync(), [-2, -0.5, 0, 0.5, 2].map(Math.exp));
    expectClose(x.tanh().dataSync(), [-2, -0.5, 0, 0.5, 2].map(Math.tanh));
    expectClose(
      x.sigmoid().dataSync(),
      [-2, -0.5, 0, 0.5, 2].map((v) => 1 / (1 + Math.exp(-v))),
    );
    expect(x.relu().arraySync()).toEqual([0, 0, 0, 0.5, 2]);
    expect(x.abs().arraySync()).toEqual([2, 0.5, 0, 0.5, 2]);
    expect(sign(x).arraySync()).toEqual([-1, -1, 0, 1, 1]);
    expectClose(f32([4, 9]).rsqrt().dataSync(), [0.5, 1 / 3]);
    expect(round(f32([0.5, 1.5, 2.5, -0.5])).arraySync()).toEqual([0, 2, 2, -0]);
    expect(mod(f32([5, -5, 5]), f32([3, 3, -3])).arraySync()).toEqual([2, 1, -1]);
  });

  it('computes erf to float64 precision', () => {
    // reference values of erf (Abramowitz & Stegun, to 16 digits)
    const xs = [0.1, 0.5, 1, 1.5, 2, 2.5, 3.5, -1];
    const ref = [
      0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9661051464753108, 0.9953222650189527, 0.999593047982555, 0.9999992569016276,
      -0.8427007929497149,
    ];
    expectClose(erf(tensor(xs, { dtype: 'float64' })).dataSync(), ref, { atol: 1e-15, rtol: 1e-14 });
  });

  it('compares, selects and clamps', () => {
    const x = f32([1, 5, 3]);
    expect(x.eq(5).arraySync()).toEqual([false, true, false]);
    expect(x.ge(3).arraySync()).toEqual([false, true, true]);
    expect(where(x.gt(2), x, f32([0])).arraySync()).toEqual([0, 5, 3]);
    expect(where(x.gt(2), 1, 0).arraySync()).toEqual([0, 1, 1]);
    expect(clamp(x, 2, 4).arraySync()).toEqual([2, 4, 3]);
    expect(() => clamp(x, 4, 2)).toThrow(ArgumentError);
    expect(x.maskedFill(x.lt(2), -1).arraySync()).toEqual([-1, 5, 3]);
    expect(maximum(x, 3).arraySync()).toEqual([3, 5, 3]);
    expect(x.gt(2).logicalAnd(x.lt(4)).arraySync()).toEqual([false, false, true]);
    expect(x.gt(2).logicalNot().arraySync()).toEqual([true, false, false]);
  });

  it('casts with truncation toward zero', () => {
    expect(cast(f32([-1.7, 2.9, 0]), 'int32').arraySync()).toEqual([-1, 2, 0]);
    expect(cast(f32([-1.7, 0]), 'bool').arraySync()).toEqual([true, false]);
    expect(cast(tensor([true, false]), 'float32').arraySync()).toEqual([1, 0]);
  });
});

describe('reductions', () => {
  const x = f32([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  it('reduces over any axes with keepDims', () => {
    expect(sum(x).itemSync()).toBe(21);
    expect(sum(x, 0).arraySync()).toEqual([5, 7, 9]);
    expect(sum(x, 1, true).arraySync()).toEqual([[6], [15]]);
    expect(sum(x, [0, 1]).itemSync()).toBe(21);
    expect(sum(x, -1).arraySync()).toEqual([6, 15]);
    expect(mean(x, 0).arraySync()).toEqual([2.5, 3.5, 4.5]);
    expect(max(x, 1).arraySync()).toEqual([3, 6]);
    expect(min(x).itemSync()).toBe(1);
    expect(prod(x, 1).arraySync()).toEqual([6, 120]);
    expect(sum(x.transpose(), 1).arraySync()).toEqual([5, 7, 9]);
    expect(sum(tensor([true, true, false])).itemSync()).toBe(2);
    expect(() => sum(x, 2)).toThrow(/out of range/);
  });

  it('computes variance, std and logsumexp', () => {
    expectClose(variance(x, 1).dataSync(), [1, 1]);
    expectClose(variance(x, 1, { correction: 0 }).dataSync(), [2 / 3, 2 / 3]);
    expectClose(std(x).dataSync(), [Math.sqrt(3.5)]);
    expectClose(logsumexp(x, 1).dataSync(), [Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), Math.log(Math.exp(4) + Math.exp(5) + Math.exp(6))]);
    expectClose(logsumexp(f32([1000, 1000])).dataSync(), [1000 + Math.log(2)]);
    expect(logsumexp(f32([-Infinity, -Infinity])).itemSync()).toBe(-Infinity);
  });

  it('finds the first arg extremum', () => {
    const y = f32([
      [1, 7, 7],
      [9, 0, 0],
    ]);
    expect(argmax(y, 1).arraySync()).toEqual([1, 0]);
    expect(argmin(y, 1).arraySync()).toEqual([0, 1]);
    expect(argmax(y).itemSync()).toBe(3);
    expect(argmax(y, 0, true).shape).toEqual([1, 3]);
  });
});

describe('matmul', () => {
  it('multiplies matrices, vectors and broadcast batches', () => {
    const a = f32([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const b = f32([
      [1, 0, 2],
      [0, 1, 3],
    ]);
    expect(matmul(a, b).arraySync()).toEqual([
      [1, 2, 8],
      [3, 4, 18],
      [5, 6, 28],
    ]);
    expect(matmul(a, f32([1, 1])).arraySync()).toEqual([3, 7, 11]);
    expect(matmul(f32([1, 1, 1]), a).arraySync()).toEqual([9, 12]);
    expect(matmul(f32([1, 2]), f32([3, 4])).shape).toEqual([]);
    const batch = arange(2 * 3 * 2, undefined, 1, { dtype: 'float32' }).reshape(2, 3, 2);
    const out = matmul(batch, b);
    expect(out.shape).toEqual([2, 3, 3]);
    expect(out.slice([1]).arraySync()).toEqual(matmul(batch.slice([1]), b).arraySync());
    expect(() => matmul(a, a)).toThrow(/do not align/);
  });

  it('reads transposed operands through their strides', () => {
    const a = arange(12, undefined, 1, { dtype: 'float32' }).reshape(3, 4);
    const b = arange(20, undefined, 1, { dtype: 'float32' }).reshape(5, 4);
    const viaView = matmul(a, b.transpose()).dataSync();
    const viaCopy = matmul(a, b.transpose().contiguous()).dataSync();
    expect(Array.from(viaView)).toEqual(Array.from(viaCopy));
    const expected: number[] = [];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 5; j++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += (i * 4 + k) * (j * 4 + k);
        expected.push(s);
      }
    expect(Array.from(viaView)).toEqual(expected);
  });
});

describe('movement', () => {
  it('reshapes, permutes, squeezes and expands', () => {
    const x = arange(6).reshape(2, 3);
    expect(x.reshape(-1).shape).toEqual([6]);
    expect(x.reshape([3, -1]).shape).toEqual([3, 2]);
    expect(() => x.reshape(4, 2)).toThrow(/cannot reshape/);
    expect(x.permute(1, 0).arraySync()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(x.unsqueeze(0).squeeze().shape).toEqual([2, 3]);
    expect(() => x.squeeze(0)).toThrow(/is not 1/);
    expect(expand(tensor([[1], [2]]), [2, 3]).arraySync()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(() => expand(tensor([1, 2]), [3])).toThrow(ShapeError);
    expect(x.transpose().reshape(6).arraySync()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(x.flatten().shape).toEqual([6]);
    expect(() => x.transpose().view(6)).toThrow(/contiguous/);
  });

  it('concatenates, stacks, splits and pads', () => {
    const a = tensor([[1, 2]]);
    const b = tensor([
      [3, 4],
      [5, 6],
    ]);
    expect(concat([a, b]).arraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(concat([b, b], 1).arraySync()).toEqual([
      [3, 4, 3, 4],
      [5, 6, 5, 6],
    ]);
    expect(() => concat([a, tensor([[1, 2, 3]])])).toThrow(ShapeError);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).arraySync()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(split(arange(5), 2).map((t) => t.arraySync())).toEqual([[0, 1], [2, 3], [4]]);
    expect(split(arange(5), [1, 4]).map((t) => t.shape[0])).toEqual([1, 4]);
    expect(chunk(arange(6), 3).map((t) => t.arraySync())).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(
      pad(
        tensor([[1, 2]]),
        [
          [1, 0],
          [0, 2],
        ],
        9,
      ).arraySync(),
    ).toEqual([
      [9, 9, 9, 9],
      [1, 2, 9, 9],
    ]);
    expect(() => pad(tensor([1]), [[-1, 0]])).toThrow(/non-negative/);
  });
});

describe('indexing', () => {
  it('gathers and scatters along an axis like torch', () => {
    const x = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const idx = tensor([
      [2, 0],
      [1, 1],
    ]);
    expect(gather(x, 1, idx).arraySync()).toEqual([
      [3, 1],
      [5, 5],
    ]);
    expect(indexSelect(x, 0, tensor([1, 1, 0])).arraySync()).toEqual([
      [4, 5, 6],
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expect(indexSelect(x, 1, tensor([2])).arraySync()).toEqual([[3], [6]]);
    const s = scatterAdd(
      zeros([2, 3]),
      1,
      idx,
      f32([
        [10, 20],
        [30, 40],
      ]),
    );
    expect(s.arraySync()).toEqual([
      [20, 0, 10],
      [0, 70, 0],
    ]);
    expect(() =>
      gather(
        x,
        1,
        tensor([
          [3, 0],
          [0, 0],
        ]),
      ),
    ).toThrow(/out of range/);
    expect(() => gather(x, 1, f32([[0]]))).toThrow(DTypeError);
  });

  it('makes triangles and one-hot rows', () => {
    const m = f32([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(tril(m).arraySync()).toEqual([
      [1, 0, 0],
      [4, 5, 0],
      [7, 8, 9],
    ]);
    expect(triu(m, 1).arraySync()).toEqual([
      [0, 2, 3],
      [0, 0, 6],
      [0, 0, 0],
    ]);
    expect(oneHot(tensor([0, 2]), 3).arraySync()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(eq(oneHot(tensor([1]), 2, { dtype: 'float32' }), f32([[0, 1]])).arraySync()).toEqual([[true, true]]);
  });
});

describe('devices', () => {
  it('names both devices when ops mix them', () => {
    const err = new DeviceMismatchError('add', ['cpu', 'webgpu']);
    expect(err.message).toMatch(/cpu, webgpu/);
    expect(err.code).toBe('device_mismatch');
  });
});

it('flat helper flattens', () => expect(flat([[1], [2, [3]]])).toEqual([1, 2, 3]));
