import { Generator, loadSafetensors, memory, randn, saveSafetensors, scope, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { NonfiniteGradNormError, OptimizerConfigError } from '../errors';
import { Linear } from '../layers/linear';
import { LayerNorm } from '../layers/normalization';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { Adam, AdamW } from './adam';
import { clipGradNorm, clipGradNormAsync, clipGradValue, GradientAccumulation, scaleGradients } from './clip';
import { layerwiseLrDecayGroups, weightDecayGroups } from './param-groups';
import { SGD } from './sgd';

const gen = new Generator(21);
const param = (values: number[]) => new Parameter(tensor(values, { dtype: 'float64' }));
const setGrad = (p: Parameter, values: number[]) => {
  p.grad?.dispose();
  p.grad = tensor(values, { dtype: 'float64' }).keep();
};
const values = (t: Tensor) => [...t.dataSync()];

describe('optimizer options and parameter groups', () => {
  it('reject unknown options, bad values and bad groups with typed errors', () => {
    const p = param([1, 2]);
    const bad: [() => unknown, RegExp][] = [
      [() => new AdamW([p], { lrr: 0.1 } as never), /unknown option 'lrr'/],
      [() => new SGD([p], { lr: -0.1 }), /lr must be a number in \[0, Infinity\]/],
      [() => new Adam([p], { betas: [0.9, 1] }), /betas\[1\]/],
      [() => new SGD([p], { nesterov: true }), /Nesterov momentum requires momentum > 0/],
      [() => new SGD([]), /no parameters/],
      [() => new SGD([{ params: [] }]), /group 0 is empty/],
      [() => new SGD([{ params: [p] }, { params: [p] }]), /more than one parameter group/],
      [() => new SGD([{ params: [p], momentum: -1 }]), /momentum must be/],
      [() => new SGD([{ params: [p], betas: [0.9, 0.99] } as never]), /unknown parameter-group option 'betas'/],
      [() => new SGD([{ params: [tensor([1])] } as never]), /not a Parameter/],
    ];
    for (const [fn, msg] of bad) {
      expect(fn).toThrow(OptimizerConfigError);
      expect(fn).toThrow(msg);
    }
  });

  it('give each group its own lr and weight decay', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, weightDecay: 1 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay])).toEqual([
      [0.1, 0],
      [0.5, 1],
    ]);
    setGrad(a, [1]);
    setGrad(b, [1]);
    opt.step();
    expect(values(a)).toEqual([0.9]);
    expect(values(b)).toEqual([0]); // 1 - 0.5·(1 + 1·1)
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('Adam adds L2 decay to the gradient, AdamW decays the weights; AMSGrad keeps the max second moment', () => {
    const a = param([1, -1]);
    const w = param([1, -1]);
    const adam = new Adam([a], { lr: 0.1, weightDecay: 0.5 });
    const adamw = new AdamW([w], { lr: 0.1, weightDecay: 0.5 });
    setGrad(a, [0.2, 0.2]);
    setGrad(w, [0.2, 0.2]);
    adam.step();
    adamw.step();
    // first Adam step moves every coordinate by lr·sign(g'): g' = 0.2 + 0.5·p = [0.7, -0.3]
    values(a).forEach((v, i) => expect(v).toBeCloseTo([0.9, -0.9][i], 6));
    // AdamW: p·(1 − lr·wd) − lr·sign(g)
    values(w).forEach((v, i) => expect(v).toBeCloseTo([0.95 - 0.1, -0.95 - 0.1][i], 6));
    const m = param([0]);
    const ams = new Adam([m], { lr: 0.1, betas: [0, 0.5], amsgrad: true });
    setGrad(m, [2]);
    ams.step();
    setGrad(m, [0.1]);
    ams.step();
    const st = ams.state.get(m)!;
    // v is 2 after the first gradient and falls to 1.005 after the small second one; the max keeps 2
    expect(values(st.tensors.max_exp_avg_sq)).toEqual([2]);
    expect(values(st.tensors.exp_avg_sq)[0]).toBeCloseTo(0.5 * 2 + 0.5 * 0.01, 12);
  });
});

