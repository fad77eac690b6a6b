/**
 * Fused kernels against their composites: every fused kernel of the CPU backend must agree with
 * the composite it replaces, forward and (through the recompute rule) backward.
 */
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../../test-utils/close';
import * as g from '../index';

const gen = new g.Generator(11);
const x32 = (shape: number[]) => g.randn(shape, { generator: gen });

describe('fused CPU kernels match their composites', () => {
  it.each([0, 1, -1])('softmax and logSoftmax over axis %i of a strided view', (axis) => {
    const x = x32([4, 6]).transpose().mul(3);
    expectClose(g.softmax(x, axis).dataSync(), g.softmaxComposite(x, axis).dataSync(), { atol: 1e-6 });
    expectClose(g.logSoftmax(x, axis).dataSync(), g.logSoftmaxComposite(x, axis).dataSync(), { atol: 1e-5 });
  });

  it.each(['none', 'tanh'] as const)('gelu (%s)', (approximate) => {
    const x = x32([5, 7]).mul(3);
    expectClose(g.gelu(x, approximate).dataSync(), g.geluComposite(x, approximate).dataSync(), { atol: 1e-6 });
  });

  it('layerNorm over one and two trailing dims', () => {
    const x = x32([3, 4, 5]);
    const [w, b] = [x32([5]), x32([5])];
    expectClose(g.layerNorm(x, [5], w, b).dataSync(), g.layerNormComposite(x, [5], w, b).dataSync(), { atol: 1e-5 });
    const [w2, b2] = [x32([4, 5]), x32([4, 5])];
    expectClose(g.layerNorm(x, [4, 5], w2, b2, 1e-6).dataSync(), g.layerNormComposite(x, [4, 5], w2, b2, 1e-6).dataSync(), { atol: 1e-5 });
    expect(() => g.layerNorm(x, [5], x32([4]), b)).toThrow(/weight of shape \[4\]/);
  });

  it('adamwUpdate', () => {
    const [p, gr, m] = [x32([10]), x32([10]), x32([10])];
    const v = x32([10]).abs();
    const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 3 };
    const fusedOut = g.adamwUpdate(p, gr, m, v, h);
    const ref = g.adamwUpdateComposite(p, gr, m, v, h);
    for (const k of ['param', 'expAvg', 'expAvgSq'] as const) expectClose(fusedOut[k].dataSync(), ref[k].dataSync(), { atol: 1e-6 });
  });

  it('gradients through fused kernels equal those of the composites', () => {
    const run = (useFused: boolean) => {
      const x = g
        .tensor(
          [
            [0.3, -1.2, 2.0],
            [0.5, 0.1, -0.7],
          ],
          { dtype: 'float64' },
        )
        .requiresGrad_();
      const w = g.tensor([1.5, -0.5, 0.25], { dtype: 'float64' }).requiresGrad_();
      const b = g.tensor([0.1, 0.2, 0.3], { dtype: 'float64' }).requiresGrad_();
      const ln = useFused ? g.layerNorm(x, [3], w, b) : g.layerNormComposite(x, [3], w, b);
      const y = useFused ? g.softmax(g.gelu(ln), 0) : g.softmaxComposite(g.geluComposite(ln), 0);
      g.sum(
        g.mul(
          y,
          g.tensor(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            { dtype: 'float64' },
          ),
        ),
      ).backward();
      return [x, w, b].map((t) => Array.from(t.grad!.dataSync()));
    };
    const [a, b] = [run(true), run(false)];
    a.forEach((grad, i) => expectClose(grad, b[i], { atol: 1e-12, rtol: 1e-10 }));
  });

  it('a backend without fused kernels falls back to the composite', () => {
    const plain = { ...g.cpuBackend(), name: 'plain', kernels: { ...g.cpuKernels } };
    g.registerBackend(plain);
    try {
      const x = g.tensor([[1, 2, 3]], { dtype: 'float32', device: 'plain' });
      expectClose(g.softmax(x).dataSync(), g.softmax(g.tensor([[1, 2, 3]], { dtype: 'float32' })).dataSync());
    } finally {
      g.backends.unregister('plain');
    }
  });
});

describe('the composite table', () => {
  it('has the reference of every fused forward kernel the CPU backend has, and each matches it', () => {
    const forward = Object.keys(g.cpuFusedKernels).filter((op) => !op.endsWith('Backward'));
    expect(Object.keys(g.composites).sort()).toEqual(forward.sort());
    const x = x32([3, 5]);
    expectClose(g.compositeOf('softmax')([x], { axis: 1 }).dataSync(), g.softmax(x, 1).dataSync(), { atol: 1e-6 });
    const [w, b] = [x32([5]), x32([5])];
    expectClose(g.compositeOf('layerNorm')([x, w, b], { dims: 1, eps: 1e-5 }).dataSync(), g.layerNorm(x, [5], w, b).dataSync(), { atol: 1e-5 });
  });

  it('is frozen: nothing registers into it at runtime', () => {
    expect(Object.isFrozen(g.composites)).toBe(true);
  });
});

describe('fused attention', () => {
  it.each([
    ['no mask', false, false],
    ['additive mask', true, false],
    ['causal', false, true],
  ])('matches the composite (%s)', (_n, withMask, causal) => {
    const q = x32([2, 2, 3, 4]);
    const k = x32([2, 1, 5, 4]);
    const v = x32([2, 1, 5, 6]);
    const mask = withMask ? g.where(g.rand([2, 1, 1, 5], { generator: gen }).gt(0.3), 0, -1e9).cast('float32') : null;
    const scale = 0.5;
    const fusedOut = g.scaledDotProductAttention(q, k, v, { mask, causal, scale });
    expect(fusedOut.shape).toEqual([2, 2, 3, 6]);
    expectClose(fusedOut.dataSync(), g.attentionComposite(q, k, v, { mask, causal, scale }).dataSync(), { atol: 1e-5 });
  });
});
