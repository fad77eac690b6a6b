import { Generator, randn, tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { LayerConfigError } from '../errors';
import { gradcheckModule } from '../module/gradcheck-module';
import { BatchNorm1d, BatchNorm2d } from './batch-norm';

const gen = new Generator(4);

describe('BatchNorm', () => {
  it('normalises with batch statistics in training and updates running stats (unbiased var, momentum)', () => {
    const bn = new BatchNorm1d(2, { momentum: 0.5 });
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    const x = tensor(
      [
        [1, 10],
        [3, 20],
        [5, 30],
      ],
      { dtype: 'float32' },
    );
    const y = bn.call(x).arraySync() as number[][];
    // channel 0: mean 3, biased var 8/3
    expect(y[0][0]).toBeCloseTo(-2 / Math.sqrt(8 / 3 + 1e-5), 5);
    expect(y[1][1]).toBeCloseTo(0, 6);
    expect([...bn.running_mean!.dataSync()]).toEqual([1.5, 10]);
    // unbiased var of channel 0 is 4: 0.5·1 + 0.5·4
    expect(bn.running_var!.dataSync()[0]).toBeCloseTo(2.5, 6);
    expect(bn.num_batches_tracked!.itemSync()).toBe(1);
    bn.eval();
    const e = bn.call(tensor([[1.5, 10]], { dtype: 'float32' })).arraySync() as number[][];
    expect(e[0][0]).toBeCloseTo(0, 6);
    expect(bn.num_batches_tracked!.itemSync()).toBe(1);
  });

  it('uses a cumulative average when momentum is null, and batch stats without running stats', () => {
    const bn = new BatchNorm1d(1, { momentum: null });
    bn.call(tensor([[0], [2]], { dtype: 'float32' }));
    bn.call(tensor([[4], [6]], { dtype: 'float32' }));
    expect(bn.running_mean!.itemSync()).toBeCloseTo(3, 6);
    const plain = new BatchNorm1d(1, { trackRunningStats: false, affine: false });
    expect(Object.keys(plain.stateDict())).toEqual([]);
    plain.eval();
    expect(plain.call(tensor([[0], [2]], { dtype: 'float32' })).dataSync()[0]).toBeCloseTo(-1, 4);
  });

  it('BatchNorm2d normalises per channel over N, H, W and rejects wrong shapes', () => {
    const bn = new BatchNorm2d(3);
    const y = bn.call(randn([4, 3, 2, 2], { generator: gen }));
    const per = y.mean([0, 2, 3]).dataSync();
    per.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    expect(() => bn.call(randn([4, 3, 2]))).toThrow(LayerConfigError);
  });

  it('gradcheck in train mode (batch statistics) and eval mode', () => {
    const bn1 = new BatchNorm1d(3, { dtype: 'float64', generator: gen });
    const x = randn([5, 3, 2], { dtype: 'float64', generator: gen }).requiresGrad_();
    expect(gradcheckModule(bn1, [x], (x) => bn1.call(x))).toBe(true);
    const bn2 = new BatchNorm2d(2, { dtype: 'float64' });
    const x2 = randn([3, 2, 2, 2], { dtype: 'float64', generator: gen }).requiresGrad_();
    expect(gradcheckModule(bn2, [x2], (x) => bn2.call(x))).toBe(true);
    bn2.eval();
    expect(gradcheckModule(bn2, [x2], (x) => bn2.call(x))).toBe(true);
  });
});
