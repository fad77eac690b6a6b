/**
 * Both WebGPU matmul kernels against the CPU, whichever one the adapter would pick: a backend
 * with `matmul: 'tiled'` and one with `matmul: 'rows'` on the same adapter run products that
 * cross tile edges in every dimension (M, N and K not multiples of 64 or 16), broadcast batches,
 * transposed and sliced operands (read through their strides), vectors, int32 and float16.
 * A function, so that `webgpu.test.ts` runs it in Node and in the browser project alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, tolerance } from '../../close';
import * as g from '@graft/core';
import { backends, scopeAsync, type Tensor } from '@graft/core';
import { createWebGPUBackend, type WebGPUBackend } from '@graft/core/webgpu';

/** Registers the matmul kernel tests; skipped when `backend` (the default WebGPU backend) is null. */
export function matmulSuite(backend: WebGPUBackend | null): void {
  describe.skipIf(!backend)('webgpu matmul kernels', () => {
    const made: WebGPUBackend[] = [];
    beforeAll(async () => {
      for (const kind of ['tiled', 'rows'] as const) {
        const b = await createWebGPUBackend({ name: `webgpu-${kind}`, matmul: kind });
        backends.register(b);
        made.push(b);
      }
    });
    afterAll(() => {
      for (const b of made) {
        backends.unregister(b.name);
        b.dispose?.();
      }
    });

    const gen = new g.Generator(11);
    const host = (shape: number[]) =>
      g.tensor(
        gen.normal(
          shape.reduce((p, q) => p * q, 1),
          'float32',
        ),
        { shape, device: 'cpu' },
      );
    const cases: [string, () => Tensor[], (x: Tensor, y: Tensor) => Tensor][] = [
      ['65×33 @ 33×70', () => [host([65, 33]), host([33, 70])], (x, y) => g.matmul(x, y)],
      ['long K (300) and a 1-row output', () => [host([1, 300]), host([300, 129])], (x, y) => g.matmul(x, y)],
      ['broadcast batch [3, 1] × [1, 2]', () => [host([3, 1, 17, 40]), host([1, 2, 40, 66])], (x, y) => g.matmul(x, y)],
      ['transposed operands (backward shapes)', () => [host([40, 70]), host([90, 40])], (x, y) => g.matmul(g.transpose(x), g.transpose(y))],
      ['sliced operands', () => [host([80, 50]), host([50, 90])], (x, y) => g.matmul(g.narrow(x, 0, 7, 70), g.narrow(y, 1, 3, 81))],
      ['vector @ matrix', () => [host([33]), host([33, 65])], (x, y) => g.matmul(x, y)],
    ];

    it.each(['tiled', 'rows'])('%s: float32 products match the CPU', async (kind) =>
      scopeAsync(async () => {
        for (const [name, make, fn] of cases) {
          const [x, y] = make();
          const want = await fn(x, y).data();
          const got = await fn(x.to(`webgpu-${kind}`), y.to(`webgpu-${kind}`)).data();
          try {
            expectClose(got, want, tolerance('float32', 'webgpu', 'matmul'));
          } catch (e) {
            throw new Error(`${name}: ${(e as Error).message}`);
          }
        }
      }),
    );

    it.each(['tiled', 'rows'])('%s: int32 products are exact, float16 ones within float16 tolerance', async (kind) =>
      scopeAsync(async () => {
        const device = `webgpu-${kind}`;
        const ints = (shape: number[], seed: number) =>
          g.tensor(
            Array.from({ length: shape[0] * shape[1] }, (_, i) => ((i * seed) % 7) - 3),
            { shape, dtype: 'int32', device: 'cpu' },
          );
        const [x, y] = [ints([20, 70], 5), ints([70, 18], 3)];
        const got = await g.matmul(x.to(device), y.to(device)).data();
        const want = await g.matmul(x, y).data();
        expect(Array.from(got)).toEqual(Array.from(want));
        if (!made[0].dtypes.includes('float16')) return;
        const [a, b] = [host([24, 40]), host([40, 20])];
        const half = g.cast(g.matmul(g.cast(a.to(device), 'float16'), g.cast(b.to(device), 'float16')), 'float32');
        expectClose(await half.data(), await g.matmul(a, b).data(), tolerance('float16', 'webgpu', 'matmul'));
      }),
    );
  });
}
