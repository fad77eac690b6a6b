/**
 * Creation ops: float16 values become binary16 bit patterns (its storage array holds bits, so
 * a plain fill or copy would store the number itself), and zeros need no host data.
 */
import { describe, expect, it } from 'vitest';
import { type Backend, backends, cpuBackend, LossyConversionError, registerBackend, ShapeError } from '../index';
import { decodeFloat16, encodeFloat16 } from '../io/half-float';
import type { Tensor } from '../tensor';
import * as g from './index';

/** The CPU backend with float16 storage (the CPU reference has none): shows the stored bits. */
function halfStorageBackend(name: string): Backend {
  const cpu = cpuBackend();
  return { ...cpu, name, dtypes: [...cpu.dtypes, 'float16'] };
}

const bits = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

describe('creation', () => {
  it('encodes float16 values to binary16 in full, tensor, arange, linspace and eye', () => {
    registerBackend(halfStorageBackend('half'));
    try {
      const dev = { device: 'half', dtype: 'float16' as const };
      expect(bits(g.full([], 0.5, dev))).toEqual([0x3800]);
      expect(bits(g.full([3], -2, dev))).toEqual([0xc000, 0xc000, 0xc000]);
      expect(bits(g.full([1], 1e6, dev))).toEqual([0x7c00]); // beyond the largest half: +Infinity
      expect(bits(g.ones([2], dev))).toEqual([0x3c00, 0x3c00]);
      expect(bits(g.zeros([2], dev))).toEqual([0, 0]);
      expect(bits(g.full([1], -0, dev))).toEqual([0x8000]);
      expect(bits(g.tensor([[1, 0.1]], dev))).toEqual([0x3c00, encodeFloat16(0.1)]);
      expect(bits(g.tensor(new Float32Array([3, -0.25]), dev))).toEqual([0x4200, 0xb400]);
      // a Uint16Array is float16 storage already: its bits are kept as they are
      expect(bits(g.tensor(new Uint16Array([0x3555]), dev))).toEqual([0x3555]);
      expect(bits(g.arange(0, 2, 0.5, dev)).map(decodeFloat16)).toEqual([0, 0.5, 1, 1.5]);
      expect(bits(g.linspace(0, 1, 3, dev)).map(decodeFloat16)).toEqual([0, 0.5, 1]);
      expect(bits(g.eye(2, 2, dev))).toEqual([0x3c00, 0, 0, 0x3c00]);
    } finally {
      backends.unregister('half');
    }
  });

  it('decodes float16 bit patterns when converting a Uint16Array to another dtype', () => {
    expect(Array.from(g.tensor(new Uint16Array([0x3c00, 0xc000, 0]), { dtype: 'float32' }).dataSync())).toEqual([1, -2, 0]);
    expect(Array.from(g.tensor(new Uint16Array([0x3800, 0]), { dtype: 'bool' }).dataSync())).toEqual([1, 0]);
  });

  it('creates zeros without host data or an upload (backends allocate zero-filled buffers)', () => {
    const cpu = cpuBackend();
    let writes = 0;
    registerBackend({ ...cpu, name: 'counting', write: (b, d, x) => (writes++, cpu.write(b, d, x)) });
    try {
      const z = g.zeros([4, 3], { device: 'counting' });
      expect(Array.from(z.dataSync())).toEqual(new Array(12).fill(0));
      expect(Array.from(g.zerosLike(z).dataSync())).toEqual(new Array(12).fill(0));
      expect(writes).toBe(0);
      expect(Array.from(g.full([2], -0, { device: 'counting' }).dataSync()).map((v) => Object.is(v, -0))).toEqual([true, true]);
      expect(writes).toBe(1);
    } finally {
      backends.unregister('counting');
    }
  });
});

