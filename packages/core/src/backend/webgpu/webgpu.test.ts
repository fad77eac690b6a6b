/**
 * WebGPU backend behaviour beyond op conformance: device moves, mixed-device errors, typed errors
 * (limits, out-of-range indices, shader errors, device loss), the buffer pool and pipeline cache,
 * batching, float16 storage, a flat 200-step training loop and equal cpu/webgpu loss curves; the
 * host-side caches, elementwise fusion and both matmul kernels (test-utils/core/webgpu).
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { expectClose, tolerance } from '../../../../../test-utils/close';
import { DeviceMismatchError, GraftError, LossyConversionError, ShapeError } from '../../errors';
import { scope, scopeAsync } from '../../memory';
import * as g from '../../ops/index';
import { backends } from '../global';
import { Generator } from '../../random/generator';
import { registerWebGPU, WebGPUDeviceLostError, WebGPUIndexError, WebGPULimitError, WebGPUValidationError, createWebGPUBackend } from '../../webgpu';
import { cachingSuite } from '../../../../../test-utils/core/webgpu/caching-suite';
import { fusionSuite } from '../../../../../test-utils/core/webgpu/fusion-suite';
import { matmulSuite } from '../../../../../test-utils/core/webgpu/matmul-suite';
import { tinyTrainer, usage } from '../../../../../test-utils/core/webgpu/training';

const scalarRerun = typeof process !== 'undefined' && process.env?.GRAFT_CPU_KERNELS === 'scalar';
const backend = scalarRerun ? null : await registerWebGPU({ priority: -1 });
if (!backend && inject('ci') && !scalarRerun) it('finds a WebGPU adapter (CI=true)', () => expect.fail('CI=true but no WebGPU adapter was found'));
const dev = { device: 'webgpu' };

describe.skipIf(!backend)('webgpu backend', () => {
  it('moves tensors between devices: to() from the CPU, toAsync() from the GPU', async () =>
    scopeAsync(async () => {
      const x = g.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float32' },
      );
      const onGpu = x.to('webgpu');
      expect(onGpu.device).toBe('webgpu');
      expect(onGpu.to('webgpu')).toBe(onGpu);
      expect(() => onGpu.to('cpu')).toThrow(/toAsync/);
      expect(() => onGpu.dataSync()).toThrow(GraftError);
      const back = await onGpu.mul(2).toAsync('cpu');
      expect(back.device).toBe('cpu');
      expect(back.arraySync()).toEqual([
        [2, 4],
        [6, 8],
      ]);
      expect(await g.tensor([true, false]).to('webgpu').array()).toEqual([true, false]);
      expect(Array.from(await g.tensor([-3, 7], { dtype: 'int32' }).to('webgpu').data())).toEqual([-3, 7]);
    }));

  it('validates shapes and int32 values at creation, as on the CPU (it accepted zeros([-1]) until a read)', () =>
    scopeAsync(async () => {
      expect(() => g.zeros([-1], dev)).toThrow(ShapeError);
      expect(() => g.zeros([1.5], dev)).toThrow(/dimension 0 is 1.5/);
      expect(() => g.randn([NaN], dev)).toThrow(ShapeError);
      expect(() => g.ones([2]).to('webgpu').reshape([-2, -1])).toThrow(ShapeError);
      expect(() => g.tensor([2 ** 32 + 5], dev)).toThrow(LossyConversionError);
      expect(() => g.full([2], 0.5, { dtype: 'int32', ...dev })).toThrow(LossyConversionError);
      expect(Array.from(await g.tensor([1.9, -1.9], { dtype: 'int32', rounding: 'truncate', ...dev }).data())).toEqual([1, -1]);
      expect(Array.from(await g.tensor([-(2 ** 31), 2 ** 31 - 1], dev).data())).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    }));

  it('becomes the default device when registered without a priority, as docs/backends.md says', async () => {
    expect(backends.default().name).toBe('cpu');
    await registerWebGPU({ name: 'webgpu-default', required: true });
    try {
      expect(backends.default().name).toBe('webgpu-default');
      const z = g.zeros([1]);
      expect(z.device).toBe('webgpu-default');
      z.dispose();
    } finally {
      backends.unregister('webgpu-default');
    }
    expect(backends.default().name).toBe('cpu');
  });

  it('draws the same seeded randperm and shuffle as the CPU', () =>
    scopeAsync(async () => {
      const onGpu = g.randperm(20, { generator: new Generator(7), device: 'webgpu' });
      expect(onGpu.device).toBe('webgpu');
      expect(Array.from(await onGpu.data())).toEqual(Array.from(g.randperm(20, { generator: new Generator(7) }).dataSync()));
      const x = g.arange(8).reshape([4, 2]);
      expect(await g.shuffle(x.to('webgpu'), { generator: new Generator(3) }).array()).toEqual(g.shuffle(x, { generator: new Generator(3) }).arraySync());
    }));

  it('refuses ops that mix devices', () =>
    scopeAsync(async () => {
      const a = g.ones([2], dev);
      expect(() => g.add(a, g.ones([2]))).toThrow(DeviceMismatchError);
      expect(() => g.add(a, g.ones([2]))).toThrow(/cpu/);
    }));

  it('reports an out-of-range gather index at the next read, naming the op', async () =>
    scopeAsync(async () => {
      const x = g.tensor([[1, 2, 3]], { dtype: 'float32', ...dev });
      const bad = g.gather(x, 1, g.tensor([[0, 5]], dev));
      await expect(bad.data()).rejects.toThrow(WebGPUIndexError);
      await expect(g.scatterAdd(g.zeros([3], dev), 0, g.tensor([-1], dev), g.ones([1], dev)).data()).rejects.toThrow(/scatterAdd: index -1/);
      expect(Array.from(await g.gather(x, 1, g.tensor([[2, 0]], dev)).data())).toEqual([3, 1]);
    }));

  it('turns a shader error into a WebGPUValidationError naming the op', async () => {
    backend!.stream.pipelines.get('brokenOp', 'broken-shader', () => ({ code: 'this is not WGSL', bindings: 1, writable: [0] }));
    await expect(backend!.sync()).rejects.toThrow(WebGPUValidationError);
    await backend!.sync();
  });

  it('checks buffer and binding limits with errors naming the op', async () => {
    const small = await createWebGPUBackend({ name: 'webgpu-small', limits: { maxStorageBufferBindingSize: 1024, maxBufferSize: 4096 } });
    backends.register(small);
    try {
      scope(() => {
        const x = g.zeros([300], { device: 'webgpu-small' });
        expect(() => g.add(x, 1)).toThrow(WebGPULimitError);
        expect(() => g.add(x, 1)).toThrow(/binary:add.*maxStorageBufferBindingSize/);
        expect(() => g.zeros([2000], { device: 'webgpu-small' })).toThrow(/maxBufferSize/);
      });
    } finally {
      backends.unregister('webgpu-small');
    }
  });

  it('fails with WebGPUDeviceLostError after the device is lost', async () => {
    const lost = await createWebGPUBackend({ name: 'webgpu-lost' });
    backends.register(lost);
    try {
      await scopeAsync(async () => {
        const x = g.ones([4], { device: 'webgpu-lost' });
        lost.gpu.device.destroy();
        await lost.gpu.device.lost;
        expect(() => g.add(x, x)).toThrow(WebGPUDeviceLostError);
        expect(() => g.add(x, x)).toThrow(/device lost \(op 'binary:add'\)/);
        await expect(x.data()).rejects.toThrow(WebGPUDeviceLostError);
      });
    } finally {
      backends.unregister('webgpu-lost');
    }
  });

  it('reuses pooled buffers and cached pipelines, and batches many ops into one submit', async () => {
    const run = () => scope(() => g.sum(g.exp(g.mul(g.ones([64, 64], dev), 0.5))).keep());
    const first = run();
    await first.data();
    first.dispose();
    run().dispose();
    await backend!.sync();
    const before = backend!.stats();
    const y = run();
    await y.data();
    y.dispose();
    const after = backend!.stats();
    expect(after.compiled).toBe(before.compiled);
    expect(after.pool.created).toBe(before.pool.created);
    // mul and exp fuse into one kernel (lazy-map.ts), the sum is the other
    expect(after.dispatches - before.dispatches).toBe(2);
    expect(after.submits - before.submits).toBe(1);
  });

  it.skipIf(!backend?.dtypes.includes('float16'))('stores float16 and computes in float32', async () =>
    scopeAsync(async () => {
      const x = g.tensor(
        [
          [0.5, -1.25, 3],
          [2, 0.125, -4],
        ],
        { dtype: 'float32', ...dev },
      );
      const h = g.cast(x, 'float16');
      expect(h.dtype).toBe('float16');
      const back = g.cast(g.add(g.matmul(h, g.transpose(h)), g.softmax(g.matmul(h, g.transpose(h)), -1)), 'float32');
      const ref = g.add(g.matmul(x, g.transpose(x)), g.softmax(g.matmul(x, g.transpose(x)), -1));
      expectClose(await back.data(), await ref.data(), tolerance('float16', 'webgpu'));
    }),
  );

  it('keeps live tensors, device bytes and pooled GPU memory flat over a 200-step training loop', async () => {
    const trainer = tinyTrainer('webgpu');
    let at10: ReturnType<typeof usage> | null = null;
    let pool10 = 0;
    for (let step = 1; step <= 200; step++) {
      const loss = trainer.step();
      if (step % 50 === 0) expect(Number.isFinite(await loss.item())).toBe(true);
      loss.dispose();
      if (step === 10) {
        await backend!.sync();
        at10 = usage('webgpu');
        pool10 = backend!.stats().pool.liveBytes;
      }
    }
    await backend!.sync();
    expect(usage('webgpu')).toEqual(at10);
    expect(backend!.stats().pool.liveBytes).toBe(pool10);
    trainer.dispose();
  });

  it('trains to the same loss curve on cpu and webgpu', async () => {
    const curve = async (device: string) => {
      const trainer = tinyTrainer(device);
      const losses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const loss = trainer.step();
        losses.push(await loss.item());
        loss.dispose();
      }
      trainer.dispose();
      return losses;
    };
    const [cpu, gpu] = [await curve('cpu'), await curve('webgpu')];
    expect(cpu[29]).toBeLessThan(cpu[0] * 0.7);
    expectClose(gpu, cpu, { atol: 1e-4, rtol: 1e-3 });
  });
});

cachingSuite(backend);
fusionSuite(backend);
matmulSuite(backend);
