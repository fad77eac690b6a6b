/**
 * The metric and the callback: balanced accuracy against a hand count (and unlike accuracy on
 * skewed classes), the callback stopping the run at the first evaluation that reaches the target
 * and not before, and its state surviving a checkpoint.
 */
import { expect, it } from 'vitest';
import { accuracy } from '@graft/train';
import { balancedAccuracy, points, StopAtTarget, trainToTarget } from './metric-and-callback';

it('balanced accuracy is the mean per-class recall, ignoring rows labelled -100', () => {
  // rows: true 0,0,0,1,-100 · predicted 0,0,1,1,(any): recall 2/3 for class 0, 1/1 for class 1
  const logits = Float32Array.from([2, 1, 3, 0, 0, 1, -1, 1, 5, 0]);
  const labels = Int32Array.from([0, 0, 0, 1, -100]);
  expect(balancedAccuracy({ logits, labels, numLabels: 2 }).balanced_accuracy).toBeCloseTo((2 / 3 + 1) / 2, 12);
  // always predicting the common class: accuracy 3/4, balanced accuracy 1/2
  const common = Float32Array.from([1, 0, 1, 0, 1, 0, 1, 0]);
  expect(balancedAccuracy({ logits: common, labels: Int32Array.from([0, 0, 0, 1]), numLabels: 2 }).balanced_accuracy).toBe(0.5);
});

it('scores the untrained (all-tied) model at accuracy 0.75 and balanced accuracy 0.5 on the evaluation points', () => {
  const labels = Int32Array.from(points(128, 2).map((p) => p.label));
  const tied = { logits: new Float32Array(labels.length * 2), labels, numLabels: 2 };
  expect([accuracy(tied).accuracy, balancedAccuracy(tied).balanced_accuracy]).toEqual([0.75, 0.5]);
});

it('stops the Trainer at the first evaluation that reaches the target', async () => {
  const { stoppedAt, reachedAt, history, metrics } = await trainToTarget(0.92, 200);
  expect(reachedAt).not.toBeNull();
  expect(stoppedAt).toBe(reachedAt);
  expect(stoppedAt).toBeLessThan(200);
  // one evaluation every 5 steps, every one before the last below the target
  expect(history).toHaveLength(stoppedAt / 5);
  expect(history.length).toBeGreaterThan(2);
  expect(Math.max(...history.slice(0, -1))).toBeLessThan(0.92);
  expect(metrics.eval_balanced_accuracy).toBeGreaterThanOrEqual(0.92);
  expect(metrics.step).toBe(stoppedAt);
  // an unreachable target trains to maxSteps
  const never = await trainToTarget(1.01, 20);
  expect([never.stoppedAt, never.reachedAt]).toEqual([20, null]);
});

it('keeps the step it stopped at in its state, and names a missing metric', () => {
  const stop = new StopAtTarget('eval_f1', 0.5);
  stop.reachedAt = 35;
  const restored = new StopAtTarget('eval_f1', 0.5);
  restored.loadStateDict(stop.stateDict());
  expect(restored.reachedAt).toBe(35);
  const ctx = { state: { globalStep: 5 }, control: { shouldStop: false } } as unknown as Parameters<NonNullable<StopAtTarget['onEvaluate']>>[0];
  expect(() => stop.onEvaluate?.(ctx, { eval_loss: 0.3 })).toThrow(/has no 'eval_f1' \(it has eval_loss\)/);
});
