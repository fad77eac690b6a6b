/**
 * Fused backward kernels (GELU, layerNorm, attention) against the reference they replace: differentiating
 * the composite on the saved inputs. A backend without the backward kernels takes that path, so
 * the same gradients computed on both backends must agree, in float64 (TypeScript kernels) and
 * float32 (the WASM kernels when they are on).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../../../test-utils/close';
import * as g from '../index';

const gen = new g.Generator(5);

beforeAll(() => {
  const { geluBackward: _gb, layerNormBackward: _lb, attentionBackward: _ab, ...rest } = g.getBackend('cpu').kernels;
  g.registerBackend({ ...g.cpuBackend(), name: 'recompute', kernels: rest });
});
afterAll(() => g.backends.unregister('recompute'));

/** Gradients of `loss(fn(inputs))` with respect to every input, on `device`. */
function grads(device: string, inputs: g.Tensor[], fn: (...xs: g.Tensor[]) => g.Tensor): number[][] {
  const leaves = inputs.map((t) => g.tensor(t.dataSync(), { shape: [...t.shape], dtype: t.dtype, device }).requiresGrad_());
  g.scope(() => {
    const y = fn(...leaves);
    const weights = g.tensor(g.randn(y.shape, { generator: new g.Generator(9), dtype: y.dtype }).dataSync(), { shape: [...y.shape], device });
    g.sum(g.mul(y, weights)).backward();
  });
  return leaves.map((t) => Array.from(t.grad!.dataSync()));
}

describe.each(['float64', 'float32'] as const)('fused backward kernels (%s) match the differentiated composite', (dtype) => {
  const tol = dtype === 'float64' ? { atol: 1e-12, rtol: 1e-10 } : { atol: 2e-5, rtol: 1e-4 };
  const rand = (shape: number[], scale = 1) => g.mul(g.randn(shape, { generator: gen, dtype }), scale);

  it.each(['none', 'tanh'] as const)('gelu (%s) on dense and strided inputs', (approximate) => {
    for (const x of [rand([7, 33], 3), rand([33, 7], 3).transpose(0, 1)]) {
      const f = (t: g.Tensor) => g.gelu(t, approximate);
      const [a, b] = [grads('cpu', [x.contiguous()], f), grads('recompute', [x.contiguous()], f)];
      expectClose(a[0], b[0], tol);
    }
  });

  it('layerNorm over one and two trailing dims, odd widths', () => {
    for (const [shape, norm] of [
      [[9, 37], [37]],
      [
        [2, 3, 5, 6],
        [5, 6],
      ],
      [[4, 3], [3]],
    ] as [number[], number[]][]) {
      const ins = [rand(shape, 2), rand(norm), rand(norm)];
      const f = (x: g.Tensor, w: g.Tensor, b: g.Tensor) => g.layerNorm(x, norm, w, b, 1e-5);
      const [a, b] = [grads('cpu', ins, f as (...xs: g.Tensor[]) => g.Tensor), grads('recompute', ins, f as (...xs: g.Tensor[]) => g.Tensor)];
      a.forEach((grad, i) => expectClose(grad, b[i], tol));
    }
  });

  it('attention: heads as strided views, causal, an additive mask, broadcast batch dims', () => {
    // [batch, seq, heads, dim] laid out as BERT's projections are, attended per head
    const heads = (t: g.Tensor) => g.permute(t, [0, 2, 1, 3]);
    const [q, k, v] = [rand([2, 7, 3, 8]), rand([2, 9, 3, 8]), rand([2, 9, 3, 5])];
    const maskData = g.where(g.lt(rand([2, 1, 7, 9]), -0.5), -1e4, 0).cast(dtype);
    const cases: ((...xs: g.Tensor[]) => g.Tensor)[] = [
      (a, b, c) => g.scaledDotProductAttention(heads(a), heads(b), heads(c)),
      (a, b, c) => g.scaledDotProductAttention(heads(a), heads(b), heads(c), { causal: true, scale: 0.3 }),
      (a, b, c) => {
        const mask = g.tensor(maskData.dataSync(), { shape: [...maskData.shape], dtype, device: a.device });
        return g.scaledDotProductAttention(heads(a), heads(b), heads(c), { mask });
      },
    ];
    for (const f of cases) {
      const [a, b] = [grads('cpu', [q, k, v], f), grads('recompute', [q, k, v], f)];
      a.forEach((grad, i) => expectClose(grad, b[i], tol));
    }
    // k and v shared by every batch element: their gradients sum over it
    const shared = (a: g.Tensor, b: g.Tensor, c: g.Tensor) => g.scaledDotProductAttention(a, b, c);
    const ins = [rand([2, 3, 7, 8]), rand([1, 3, 9, 8]), rand([1, 3, 9, 5])];
    const [a, b] = [grads('cpu', ins, shared), grads('recompute', ins, shared)];
    a.forEach((grad, i) => expectClose(grad, b[i], tol));
  });

  it('the rule only computes the gradients that are wanted', () => {
    const x = rand([4, 6]).requiresGrad_();
    const [w, b] = [rand([6]), rand([6])];
    g.scope(() => g.sum(g.layerNorm(x, [6], w, b)).backward());
    expect(x.grad!.shape).toEqual([4, 6]);
    expect(w.grad).toBe(null);
  });
});
