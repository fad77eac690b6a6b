/**
 * Tests of the WebGPU backend's lazy elementwise fusion (kernels/lazy-map.ts): chains run as few
 * kernels and give the values of one dispatch per op (a second backend with
 * `fuseElementwise: false` on the same adapter is the reference), inputs freed while an
 * expression still reads them keep their contents, results freed unread never run, and every
 * way of reading a pending result (a kernel, a strided view, a copy, a read, sync) runs it first.
 * A function, so that `webgpu.test.ts` runs it in Node and in the browser project alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as g from '@graft/core';
import { backends, scope, scopeAsync, type Tensor } from '@graft/core';
import { createWebGPUBackend, type WebGPUBackend } from '@graft/core/webgpu';

const values = async (t: Tensor) => Array.from(await t.data(), Number);

/** Registers the fusion tests for `backend` (registered under its name); skipped when it is null. */
export function fusionSuite(backend: WebGPUBackend | null): void {
  const dev = { device: backend?.name ?? 'webgpu' };
  const plain = { device: 'webgpu-unfused' };
  let unfused: WebGPUBackend;
  /** Dispatches `fn` issues on the fused backend, reading its result; and the result. */
  const counted = async (fn: () => Tensor): Promise<[number, number[]]> => {
    await backend!.sync();
    const before = backend!.stats().dispatches;
    const out = scope(() => fn());
    const got = await values(out);
    out.dispose();
    return [backend!.stats().dispatches - before, got];
  };

  describe.skipIf(!backend)('webgpu elementwise fusion', () => {
    beforeAll(async () => {
      unfused = await createWebGPUBackend({ name: 'webgpu-unfused', fuseElementwise: false });
      backends.register(unfused);
    });
    afterAll(() => {
      backends.unregister('webgpu-unfused');
      unfused?.dispose?.();
    });

    it('runs a chain of 250 ops as 10 kernels, with the values of one dispatch per op', async () => {
      const chain = (device: { device: string }) => {
        const x = g.arange(-4, 4, 0.125, { dtype: 'float32', ...device });
        let y = x;
        for (let i = 0; i < 50; i++) y = g.tanh(g.add(g.mul(g.sub(y, 0.5), 1.5), g.sin(x)));
        return y;
      };
      const [dispatches, fused] = await counted(() => chain(dev));
      // at most 32 ops per kernel (MAX_FUSED_OPS): 8 kernels, and 2 where a sin(x) did not fit
      expect(dispatches).toBe(10);
      const reference = scope(() => chain(plain));
      expect(fused).toEqual(await values(reference));
      reference.dispose();
      expect(unfused.stats().dispatches).toBeGreaterThanOrEqual(250);
    });

    it('keeps the contents of an input freed while an expression reads it', async () =>
      scopeAsync(async () => {
        const x = g.arange(0, 300, 1, { dtype: 'float32', ...dev });
        const y = g.mul(g.add(x, 1), 2);
        x.dispose();
        // new tensors of x's size would get x's buffer from the pool were it released
        const others = Array.from({ length: 4 }, (_, i) => g.full([300], -7 - i, dev));
        for (const o of others) await values(o);
        expect(await values(y)).toEqual(Array.from({ length: 300 }, (_, i) => 2 * (i + 1)));
      }));

    it('never runs a result that is freed unread, and runs what sync finds pending', async () => {
      const x = g.ones([64], dev);
      await backend!.sync();
      const before = backend!.stats().dispatches;
      scope(() => {
        g.exp(g.add(x, 1));
      });
      await backend!.sync();
      expect(backend!.stats().dispatches).toBe(before);
      const y = scope(() => g.exp(g.add(x, 1)));
      await backend!.sync();
      expect(backend!.stats().dispatches).toBe(before + 1);
      expect((await values(y))[0]).toBeCloseTo(Math.exp(2), 5);
      y.dispose();
      x.dispose();
    });

    it('runs a pending result before a kernel, a strided view, a copy or a read uses it', async () =>
      scopeAsync(async () => {
        const x = g.reshape(g.arange(0, 12, 1, { dtype: 'float32', ...dev }), [3, 4]);
        const y = g.add(x, 1);
        // a transposed view is not read densely: y runs, then the next op reads it strided
        expect(await g.mul(g.transpose(y), 2).array()).toEqual([
          [2, 10, 18],
          [4, 12, 20],
          [6, 14, 22],
          [8, 16, 24],
        ]);
        expect(await g.sum(g.neg(x), 1).array()).toEqual([-6, -22, -38]);
        expect(await g.contiguous(g.narrow(g.mul(x, 3), 0, 1, 1)).array()).toEqual([[12, 15, 18, 21]]);
        expect(await g.matmul(g.add(x, 0), g.ones([4, 1], dev)).array()).toEqual([[6], [22], [38]]);
        // the same pending input twice, and one read at an offset
        expect(await g.mul(y, y).array()).toEqual([
          [1, 4, 9, 16],
          [25, 36, 49, 64],
          [81, 100, 121, 144],
        ]);
        expect(await g.add(g.narrow(g.add(x, 100), 1, 2, 2), 0).array()).toEqual([
          [102, 103],
          [106, 107],
          [110, 111],
        ]);
      }));

    it('fuses broadcasts, where, casts and more inputs than a kernel binds, as op-by-op dispatch does', async () => {
      const graph = (device: { device: string }) => {
        const gen = new g.Generator(3);
        const t = (shape: number[]) =>
          g.tensor(
            gen.normal(
              shape.reduce((p, q) => p * q, 1),
              'float32',
            ),
            { shape, ...device },
          );
        const [a, b, c, d, e, f, h] = [t([5, 6]), t([6]), t([5, 1]), t([5, 6]), t([1, 6]), t([5, 6]), t([])];
        // eight distinct inputs: more than the six a fused kernel binds
        const s = g.add(g.add(g.add(g.mul(a, b), c), g.mul(d, e)), g.add(f, h));
        const i = g.cast(g.mul(g.cast(g.gt(s, 0), 'int32'), 3), 'float32');
        // float16 results are rounded where they are stored, also when fused
        const half = backend!.dtypes.includes('float16') ? g.cast(g.mul(g.cast(s, 'float16'), 1.1), 'float32') : s;
        return g.add(g.where(g.lt(s, 0.5), g.exp(s), i), g.mul(half, g.gelu(g.add(s, a), 'tanh')));
      };
      const [dispatches, fused] = await counted(() => graph(dev));
      // 21 ops: cut where the inputs exceed six, and each float16 result runs on its own
      expect(dispatches).toBeLessThanOrEqual(7);
      const reference = scope(() => graph(plain));
      expect(fused).toEqual(await values(reference));
      reference.dispose();
    });
  });
}
