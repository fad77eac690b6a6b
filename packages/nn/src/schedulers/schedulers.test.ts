import { tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { OptimizerConfigError } from '../errors';
import { Parameter } from '../module/parameter';
import { SGD } from '../optim/sgd';
import { LrScheduler } from './lr-scheduler';
import { ReduceLrOnPlateau } from './plateau';
import {
  constantSchedule,
  constantWithWarmup,
  cosineWithHardRestarts,
  cosineWithWarmup,
  exponentialDecay,
  linearWithWarmup,
  polynomialDecay,
  stepDecay,
} from './schedules';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const optimizer = (lr = 1, groups = 1) =>
  new SGD(
    range(groups).map(() => ({ params: [new Parameter(tensor([1], { dtype: 'float32' }))] })),
    { lr },
  );

describe('schedules (HF transformers.optimization formulas)', () => {
  it('constant and constant with warmup', () => {
    expect(range(3).map(constantSchedule())).toEqual([1, 1, 1]);
    expect(range(6).map(constantWithWarmup(4))).toEqual([0, 0.25, 0.5, 0.75, 1, 1]);
  });

  it('linear warmup then linear decay to zero', () => {
    const f = linearWithWarmup(3, 10);
    const want = [0, 1 / 3, 2 / 3, 1, 6 / 7, 5 / 7, 4 / 7, 3 / 7, 2 / 7, 1 / 7, 0, 0];
    range(12).forEach((s) => expect(f(s)).toBeCloseTo(want[s], 15));
    expect(linearWithWarmup(0, 4)(0)).toBe(1);
  });

  it('cosine with warmup, and with hard restarts', () => {
    const f = cosineWithWarmup(2, 12);
    expect(f(1)).toBe(0.5);
    expect(f(2)).toBe(1);
    expect(f(7)).toBeCloseTo(0.5, 15);
    expect(f(12)).toBeCloseTo(0, 15);
    const r = cosineWithHardRestarts(0, 10, 2);
    expect(r(0)).toBe(1);
    expect(r(4)).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI * 0.8)), 15);
    expect(r(5)).toBeCloseTo(1, 15); // the restart
    expect(r(10)).toBe(0);
  });

  it('polynomial decay, step and exponential decay', () => {
    const p = polynomialDecay(2, 10, { lrInit: 1, lrEnd: 0.1, power: 2 });
    expect(p(0)).toBe(0);
    expect(p(2)).toBeCloseTo(1, 15);
    expect(p(6)).toBeCloseTo(0.9 * 0.25 + 0.1, 15);
    expect(p(20)).toBeCloseTo(0.1, 15);
    expect(range(7).map(stepDecay(3, 0.5))).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25]);
    expect(exponentialDecay(0.5)(3)).toBe(0.125);
    expect(() => linearWithWarmup(-1, 3)).toThrow(OptimizerConfigError);
    expect(() => stepDecay(0)).toThrow(OptimizerConfigError);
    expect(() => polynomialDecay(0, 5, { lrInit: 1e-8 })).toThrow(/lrEnd/);
  });
});

describe('LrScheduler', () => {
  it('sets every group from its base rate, per-group schedules included, and resumes from JSON', () => {
    const opt = optimizer(0.1, 2);
    opt.paramGroups[1].lr = 1;
    const s = new LrScheduler(opt, [linearWithWarmup(2, 4), constantSchedule()]);
    expect(s.lastLrs).toEqual([0, 1]);
    s.step();
    expect(s.lastLrs).toEqual([0.05, 1]);
    s.step();
    const saved = JSON.parse(JSON.stringify(s.stateDict()));
    const opt2 = optimizer(7, 2);
    const s2 = new LrScheduler(opt2, [linearWithWarmup(2, 4), constantSchedule()]);
    s2.loadStateDict(saved);
    s.step();
    s2.step();
    expect(s2.lastLrs).toEqual(s.lastLrs);
    expect(s2.lastStep).toBe(3);
    expect(() => new LrScheduler(opt, [constantSchedule()])).toThrow(OptimizerConfigError);
  });
});

describe('ReduceLrOnPlateau', () => {
  it('cuts the rate after `patience` epochs without improvement, honouring cooldown and minLr', () => {
    const opt = optimizer(1);
    const s = new ReduceLrOnPlateau(opt, { patience: 1, factor: 0.5, cooldown: 1, minLr: 0.3 });
    const lrs = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95].map((metric) => {
      s.step(metric);
      return opt.paramGroups[0].lr;
    });
    // bad epochs at 0.95 ×2 → 0.5; cooldown one epoch; two more bad → 0.3 (minLr), then stays
    expect(lrs).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.3, 0.3]);
    const copy = new ReduceLrOnPlateau(optimizer(1), { patience: 1, factor: 0.5, cooldown: 1, minLr: 0.3 });
    copy.loadStateDict(JSON.parse(JSON.stringify(s.stateDict())));
    expect(copy.stateDict()).toEqual(s.stateDict());
    const fresh = new ReduceLrOnPlateau(optimizer(1), { mode: 'max' });
    fresh.loadStateDict(JSON.parse(JSON.stringify(fresh.stateDict())));
    expect(fresh.stateDict().best).toBe(-Infinity);
    expect(() => new ReduceLrOnPlateau(opt, { factor: 1 })).toThrow(OptimizerConfigError);
  });
});