describe('optimizer state dicts', () => {
  it('round-trip through JSON + safetensors and resume the exact trajectory', async () => {
    const make = () => {
      const p = new Parameter(tensor([0.5, -0.3, 0.8], { dtype: 'float32' }));
      return { p, opt: new AdamW([p], { lr: 0.05 }) };
    };
    const grads = Array.from({ length: 6 }, (_, i) => [Math.sin(i), Math.cos(i), 0.1 * i]);
    const straight = make();
    for (const g of grads) {
      straight.p.grad = tensor(g, { dtype: 'float32' }).keep();
      straight.opt.step();
      straight.opt.zeroGrad();
    }
    const first = make();
    for (const g of grads.slice(0, 3)) {
      first.p.grad = tensor(g, { dtype: 'float32' }).keep();
      first.opt.step();
      first.opt.zeroGrad();
    }
    const { tensors, ...json } = first.opt.stateDict();
    expect(Object.keys(tensors).sort()).toEqual(['0.exp_avg', '0.exp_avg_sq']);
    const text = JSON.stringify(json);
    const bytes = await saveSafetensors(tensors);
    const resumed = make();
    resumed.p.assign(first.p);
    resumed.opt.loadStateDict({ ...JSON.parse(text), tensors: loadSafetensors(bytes).tensors });
    expect(resumed.opt.state.get(resumed.p)!.step).toBe(3);
    for (const g of grads.slice(3)) {
      resumed.p.grad = tensor(g, { dtype: 'float32' }).keep();
      resumed.opt.step();
      resumed.opt.zeroGrad();
    }
    expect(values(resumed.p)).toEqual(values(straight.p));
  });

  it('refuse state for other groups or shapes', () => {
    const a = new SGD([param([1, 2])], { momentum: 0.9 });
    a.paramGroups[0].params[0].grad = tensor([1, 1], { dtype: 'float64' }).keep();
    a.step();
    const sd = a.stateDict();
    expect(() => new SGD([{ params: [param([1, 2])] }, { params: [param([1])] }]).loadStateDict(sd)).toThrow(/2 parameter groups|1 parameter groups/);
    expect(() => new SGD([param([1, 2, 3])], { momentum: 0.9 }).loadStateDict(sd)).toThrow(/has shape \[2\], parameter 0 has \[3\]/);
  });
});