describe('shapes entering a tensor', () => {
  const bad: [string, number[], RegExp][] = [
    ['a negative dim', [2, -2], /dimension 1 is -2/],
    ['a fractional dim', [1.5], /dimension 0 is 1.5/],
    ['NaN', [3, NaN], /dimension 1 is NaN/],
    ['Infinity', [Infinity], /dimension 0 is Infinity/],
    ['too many elements to address', [2 ** 30, 2 ** 30, 2 ** 30], /more than any device can hold/],
  ];
  const creators: [string, (shape: number[]) => unknown][] = [
    ['zeros', (s) => g.zeros(s)],
    ['ones', (s) => g.ones(s, { dtype: 'int32' })],
    ['full', (s) => g.full(s, 7)],
    ['tensor with shape', (s) => g.tensor(new Float32Array(0), { shape: s })],
    ['rand', (s) => g.rand(s)],
    ['randn', (s) => g.randn(s)],
    ['randint', (s) => g.randint(0, 3, s)],
    ['bernoulli', (s) => g.bernoulli(s, 0.5)],
    ['reshape', (s) => g.reshape(g.zeros([4]), s)],
    ['view', (s) => g.view(g.zeros([4]), s)],
    ['expand', (s) => g.expand(g.zeros([1]), s)],
  ];
  it.each(creators)('%s refuses bad dims with a ShapeError naming the dim', (_, create) => {
    for (const [what, shape, message] of bad) {
      let err: unknown;
      try {
        create(shape);
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(ShapeError);
      // reshape counts elements first for overflowing shapes; every other message names the dim
      if (!(err as Error).message.includes('cannot reshape')) expect((err as Error).message, what).toMatch(message);
    }
  });

  it('refuses -1 where nothing is inferred', () => {
    for (const create of [() => g.zeros([-1]), () => g.full([3, -1], 1), () => g.randn([-1]), () => g.tensor([1], { shape: [-1] })]) {
      expect(create).toThrow(/dimension \d is -1/);
    }
  });

  it('still accepts empty and scalar shapes, and -1 where it means "infer"', () => {
    expect(g.zeros([]).shape).toEqual([]);
    expect(g.zeros([0, 3]).size).toBe(0);
    expect(g.reshape(g.zeros([6]), [-1, 2]).shape).toEqual([3, 2]);
    expect(g.expand(g.zeros([3, 1]), [2, -1, 4]).shape).toEqual([2, 3, 4]);
    // -1 in a new leading dim of expand has nothing to keep
    expect(() => g.expand(g.zeros([3]), [-1, 3])).toThrow(/dimension 0 is -1/);
  });

  it('refuses bad sizes in eye and non-finite arange bounds', () => {
    expect(() => g.eye(-2)).toThrow(ShapeError);
    expect(() => g.eye(2, 1.5)).toThrow(/dimension 1 is 1.5/);
    expect(() => g.arange(0, NaN)).toThrow(/finite/);
    expect(() => g.arange(0, Infinity)).toThrow(/finite/);
  });
});

describe('numbers entering an int32 tensor', () => {
  /** The LossyConversionError `fn` throws. */
  function lossy(fn: () => unknown): LossyConversionError {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(LossyConversionError);
      return err as LossyConversionError;
    }
    throw new Error('expected a LossyConversionError');
  }

  it('refuses values that would wrap or truncate, naming the first one and its index', () => {
    const wrap = lossy(() => g.tensor([1, 2, 2 ** 32 + 5, 2 ** 40]));
    expect([wrap.value, wrap.index, wrap.code]).toEqual([2 ** 32 + 5, 2, 'lossy_conversion']);
    expect(wrap.message).toMatch(/4294967301 is outside int32's range.*index 2.*float32/);
    const frac = lossy(() =>
      g.tensor(
        [
          [1, 2],
          [3, 4.5],
        ],
        { dtype: 'int32' },
      ),
    );
    expect([frac.value, frac.index]).toEqual([4.5, 3]);
    expect(frac.message).toMatch(/rounding: 'truncate'/);
    const nan = lossy(() => g.tensor(new Float32Array([0, 1, NaN]), { dtype: 'int32' }));
    expect([nan.index, nan.message]).toEqual([2, expect.stringMatching(/NaN has no int32 value/)]);
    expect(lossy(() => g.tensor(new Float64Array([-Infinity]), { dtype: 'int32' })).index).toBe(0);
    expect(lossy(() => g.tensor(new Float64Array([-(2 ** 31) - 1]), { dtype: 'int32' })).value).toBe(-(2 ** 31) - 1);
    expect(lossy(() => g.full([2], 0.5, { dtype: 'int32' })).value).toBe(0.5);
    expect(lossy(() => g.full([2], 2 ** 31, { dtype: 'int32' })).value).toBe(2 ** 31);
    expect(lossy(() => g.arange(0, 2, 0.5, { dtype: 'int32' })).index).toBe(1);
    expect(lossy(() => g.linspace(0, 1, 3, { dtype: 'int32' })).index).toBe(1);
    // a scalar operand of an int32 tensor is converted the same way (PyTorch refuses it too)
    expect(lossy(() => g.add(g.tensor([1], { dtype: 'int32' }), 2 ** 32)).value).toBe(2 ** 32);
  });

  it('keeps exact values, the int32 extremes included', () => {
    const extremes = [-(2 ** 31), -1, -0, 0, 2 ** 31 - 1];
    expect(Array.from(g.tensor(extremes).dataSync())).toEqual([-(2 ** 31), -1, 0, 0, 2 ** 31 - 1]);
    expect(Array.from(g.tensor(new Float64Array(extremes), { dtype: 'int32' }).dataSync())).toEqual([-(2 ** 31), -1, 0, 0, 2 ** 31 - 1]);
    expect(Array.from(g.tensor(new Float32Array([3, -4]), { dtype: 'int32' }).dataSync())).toEqual([3, -4]);
    expect(Array.from(g.full([2], -7, { dtype: 'int32' }).dataSync())).toEqual([-7, -7]);
  });

  it("drops fractions toward zero with rounding: 'truncate', and still refuses what has no int32 value", () => {
    const opts = { dtype: 'int32' as const, rounding: 'truncate' as const };
    expect(Array.from(g.tensor([1.9, -1.9, 0.5, 7], opts).dataSync())).toEqual([1, -1, 0, 7]);
    expect(Array.from(g.tensor(new Float32Array([2.5, -0.5]), opts).dataSync())).toEqual([2, 0]);
    expect(Array.from(g.full([1], -3.7, opts).dataSync())).toEqual([-3]);
    expect(Array.from(g.arange(0, 2, 0.5, opts).dataSync())).toEqual([0, 0, 1, 1]);
    // the same as cast() between tensors
    expect(Array.from(g.tensor([1.9, -1.9], opts).dataSync())).toEqual(Array.from(g.cast(g.tensor([1.9, -1.9]), 'int32').dataSync()));
    expect(lossy(() => g.tensor([1.5, NaN], opts)).index).toBe(1);
    expect(lossy(() => g.tensor([2 ** 31 + 0.5], opts)).value).toBe(2 ** 31 + 0.5);
  });

  it('makes bool from numbers as PyTorch does: nonzero is true', () => {
    expect(g.tensor([0, 2, 256, -1, 0.5, NaN], { dtype: 'bool' }).arraySync()).toEqual([false, true, true, true, true, true]);
  });
});
