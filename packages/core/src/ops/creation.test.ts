/**
 * Creation ops: float16 values become binary16 bit patterns (its storage array holds bits, so
 * a plain fill or copy would store the number itself), and zeros need no host data.
 */
import { describe, expect, it } from 'vitest';
import { type Backend, backends, cpuBackend, registerBackend } from '../index';
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
