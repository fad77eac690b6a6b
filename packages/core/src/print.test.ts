import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type Backend, backends, cpuBackend, memory, registerBackend } from './index';
import * as g from './ops/index';

describe('printing a tensor', () => {
  it('shows values like PyTorch, then shape, dtype and device', () => {
    expect(
      String(
        g.tensor(
          [
            [0.1, -1.25],
            [3, 4],
          ],
          { dtype: 'float32' },
        ),
      ),
    ).toBe('Tensor([[ 0.1000, -1.2500],\n' + '        [ 3.0000,  4.0000]], shape=[2, 2], dtype=float32, device=cpu)');
    expect(String(g.tensor([1, -20, 3]))).toBe('Tensor([  1, -20,   3], shape=[3], dtype=int32, device=cpu)');
    expect(`${g.tensor(3.5)}`).toBe('Tensor(3.5000, shape=[], dtype=float32, device=cpu)');
    expect(String(g.tensor([true, false]))).toBe('Tensor([ true, false], shape=[2], dtype=bool, device=cpu)');
    expect(String(g.zeros([0, 3]))).toBe('Tensor([], shape=[0, 3], dtype=float32, device=cpu)');
    expect(String(g.tensor([1, 2], { dtype: 'float64' }).requiresGrad_())).toBe('Tensor([1., 2.], shape=[2], dtype=float64, device=cpu, requiresGrad=true)');
  });

  it('uses whole-number, fixed and scientific float formats as PyTorch does', () => {
    expect(String(g.tensor([1e-6, 1, 1000]))).toContain('[1.0000e-06, 1.0000e+00, 1.0000e+03]');
    expect(String(g.tensor([2e9, 1], { dtype: 'float64' }))).toContain('[2.0000e+09, 1.0000e+00]');
    expect(String(g.tensor([NaN, Infinity, -Infinity, 1.5]))).toContain('[   nan,    inf,   -inf, 1.5000]');
    expect(String(g.tensor([-0, 2], { dtype: 'float32' }))).toContain('[-0.,  2.]');
  });

  it('lays out rank 3 with a blank line between blocks', () => {
    expect(String(g.arange(8).reshape([2, 2, 2]))).toBe(
      'Tensor([[[0, 1],\n' + '         [2, 3]],\n\n' + '        [[4, 5],\n' + '         [6, 7]]], shape=[2, 2, 2], dtype=int32, device=cpu)',
    );
  });

  it('wraps long rows at 80 columns', () => {
    const text = String(g.arange(30));
    expect(text.split('\n').every((line) => line.length <= 80 || line.includes('shape='))).toBe(true);
    expect(text).toMatch(/^Tensor\(\[ 0, {2}1, {2}2,/);
    expect(text.split('\n')[1]).toMatch(/^ {8}\d/);
  });

  it('summarises tensors above 1000 elements, reading only the entries it shows', () => {
    const cpu = cpuBackend();
    const reads: number[] = [];
    registerBackend({ ...cpu, name: 'counting-reads', readSync: (b, d, n) => (reads.push(n), cpu.readSync!(b, d, n)) });
    try {
      const big = g.arange(100_000, undefined, undefined, { device: 'counting-reads' }).reshape([100, 1000]);
      const text = String(big);
      expect(text).toBe(
        'Tensor([[    0,     1,     2, ...,   997,   998,   999],\n' +
          '        [ 1000,  1001,  1002, ...,  1997,  1998,  1999],\n' +
          '        [ 2000,  2001,  2002, ...,  2997,  2998,  2999],\n' +
          '        ...,\n' +
          '        [97000, 97001, 97002, ..., 97997, 97998, 97999],\n' +
          '        [98000, 98001, 98002, ..., 98997, 98998, 98999],\n' +
          '        [99000, 99001, 99002, ..., 99997, 99998, 99999]], shape=[100, 1000], dtype=int32, device=counting-reads)',
      );
      expect(Math.max(...reads)).toBeLessThanOrEqual(36);
    } finally {
      backends.unregister('counting-reads');
    }
  });

  it('prints through console.log (util.inspect) the same way, inside arrays too', () => {
    const t = g.tensor([1, 2]);
    expect(inspect(t)).toBe(String(t));
    expect(inspect([t])).toBe(`[ ${String(t)} ]`);
  });

  it('says how to read values on a device without synchronous reads, and marks disposed tensors', () => {
    const { readSync: _, ...cpu } = cpuBackend();
    registerBackend({ ...cpu, name: 'async-only' } as Backend);
    try {
      expect(String(g.ones([2, 3], { device: 'async-only' }))).toBe(
        'Tensor(shape=[2, 3], dtype=float32, device=async-only; read values with `await t.data()`)',
      );
    } finally {
      backends.unregister('async-only');
    }
    const t = g.tensor([1]);
    t.dispose();
    expect(String(t)).toBe('Tensor(shape=[1], dtype=int32, disposed)');
  });

  it('leaves no tensors behind and records nothing in the autograd graph', () => {
    const x = g.randn([40, 40]).requiresGrad_();
    const y = x.mul(2);
    const before = memory().tensors;
    String(y);
    expect(memory().tensors).toBe(before);
    expect(y.isLeaf).toBe(false);
  });
});
