import { describe, expect, it } from 'vitest';
import { EtaEstimator, formatDuration } from './eta';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('EtaEstimator', () => {
  it('ignores warm-up steps: a slow first step does not lower the rate', () => {
    const c = clock();
    const eta = new EtaEstimator({ totalSteps: 100, warmupSteps: 2, now: c.now });
    c.advance(5000); // kernel compilation
    eta.update(1);
    c.advance(100);
    eta.update(2);
    expect(eta.rate()).toBeUndefined();
    expect(eta.etaSeconds()).toBeUndefined();
    for (let s = 3; s <= 12; s++) {
      c.advance(100);
      eta.update(s);
    }
    expect(eta.rate()).toBeCloseTo(10, 6);
    expect(eta.etaSeconds()).toBeCloseTo(8.8, 6);
  });

  it('excludes evaluation time', () => {
    const c = clock();
    const eta = new EtaEstimator({ totalSteps: 40, warmupSteps: 0, now: c.now });
    eta.update(0);
    for (let s = 1; s <= 10; s++) {
      c.advance(200);
      eta.update(s);
    }
    eta.pause();
    c.advance(30_000);
    expect(eta.rate()).toBeCloseTo(5, 6); // also while paused
    eta.resume();
    for (let s = 11; s <= 20; s++) {
      c.advance(200);
      eta.update(s);
    }
    expect(eta.rate()).toBeCloseTo(5, 6);
    expect(eta.etaSeconds()).toBeCloseTo(4, 6);
  });
});

describe('formatDuration', () => {
  it('reads like a clock', () => {
    expect(formatDuration(undefined)).toBe('--');
    expect(formatDuration(9.4)).toBe('9s');
    expect(formatDuration(75)).toBe('1m15s');
    expect(formatDuration(3725)).toBe('1h02m');
  });
});
