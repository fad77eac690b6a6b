/** Scheduled hyperparameters: the ramps' values along a run, and the errors that say what to do. */
import { describe, expect, it } from 'vitest';
import { DistillError } from './errors';
import { cosineRamp, linearRamp, parseScheduled, valueAt } from './schedule';

describe('scheduled α and T', () => {
  it('a number is constant; a ramp goes from → to over the run, flat outside its steps', () => {
    expect(valueAt('alpha', 0.3, 57, undefined)).toBe(0.3);
    const lin = linearRamp({ from: 0.9, to: 0.1 });
    expect([0, 25, 50, 100, 150].map((s) => valueAt('alpha', lin, s, 100))).toEqual([0.9, 0.7, 0.5, 0.1, 0.1].map((v) => expect.closeTo(v, 12)));
    const late = linearRamp({ from: 4, to: 1, startStep: 10, endStep: 20 });
    expect([0, 10, 15, 20, 99].map((s) => late(s, 100))).toEqual([4, 4, 2.5, 1, 1]);
    const cos = cosineRamp({ from: 1, to: 0 });
    expect(cos(0, 100)).toBe(1);
    expect(cos(50, 100)).toBeCloseTo(0.5, 12);
    expect(cos(25, 100)).toBeCloseTo((1 + Math.cos(Math.PI / 4)) / 2, 12);
    expect(cos(100, 100)).toBeCloseTo(0, 12);
    // any function of (step, totalSteps): the seed material's α(t)
    expect(valueAt('alpha', (s, n) => (s < n / 2 ? 1 : 0.5), 60, 100)).toBe(0.5);
  });

  it('refuses a schedule without the run length, a non-finite value, and bad ramps', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DistillError);
        return `${(e as DistillError).code} ${(e as DistillError).field}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(err(() => valueAt('alpha', linearRamp({ from: 1, to: 0 }), 3, undefined))).toMatch(/^distill_schedule alpha: .*totalSteps/);
    expect(err(() => valueAt('temperature', () => Number.NaN, 3, 10))).toMatch(/^distill_schedule temperature: .*NaN at step 3 of 10/);
    expect(err(() => linearRamp({ from: 1, to: Number.POSITIVE_INFINITY }))).toMatch(/^distill_config to:/);
    expect(err(() => cosineRamp({ from: 1, to: 0, startStep: 5, endStep: 5 }))).toMatch(/^distill_config endStep:/);
    expect(err(() => cosineRamp({ from: 1, to: 0, startStep: -1 }))).toMatch(/^distill_config startStep:/);
  });

  it('parses schedules from command-line text', () => {
    expect(parseScheduled('0.5')).toBe(0.5);
    const lin = parseScheduled('linear:0.9:0.1', 'alpha');
    expect(valueAt('alpha', lin, 50, 100)).toBeCloseTo(0.5, 12);
    const cos = parseScheduled('cosine:4:1:10:20', 'temperature');
    expect([0, 15, 30].map((s) => valueAt('temperature', cos, s, 100))).toEqual([4, expect.closeTo(2.5, 12), 1]);
    for (const bad of ['', 'abc', 'linear:1', 'step:1:0', 'linear:1:0:5', 'linear:1:x', 'cosine:1:0:0:10:3']) {
      expect(() => parseScheduled(bad, 'alpha'), bad).toThrow(DistillError);
    }
    expect(() => parseScheduled('linear:1', 'alpha')).toThrow(/alpha: 'linear:1' is not a schedule; write a number/);
  });
});
