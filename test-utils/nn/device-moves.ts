/**
 * Device behaviour of nn on a device other than the CPU (WebGPU, or the simulated async-only
 * device): moving modules, loading module and optimizer state across devices, and the APIs that
 * need a value on the host (non-finite clipping checks, reduce-on-plateau) without blocking.
 */
import { GraftError, Generator, memory, mseLoss, randn, scope, scopeAsync, tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import {
  AdamW,
  BatchNorm1d,
  clipGradNorm,
  clipGradNormAsync,
  Embedding,
  Linear,
  ModuleList,
  NonfiniteGradNormError,
  ReduceLrOnPlateau,
  Sequential,
  SGD,
  type AnyModule,
} from '@graft/nn';

const model = (dtype: 'float32' | 'float64' = 'float32') =>
  new Sequential(new Linear(3, 4, { generator: new Generator(3), dtype }), new BatchNorm1d(4, { dtype }));

/** Registers the device-move tests for `device` (inside the suite's describe). */
export function deviceMoveTests(device: string): void {
  describe('device moves', () => {
    it('the device reads asynchronously only (so these tests mean something)', () => {
      const t = tensor([1, 2], { dtype: 'float32' }).to(device);
      expect(() => t.dataSync()).toThrow(GraftError);
      t.dispose();
    });

    it('module.to keeps parameter and buffer identity, moves gradients, and toAsync brings it back', async () => {
      const m = model();
      scope(() => mseLoss(m.call(randn([2, 3], { generator: new Generator(1) })), tensor(0, { dtype: 'float32' })).backward());
      const before = m.stateDict();
      const want = Object.fromEntries(Object.entries(before).map(([k, t]) => [k, Array.from(t.dataSync())]));
      const grad = Array.from(m.getParameter('0.weight').grad!.dataSync());
      expect(m.to(device)).toBe(m);
      const after = m.stateDict();
      for (const k of Object.keys(before)) {
        expect(after[k], k).toBe(before[k]);
        expect(after[k].device, k).toBe(device);
      }
      expect(m.getParameter('0.weight').grad!.device).toBe(device);
      const back = await m.toAsync('cpu');
      expect(back).toBe(m);
      for (const [k, t] of Object.entries(m.stateDict())) expect(Array.from(t.dataSync()), k).toEqual(want[k]);
      expect(Array.from(m.getParameter('0.weight').grad!.dataSync())).toEqual(grad);
      m.dispose();
    });

    it('tied weights move once and stay tied', () => {
      const emb = new Embedding(5, 3, { generator: new Generator(8) });
      const head = new Linear(3, 5, { generator: new Generator(9), bias: false });
      head.weight = emb.weight;
      const m = new ModuleList<AnyModule>([emb, head]).to(device);
      expect(head.weight).toBe(emb.weight);
      expect(emb.weight.device).toBe(device);
      m.dispose();
    });

    it('a move the device cannot hold (float64) fails and leaves the module where it was', () => {
      const m = model('float64');
      expect(() => m.to(device)).toThrow(GraftError);
      for (const [k, t] of Object.entries(m.stateDict())) expect(t.device, k).toBe('cpu');
      m.dispose();
    });

    it('an optimizer built before the move steps the moved parameters', async () => {
      const m = model();
      const opt = new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
      m.to(device);
      const x = randn([4, 3], { generator: new Generator(2) }).to(device);
      for (let s = 0; s < 2; s++) {
        scope(() => {
          mseLoss(m.call(x), x.sum(1, true).expand(4, 4)).backward();
          opt.step();
          opt.zeroGrad();
        });
      }
      expect(opt.state.get(m.getParameter('0.weight'))!.tensors.momentum_buffer.device).toBe(device);
      expect(Number.isFinite(await m.getParameter('0.weight').sum().item())).toBe(true);
      opt.disposeState();
      m.dispose();
      x.dispose();
    });

    it('loadStateDict takes CPU tensors (float64 too) into a moved module; loadStateDictAsync goes the other way', async () => {
      const src = model('float64');
      const gpu = model().to(device);
      gpu.loadStateDict(src.stateDict());
      const cpu = model();
      await cpu.loadStateDictAsync(gpu.stateDict());
      const want = src.stateDict();
      for (const [k, t] of Object.entries(cpu.stateDict())) expect(Array.from(t.dataSync()), k).toEqual(Array.from(want[k].cast('float32').dataSync()));
      expect(() => cpu.loadStateDict(gpu.stateDict())).toThrow(/toAsync|synchronously/);
      for (const m of [src, gpu, cpu]) m.dispose();
    });

    it('optimizer state loads from the CPU onto the device and back with loadStateDictAsync', async () => {
      await scopeAsync(async () => {
        const run = (m: Sequential, opt: AdamW, x: ReturnType<typeof randn>) =>
          scope(() => {
            mseLoss(m.call(x), x.sum(1, true).expand(x.shape[0], 4)).backward();
            opt.step();
            opt.zeroGrad();
          });
        const cpuModel = model();
        const cpuOpt = new AdamW(cpuModel.parameters(), { lr: 0.01 });
        const x = randn([4, 3], { generator: new Generator(4) });
        run(cpuModel, cpuOpt, x);
        const gpuModel = model().to(device);
        gpuModel.loadStateDict(cpuModel.stateDict());
        const gpuOpt = new AdamW(gpuModel.parameters(), { lr: 0.01 });
        gpuOpt.loadStateDict(cpuOpt.stateDict());
        expect(gpuOpt.state.get(gpuModel.getParameter('0.weight'))!.tensors.exp_avg.device).toBe(device);
        run(gpuModel, gpuOpt, x.to(device));
        const again = new AdamW(model().parameters(), { lr: 0.01 });
        await again.loadStateDictAsync(gpuOpt.stateDict());
        expect(again.state.size).toBe(gpuOpt.state.size);
        for (const s of again.state.values()) expect(s.step).toBe(2);
        for (const o of [cpuOpt, gpuOpt, again]) o.disposeState();
        cpuModel.dispose();
        gpuModel.dispose();
      });
    });

    it('float64 optimizer state loads onto float32 parameters on the device, leaving no CPU-side cast behind', async () => {
      const cpuModel = model('float64');
      const cpuOpt = new AdamW(cpuModel.parameters(), { lr: 0.01 });
      scope(() => {
        mseLoss(cpuModel.call(randn([4, 3], { generator: new Generator(4), dtype: 'float64' })), tensor(0, { dtype: 'float64' })).backward();
        cpuOpt.step();
      });
      const sd = cpuOpt.stateDict();
      const m = model().to(device);
      const opt = new AdamW(m.parameters(), { lr: 0.01 });
      const before = memory().tensors;
      await opt.loadStateDictAsync(sd);
      // exactly the optimizer's new state tensors stay alive: the float32 casts made on the CPU before each move are freed
      expect(memory().tensors - before).toBe(Object.keys(sd.tensors).length);
      const s = opt.state.get(m.getParameter('0.weight'))!.tensors.exp_avg;
      expect([s.device, s.dtype]).toEqual([device, 'float32']);
      for (const o of [cpuOpt, opt]) o.disposeState();
      cpuModel.dispose();
      m.dispose();
    });

    it('clipGradNorm never reads back; errorIfNonfinite needs clipGradNormAsync there', async () => {
      const m = new Linear(3, 2, { generator: new Generator(5) }).to(device);
      await scopeAsync(async () => {
        m.call(randn([2, 3], { generator: new Generator(6) }).to(device))
          .sum()
          .backward();
        const norm = clipGradNorm(m.parameters(), 0.5);
        expect(norm.device).toBe(device);
        expect(() => clipGradNorm(m.parameters(), 0.5, { errorIfNonfinite: true })).toThrow(/clipGradNormAsync/);
        const total = await clipGradNormAsync(m.parameters(), 0.5, { errorIfNonfinite: true });
        expect(await total.item()).toBeCloseTo(0.5, 4);
        m.weight.grad = m.weight.grad!.mul(Infinity).keep();
        await expect(clipGradNormAsync(m.parameters(), 0.5, { errorIfNonfinite: true })).rejects.toThrow(NonfiniteGradNormError);
      });
      m.dispose();
    });

    it('ReduceLrOnPlateau.stepAsync takes a loss tensor on the device', async () => {
      const m = new Linear(2, 1).to(device);
      const opt = new SGD(m.parameters(), { lr: 1 });
      const plateau = new ReduceLrOnPlateau(opt, { patience: 0, factor: 0.5 });
      for (const v of [1, 0.5, 0.6, 0.7]) {
        const loss = tensor(v, { dtype: 'float32' }).to(device);
        await plateau.stepAsync(loss);
        loss.dispose();
      }
      expect(opt.paramGroups[0].lr).toBe(0.25);
      m.dispose();
    });
  });
}
