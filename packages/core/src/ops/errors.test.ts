/**
 * Errors name the function the user called, not the primitive or kernel that found the problem
 * (`add`, not `binary`; `embedding`, not `indexSelect` or `gather`), and say what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as g from '../index';

// a second CPU-backed device, so tensors can sit on two devices without a GPU
beforeAll(() => g.registerBackend(g.cpuBackend({ name: 'other', kernels: 'scalar' })));
afterAll(() => g.backends.unregister('other'));

const f32 = (v: number[][] | number[]) => g.tensor(v, { dtype: 'float32' });
const other = (t: g.Tensor) => t.to('other');
const thrown = (fn: () => unknown): g.GraftError => {
  try {
    fn();
  } catch (e) {
    return e as g.GraftError;
  }
  throw new Error('expected an error');
};

describe('errors name the public op', () => {
  it('a device mismatch in an elementwise op, a reduction input or a composite', () => {
    const [a, b] = [f32([1, 2]), other(f32([3, 4]))];
    expect(thrown(() => g.add(a, b)).message).toMatch(/^add\(\) got tensors on different devices \(cpu, other\); move them to one device with \.to\(device\)/);
    expect(thrown(() => g.maximum(a, b)).message).toMatch(/^maximum\(\)/);
    const x = f32([
      [1, 2],
      [3, 4],
    ]);
    expect(thrown(() => g.layerNorm(x, [2], other(f32([1, 1])), f32([0, 0]))).message).toMatch(/^layerNorm\(\) got tensors/);
    expect(thrown(() => g.crossEntropy(x, other(g.tensor([0, 1])))).message).toMatch(/^crossEntropy\(\) got tensors/);
    expect(thrown(() => g.scaledDotProductAttention(x, x, other(x))).message).toMatch(/^scaledDotProductAttention\(\) got tensors/);
    expect(thrown(() => g.embedding(other(x), g.tensor([0]))).message).toMatch(/^embedding\(\) got tensors/);
    expect(thrown(() => g.matmul(x, other(x)))).toBeInstanceOf(g.DeviceMismatchError);
  });

  it('integer ids and targets: the op, the dtype, and the cast that fixes it', () => {
    const logits = f32([
      [1, 2, 3],
      [3, 2, 1],
    ]);
    expect(thrown(() => g.crossEntropy(logits, f32([0, 2]))).message).toBe(
      "crossEntropy: targets of shape [2] are class ids, which must be int32, got float32: cast them with .cast('int32') (float targets are class probabilities, of the logits' shape [2, 3])",
    );
    expect(thrown(() => g.crossEntropy(logits, g.tensor([true, false]))).message).toMatch(
      /^crossEntropy: class targets must be int32, got bool: cast them with \.cast\('int32'\)$/,
    );
    expect(thrown(() => g.embedding(logits, f32([0, 1]))).message).toBe("embedding: ids must be int32, got float32: cast them with .cast('int32')");
    expect(thrown(() => g.nllLoss(logits, f32([0, 1]))).message).toMatch(/^nllLoss: class targets must be int32/);
    expect(thrown(() => g.indexSelect(logits, 0, f32([0]))).message).toMatch(/^indexSelect: indices must be int32, got float32: cast them/);
    expect(thrown(() => g.crossEntropy(logits, f32([0, 2])))).toBeInstanceOf(g.DTypeError);
  });

  it('broadcasting names the op whose operands do not fit', () => {
    expect(thrown(() => g.mul(g.zeros([2, 3]), g.zeros([4]))).message).toBe('mul(): shapes [2, 3] and [4] cannot be broadcast together (dim -1: 3 vs 4)');
    expect(thrown(() => g.where(g.zeros([2], { dtype: 'bool' }), g.zeros([3]), 0)).message).toMatch(/^where\(\): shapes/);
  });

  it('a dtype the backend cannot hold names the op and the dtypes it can', () => {
    expect(thrown(() => g.cast(f32([1]), 'float16')).message).toBe(
      "cast(): backend 'cpu' cannot hold float16 (it holds float32, float64, int32): cast to one of those with .cast(dtype)",
    );
  });

  it('a graph freed by backward names the op the user called', () => {
    const x = f32([2]).requiresGrad_();
    const y = g.sum(g.reciprocal(x));
    y.backward();
    // the node recorded the unary op 'recip'; the message says what the user called
    expect(thrown(() => y.backward()).message).toMatch(/^tried to run backward through 'reciprocal' a second time/);
  });
});

// the rules that every backend keeps are in the conformance suite (test-utils/core/conformance/dtype-cases.ts)
describe('dtype rules that PyTorch enforces too', () => {
  const ints = () => g.tensor([1, 2, 3, 4], { dtype: 'int32' });

  it('a bool tensor cannot be negated; logicalNot inverts a mask', () => {
    const e = thrown(() => g.neg(g.tensor([true, false])));
    expect(e).toBeInstanceOf(g.DTypeError);
    expect(e.message).toBe('neg(): a bool tensor cannot be negated (as in PyTorch); to invert a mask, use logicalNot(mask)');
  });

  it('integers to negative integer powers throw; other powers keep or promote the dtype', () => {
    const e = thrown(() => ints().pow(-1));
    expect(e).toBeInstanceOf(g.DTypeError);
    expect(e.message).toMatch(/^pow\(\): integers to negative integer powers are not allowed \(int32 base, exponent -1\)/);
    expect(Array.from(ints().pow(2).dataSync())).toEqual([1, 4, 9, 16]);
    expect(ints().pow(-0.5).dtype).toBe('float32');
    expect(Array.from(ints().cast('float32').pow(-1).dataSync())).toEqual([1, 0.5, 1 / 3, 0.25].map(Math.fround));
  });

  it('an integer attention mask is refused with both conventions explained; bool and float masks work', () => {
    const q = f32([
      [1, 0],
      [0, 1],
    ]);
    const e = thrown(() => g.scaledDotProductAttention(q, q, q, { mask: g.tensor([[1, 0]], { dtype: 'int32' }) }));
    expect(e).toBeInstanceOf(g.DTypeError);
    expect(e.message).toMatch(/^scaledDotProductAttention\(\): the mask is int32 \[1, 2\]; it must be bool .* or float /);
    expect(e.message).toContain(".cast('float32') (where(m, 0, -1e9) of whole numbers is int32)");
    expect(e.message).toContain(".cast('bool')");
    const keep = g.tensor([[true, false]]);
    const viaBool = g.scaledDotProductAttention(q, q, q, { mask: keep }).dataSync();
    const viaFloat = g.scaledDotProductAttention(q, q, q, { mask: g.where(keep, 0, -Infinity) }).dataSync();
    expect(Array.from(viaBool)).toEqual([1, 0, 1, 0]);
    expect(Array.from(viaFloat)).toEqual([1, 0, 1, 0]);
  });

  it('mseLoss promotes its operands together, as PyTorch: int32 input and float32 target work', () => {
    expect(g.mseLoss(ints(), f32([1, 2, 3, 6])).itemSync()).toBe(1);
    expect(thrown(() => g.mseLoss(ints(), ints()))).toBeInstanceOf(g.DTypeError);
  });
});
