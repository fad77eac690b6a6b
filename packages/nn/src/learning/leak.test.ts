/**
 * The leak test of DESIGN.md: live tensors, buffers and bytes are the same after step 10 and
 * step 200 of a training loop using Modules, AdamW with parameter groups, a schedule, gradient
 * clipping and a BatchNorm whose running statistics update every step.
 */
import { crossEntropy, Generator, memory, randint, randn, scope } from '@graft/core';
import { expect, it } from 'vitest';
import { GELU } from '../layers/activations';
import { BatchNorm1d } from '../layers/batch-norm';
import { Dropout } from '../layers/dropout';
import { Linear } from '../layers/linear';
import { LayerNorm } from '../layers/normalization';
import { Sequential } from '../module/containers';
import { AdamW } from '../optim/adam';
import { clipGradNorm } from '../optim/clip';
import { weightDecayGroups } from '../optim/param-groups';
import { LrScheduler } from '../schedulers/lr-scheduler';
import { linearWithWarmup } from '../schedulers/schedules';

it('keeps live tensors and bytes flat from step 10 to step 200', () => {
  const gen = new Generator(2);
  const model = new Sequential(
    new Linear(6, 16, { generator: gen }),
    new BatchNorm1d(16),
    new GELU(),
    new Dropout(0.1, { generator: gen }),
    new LayerNorm(16),
    new Linear(16, 3, { generator: gen }),
  );
  const x = randn([16, 6], { generator: gen }).keep();
  const y = randint(0, 3, [16], { generator: gen }).keep();
  const opt = new AdamW(weightDecayGroups(model, 0.01), { lr: 0.01 });
  const sched = new LrScheduler(opt, linearWithWarmup(10, 200));
  let at10: ReturnType<typeof memory> | null = null;
  let first = 0;
  let last = 0;
  for (let step = 1; step <= 200; step++) {
    const loss = scope(() => {
      const l = crossEntropy(model.call(x), y);
      l.backward();
      clipGradNorm(model.parameters(), 1);
      opt.step();
      opt.zeroGrad();
      sched.step();
      return l.itemSync();
    });
    if (step === 1) first = loss;
    last = loss;
    if (step === 10) at10 = memory();
  }
  expect(memory()).toEqual(at10);
  expect(last).toBeLessThan(first);
  model.dispose();
  opt.disposeState();
  x.dispose();
  y.dispose();
});