describe('gradient clipping and accumulation', () => {
  it('clipGradNorm returns the norm before clipping and scales to maxNorm', () => {
    const a = param([3, 0]);
    const b = param([0]);
    setGrad(a, [3, 0]);
    setGrad(b, [4]);
    const norm = clipGradNorm([a, b], 1);
    expect(norm.itemSync()).toBeCloseTo(5, 6);
    expect(values(a.grad!)[0]).toBeCloseTo(0.6, 6);
    expect(values(b.grad!)[0]).toBeCloseTo(0.8, 6);
    expect(clipGradNorm([a, b], 10).itemSync()).toBeCloseTo(1, 5); // below maxNorm: unchanged
    expect(values(b.grad!)[0]).toBeCloseTo(0.8, 6);
    expect(clipGradNorm([a, b], 1, { normType: Infinity }).itemSync()).toBeCloseTo(0.8, 6);
    setGrad(a, [Number.NaN, 0]);
    expect(() => clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrow(/errorIfNonfinite/);
    setGrad(a, [-3, 0.5]);
    clipGradValue([a], 1);
    expect(values(a.grad!)).toEqual([-1, 0.5]);
    scaleGradients([a], 2);
    expect(values(a.grad!)).toEqual([-2, 1]);
    // autograd may hand out a gradient that views a larger buffer: clipping swaps, never assigns
    a.grad!.dispose();
    a.grad = tensor([9, 3, 4], { dtype: 'float64' }).narrow(0, 1, 2).keep();
    expect(clipGradNorm([a], 1).itemSync()).toBeCloseTo(5, 9);
    values(a.grad!).forEach((g, i) => expect(g).toBeCloseTo([0.6, 0.8][i], 6));
  });

  it('clipGradNormAsync clips as clipGradNorm does and rejects a non-finite norm with a typed error', async () => {
    const a = param([3, 0]);
    setGrad(a, [3, 4]);
    expect(await (await clipGradNormAsync([a], 1, { errorIfNonfinite: true })).item()).toBeCloseTo(5, 6);
    values(a.grad!).forEach((g, i) => expect(g).toBeCloseTo([0.6, 0.8][i], 6));
    setGrad(a, [Infinity, 0]);
    await expect(clipGradNormAsync([a], 1, { errorIfNonfinite: true })).rejects.toThrow(NonfiniteGradNormError);
    expect(() => clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrow(NonfiniteGradNormError);
    expect(values(a.grad!)[0]).toBe(Infinity); // refused: nothing was scaled
    expect((await clipGradNormAsync([param([1])], 1)).itemSync()).toBe(0); // no gradients at all
  });

  it('accumulating 4 micro-batches with lossScale equals one batch of the same rows', () => {
    const model = new Linear(3, 1, { dtype: 'float64', generator: gen });
    const x = randn([8, 3], { dtype: 'float64', generator: gen });
    const y = randn([8, 1], { dtype: 'float64', generator: gen });
    scope(() => model.call(x).sub(y).square().mean().backward());
    const full = values(model.weight.grad!);
    model.weight.grad = null;
    model.bias!.grad = null;
    const acc = new GradientAccumulation(4);
    const ticks: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      scope(() =>
        model
          .call(x.narrow(0, 2 * i, 2))
          .sub(y.narrow(0, 2 * i, 2))
          .square()
          .mean()
          .mul(acc.lossScale)
          .backward(),
      );
      ticks.push(acc.tick());
    }
    expect(ticks).toEqual([false, false, false, true]);
    values(model.weight.grad!).forEach((g, i) => expect(g).toBeCloseTo(full[i], 12));
    expect(() => new GradientAccumulation(0)).toThrow();
  });
});

class Tiny extends Module {
  embeddings = new Linear(2, 4);
  layers = [new Linear(4, 4), new Linear(4, 4)];
  norm = new LayerNorm(4);
  head = new Linear(4, 2);
  forward(x: Tensor): Tensor {
    return this.head.call(this.norm.call(this.layers[1].call(this.layers[0].call(this.embeddings.call(x)))));
  }
}

describe('parameter-group builders', () => {
  it('weightDecayGroups exempts biases and norm weights, skipping frozen parameters', () => {
    const m = new Tiny();
    m.head.requiresGrad_(false);
    const [decay, none] = weightDecayGroups(m, 0.01);
    expect(decay.params).toEqual([m.embeddings.weight, m.layers[0].weight, m.layers[1].weight]);
    expect(none.params).toEqual([m.embeddings.bias, m.layers[0].bias, m.layers[1].bias, m.norm.weight, m.norm.bias]);
    expect([decay.weightDecay, none.weightDecay]).toEqual([0.01, 0]);
    expect(new AdamW(weightDecayGroups(m, 0.01)).paramGroups.length).toBe(2);
  });

  it('layerwiseLrDecayGroups gives lower layers smaller learning rates', () => {
    const m = new Tiny();
    const groups = layerwiseLrDecayGroups(m, { lr: 1, decay: 0.5, numLayers: 2, weightDecay: 0.1 });
    const lrOf = (p: Parameter) => groups.find((g) => g.params.includes(p))!.lr;
    expect(lrOf(m.embeddings.weight)).toBe(0.125);
    expect(lrOf(m.layers[0].weight)).toBe(0.25);
    expect(lrOf(m.layers[1].bias!)).toBe(0.5);
    expect(lrOf(m.head.weight)).toBe(1);
    expect(groups.find((g) => g.params.includes(m.layers[1].bias!))!.weightDecay).toBe(0);
    expect(() => layerwiseLrDecayGroups(m, { lr: 1, decay: 0, numLayers: 2 })).toThrow(OptimizerConfigError);
  });
});

describe('optimizer memory', () => {
  it('a step leaves only the state tensors behind', () => {
    const p = param([1, 2, 3]);
    const opt = new AdamW([p]);
    setGrad(p, [1, 1, 1]);
    const before = memory().tensors;
    opt.step();
    expect(memory().tensors).toBe(before + 2);
    opt.step();
    expect(memory().tensors).toBe(before + 2);
    opt.disposeState();
    expect(memory().tensors).toBe(before);
  });
});
