/**
 * Tests of the host-side caches of the WebGPU backend: shared tiny constants, cached bind groups,
 * the content-addressed meta arena, pooled staging buffers, and buffer copies for dense views.
 * Each test checks the values as well as the counters, because a cache that serves the wrong
 * buffer gives wrong numbers rather than an error. A function, so that `webgpu.test.ts` runs it
 * in Node and in the browser project alike.
 */
import { describe, expect, it } from 'vitest';
import { expectClose, tolerance } from '../../close';
import * as g from '@graft/core';
import { scope, scopeAsync, type Tensor } from '@graft/core';
import type { GpuTensorBuffer } from '@graft/core/internal';
import type { WebGPUBackend } from '@graft/core/webgpu';

const gpuOf = (t: Tensor) => (t.storage.buffer as GpuTensorBuffer).gpu;
const values = async (t: Tensor) => Array.from(await t.data(), Number);

/** Registers the cache tests for `backend` (registered under its name); skipped when it is null. */
export function cachingSuite(backend: WebGPUBackend | null): void {
  const dev = { device: backend?.name ?? 'webgpu' };
  describe.skipIf(!backend)('webgpu host-side caches', () => {
    it('runs a repeated chain of scalar ops without new buffers, bind groups or pipelines', async () =>
      scopeAsync(async () => {
        const x = g.arange(0, 8, 1, { dtype: 'float32', ...dev });
        const run = async () => {
          const v = scope(() => {
            let y = x;
            for (let i = 0; i < 50; i++) y = g.add(g.mul(y, 1), i % 3);
            return y;
          });
          const out = await values(v);
          v.dispose();
          return out;
        };
        // Σ_{i<50} i mod 3 = 49
        const want = Array.from({ length: 8 }, (_, k) => k + 49);
        expect(await run()).toEqual(want);
        expect(await run()).toEqual(want);
        const before = backend!.stats();
        const constants = backend!.stream.constants.size;
        expect(await run()).toEqual(want);
        const after = backend!.stats();
        expect(after.pool.created).toBe(before.pool.created);
        expect(after.compiled).toBe(before.compiled);
        expect(after.bindGroups.misses).toBe(before.bindGroups.misses);
        // every dispatch hits; the 100 ops fuse into kernels of at most 32 ops (kernels/lazy-map.ts)
        expect(after.dispatches - before.dispatches).toBe(4);
        expect(after.bindGroups.hits - before.bindGroups.hits).toBe(4);
        expect(backend!.stream.constants.size).toBe(constants);
      }));

    it('shares tiny constants, yet gives outputs and reassigned tensors their own values', async () =>
      scopeAsync(async () => {
        const a = g.full([], 3, dev);
        const b = g.full([], 3, dev);
        expect(gpuOf(a)).toBe(gpuOf(b));
        const c = g.add(a, b);
        expect(gpuOf(c)).not.toBe(gpuOf(a));
        expect(await values(c)).toEqual([6]);
        b.assign(g.full([], 5, dev));
        expect(await values(a)).toEqual([3]);
        expect(await values(b)).toEqual([5]);
        // undefined tiny tensors read as zeros, and so does a zero-filled output that is used later
        expect(await values(g.zeros([], dev))).toEqual([0]);
        expect(await values(g.add(g.zeros([2], { dtype: 'int32', ...dev }), g.tensor([1, -2], { dtype: 'int32', ...dev })))).toEqual([1, -2]);
        // 16 bytes is the largest constant; 20 bytes takes the ordinary upload path
        expect(await values(g.tensor([1, 2, 3, 4], { dtype: 'float32', ...dev }))).toEqual([1, 2, 3, 4]);
        expect(await values(g.tensor([1, 2, 3, 4, 5], { dtype: 'float32', ...dev }))).toEqual([1, 2, 3, 4, 5]);
        expect(await g.tensor([true, false, true], dev).array()).toEqual([true, false, true]);
      }));

    it('keeps results right when the meta arena fills up and starts over', async () =>
      scopeAsync(async () => {
        const x = g.arange(0, 4200, 1, { dtype: 'float32', ...dev });
        // every offset is a distinct parameter block: more than the arena's 4096 slots
        const parts: Tensor[] = [];
        for (let i = 0; i < 4200; i += 1) parts.push(g.add(g.narrow(x, 0, i, 1), 1));
        const got = await values(g.concat(parts.slice(4090, 4110)));
        expect(got).toEqual(Array.from({ length: 20 }, (_, k) => 4090 + k + 1));
        expect(await values(parts[0])).toEqual([1]);
      }));

    it('keeps bind groups valid after the pool destroys its idle buffers', async () =>
      scopeAsync(async () => {
        const x = g.ones([300], dev);
        const run = async () => (await values(g.sum(g.mul(x, 2)))).map((v) => Math.round(v));
        expect(await run()).toEqual([600]);
        backend!.stream.pool.trim();
        expect(backend!.stats().bindGroups.size).toBe(0);
        expect(await run()).toEqual([600]);
        await backend!.sync();
      }));

    it('reads many results with pooled staging buffers, also concurrently', async () =>
      scopeAsync(async () => {
        const ts = Array.from({ length: 6 }, (_, i) => g.full([100 + i], i + 1, dev));
        const sums = await Promise.all(ts.map(async (t) => (await values(t)).reduce((p, q) => p + q, 0)));
        expect(sums).toEqual([100, 202, 306, 412, 520, 630]);
      }));

    it('copies dense views with buffer copies and strided ones with the shader', async () =>
      scopeAsync(async () => {
        const x = g.reshape(g.arange(0, 20, 1, { dtype: 'float32', ...dev }), [4, 5]);
        expect(await g.contiguous(g.narrow(x, 0, 1, 2)).array()).toEqual([
          [5, 6, 7, 8, 9],
          [10, 11, 12, 13, 14],
        ]);
        expect(await g.contiguous(g.transpose(g.narrow(x, 1, 1, 2))).array()).toEqual([
          [1, 6, 11, 16],
          [2, 7, 12, 17],
        ]);
        expect(await g.concat([g.narrow(x, 0, 3, 1), g.narrow(x, 0, 0, 1)]).array()).toEqual([
          [15, 16, 17, 18, 19],
          [0, 1, 2, 3, 4],
        ]);
      }));

    it.skipIf(!backend?.dtypes.includes('float16'))('creates float16 constants and copies float16 views at odd offsets', async () =>
      scopeAsync(async () => {
        const half = { dtype: 'float16' as const, ...dev };
        expect(await values(g.cast(g.full([], 0.5, half), 'float32'))).toEqual([0.5]);
        expectClose(await g.cast(g.full([3], 0.1, half), 'float32').data(), [0.1, 0.1, 0.1], tolerance('float16', 'webgpu'));
        const h = g.tensor([1, 2, 3, 4, 5], half);
        expect(await values(g.cast(g.contiguous(g.narrow(h, 0, 1, 3)), 'float32'))).toEqual([2, 3, 4]);
        expect(await values(g.cast(g.contiguous(g.narrow(h, 0, 2, 3)), 'float32'))).toEqual([3, 4, 5]);
      }),
    );
  });
}
