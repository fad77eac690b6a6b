/**
 * The AdamW op: the step's scalars are computed once in the op and kernels only apply them, the
 * fused kernel (three outputs) equals the composite, and AMSGrad follows torch.optim.AdamW.
 */
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../../test-utils/close';
import * as g from '../index';

const gen = new g.Generator(17);
const h = { lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, step: 4 };

describe('adamwUpdate', () => {
  it('hands the kernel the step scalars, computed once, and three outputs of the parameter shape', () => {
    const seen: { attrs: unknown; shapes: number[][] }[] = [];
    const cpu = g.getBackend('cpu');
    const kernel = cpu.kernels.adamwUpdate!;
    const spy: g.Kernel<'adamwUpdate'> = (inputs, outs, attrs) => {
      seen.push({ attrs, shapes: outs.map((o) => [...o.shape]) });
      kernel(inputs, outs, attrs);
    };
    g.registerBackend({ ...g.cpuBackend({ name: 'spy' }), kernels: { ...cpu.kernels, adamwUpdate: spy } });
    try {
      const [p, gr, m, v] = [
        [2, 3],
        [2, 3],
        [2, 3],
        [2, 3],
      ].map((s) => g.randn(s, { generator: gen, device: 'spy' }).abs());
      const r = g.adamwUpdate(p, gr, m, v, h);
      expect(seen).toEqual([
        {
          attrs: { beta1: 0.9, beta2: 0.99, eps: 1e-8, decay: 1 - 1e-3, stepSize: 1e-2 / (1 - 0.9 ** 4), sqrtBiasCorrection2: Math.sqrt(1 - 0.99 ** 4) },
          shapes: [
            [2, 3],
            [2, 3],
            [2, 3],
          ],
        },
      ]);
      const ref = g.adamwUpdateComposite(p, gr, m, v, h);
      for (const k of ['param', 'expAvg', 'expAvgSq'] as const) expectClose(r[k].dataSync(), ref[k].dataSync(), { atol: 1e-6 });
    } finally {
      g.backends.unregister('spy');
    }
  });

  it('AMSGrad normalises by the running maximum of the second moment, as torch.optim.AdamW(amsgrad=True)', () => {
    const f64 = (v: number[]) => g.tensor(v, { dtype: 'float64' });
    const [p, gr, m, v, vMax] = [f64([0.5, -1]), f64([0.2, 0.4]), f64([0.1, 0]), f64([0.3, 0.01]), f64([0.2, 0.05])];
    const r = g.adamwUpdate(p, gr, m, v, h, vMax);
    // by hand, following torch/optim/adamw.py (_single_tensor_adamw)
    const m1 = [0.1 * 0.9 + 0.2 * 0.1, 0 + 0.4 * 0.1];
    const v1 = [0.3 * 0.99 + 0.04 * 0.01, 0.01 * 0.99 + 0.16 * 0.01];
    const vm = [Math.max(0.2, v1[0]), Math.max(0.05, v1[1])];
    const [bc1, bc2] = [1 - 0.9 ** 4, 1 - 0.99 ** 4];
    const p1 = [0.5, -1].map((x, i) => x * (1 - 1e-3) - (1e-2 / bc1) * (m1[i] / (Math.sqrt(vm[i]) / Math.sqrt(bc2) + 1e-8)));
    expectClose(r.param.dataSync(), p1, { atol: 1e-14 });
    expectClose(r.maxExpAvgSq!.dataSync(), vm, { atol: 1e-15 });
    expectClose(r.expAvgSq.dataSync(), v1, { atol: 1e-15 });
  });

  it('rejects a step that does not count from 1, and moments of another shape', () => {
    const x = g.zeros([3]);
    expect(() => g.adamwUpdate(x, x, x, x, { ...h, step: 0 })).toThrow(/step counts from 1/);
    expect(() => g.adamwUpdate(x, x, x, g.zeros([4]), h)).toThrow(/expAvgSq \[4\] differs from param \[3\]/);
  });
});
