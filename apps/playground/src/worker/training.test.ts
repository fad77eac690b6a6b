import { trainingArguments } from '@graft/train';
import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../protocol';
import { loraConfig } from './session';
import { RunControl, trainingArgs } from './training';
import { softmax } from './predict';

const SPEC: RunSpec = {
  name: 'lora-1',
  method: 'lora',
  lora: { r: 8, alpha: 16, dropout: 0.1, targets: ['query', 'value'] },
  train: {
    learningRate: 1e-3,
    numTrainEpochs: 1,
    maxSteps: 0,
    batchSize: 16,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    saveSteps: 25,
    evalSteps: 25,
    loggingSteps: 5,
    seed: 42,
    unfreezeEvery: 10,
  },
};

describe('trainingArgs', () => {
  it('gives the Trainer arguments it accepts, with 0 max steps meaning the epochs decide and one checkpoint kept', () => {
    const args = trainingArguments(trainingArgs(SPEC, 'webgpu'));
    expect(args).toMatchObject({ maxSteps: -1, perDeviceTrainBatchSize: 16, saveTotalLimit: 1, evalSteps: 25, device: 'webgpu' });
    expect(trainingArguments(trainingArgs({ ...SPEC, train: { ...SPEC.train, maxSteps: 12 } }, 'cpu')).maxSteps).toBe(12);
  });
});

describe('loraConfig', () => {
  it('saves a pooler the checkpoint lacked with the adapter, so every framework loads the same one', () => {
    expect(loraConfig(SPEC.lora, ['bert.pooler.dense.weight', 'classifier.weight'])).toMatchObject({
      peft_type: 'LORA',
      task_type: 'SEQ_CLS',
      r: 8,
      modules_to_save: ['pooler'],
    });
    expect(loraConfig({ ...SPEC.lora, targets: 'all-linear' }, ['classifier.weight'])).toMatchObject({ target_modules: 'all-linear', modules_to_save: null });
  });
});

describe('RunControl', () => {
  it('holds a step end while paused, stops the clock meanwhile, and cancels by asking the Trainer to stop', async () => {
    const states: string[] = [];
    const control = new RunControl((s) => states.push(s));
    const ctx = { control: { shouldStop: false } } as unknown as Parameters<RunControl['onStepEnd']>[0];
    control.pause();
    let released = false;
    const held = control.onStepEnd(ctx).then(() => {
      released = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(released).toBe(false);
    const frozen = control.now();
    await new Promise((r) => setTimeout(r, 20));
    expect(control.now() - frozen).toBeLessThan(5);
    control.cancel();
    await held;
    expect(ctx.control.shouldStop).toBe(true);
    expect(states).toEqual(['paused']);
  });
});

describe('softmax', () => {
  it('gives probabilities that sum to one, without overflow on large logits', () => {
    const p = softmax([1000, 1000 + Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(p[1]).toBeCloseTo(0.75, 12);
  });
});
