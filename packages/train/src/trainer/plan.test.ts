/** The run's arithmetic (HF's): steps per epoch, total steps, warmup, intervals, and the schedule each type names. */
import { describe, expect, it } from 'vitest';
import { TinyClassifier } from '../../../../test-utils/train/tiny-classifier';
import { trainingArguments } from '../args/training-args';
import { createOptimizer, scheduleFor, trainingPlan } from './plan';

describe('trainingPlan', () => {
  it('counts a short last accumulation window as a step, and fractional epochs round up', () => {
    expect(trainingPlan(trainingArguments({ gradientAccumulationSteps: 4, numTrainEpochs: 2 }), 10)).toMatchObject({
      stepsPerEpoch: 3,
      maxSteps: 6,
      numEpochs: 2,
    });
    expect(trainingPlan(trainingArguments({ numTrainEpochs: 0.5 }), 10)).toMatchObject({ maxSteps: 5, numEpochs: 1 });
    expect(trainingPlan(trainingArguments({ maxSteps: 25 }), 10)).toMatchObject({ maxSteps: 25, numEpochs: 3 });
  });

  it('takes warmup from steps, else from the ratio (rounded up), and makes ratio intervals absolute', () => {
    expect(trainingPlan(trainingArguments({ warmupRatio: 0.1, maxSteps: 95 }), 10).warmupSteps).toBe(10);
    expect(trainingPlan(trainingArguments({ warmupRatio: 0.1, warmupSteps: 3, maxSteps: 95 }), 10).warmupSteps).toBe(3);
    expect(trainingPlan(trainingArguments({ loggingSteps: 0.1, saveSteps: 0.25, evalSteps: 7, maxSteps: 95 }), 10)).toMatchObject({
      loggingSteps: 10,
      saveSteps: 24,
      evalSteps: 7,
    });
  });

  it('refuses data that makes no batch', () => {
    expect(() => trainingPlan(trainingArguments({ dataloaderDropLast: true }), 0)).toThrow(/no batch per epoch .*dataloaderDropLast/);
  });
});

describe('scheduleFor', () => {
  const plan = trainingPlan(trainingArguments({ maxSteps: 10, warmupSteps: 2 }), 100);
  const at = (type: string, steps: number[]) => steps.map(scheduleFor(trainingArguments({ lrSchedulerType: type as never, learningRate: 1e-3 }), plan));

  it('matches transformers’ get_*_schedule_with_warmup', () => {
    expect(at('linear', [0, 1, 2, 6, 10])).toEqual([0, 0.5, 1, 0.5, 0]);
    const cosine = at('cosine', [1, 2, 6, 10]);
    expect(cosine[0]).toBe(0.5);
    expect(cosine[1]).toBe(1);
    expect(cosine[2]).toBeCloseTo(0.5, 12);
    expect(cosine[3]).toBeCloseTo(0, 12);
    expect(at('constant', [0, 5])).toEqual([1, 1]);
    expect(at('constant_with_warmup', [1, 2, 9])).toEqual([0.5, 1, 1]);
    // polynomial: (lr − 1e-7) · remaining + 1e-7, relative to lr
    expect(at('polynomial', [6])[0]).toBeCloseTo(((1e-3 - 1e-7) * 0.5 + 1e-7) / 1e-3, 12);
  });
});

describe('createOptimizer', () => {
  it('exempts biases and LayerNorm weights from weight decay', () => {
    const model = new TinyClassifier();
    const opt = createOptimizer(model, trainingArguments({ weightDecay: 0.01, adamBeta2: 0.98 }));
    const decayed = new Set(opt.paramGroups[0].params);
    const names = Object.fromEntries([...model.namedParameters()].map(([n, p]) => [n, decayed.has(p)]));
    expect(names).toEqual({
      'embeddings.weight': true,
      'LayerNorm.weight': false,
      'LayerNorm.bias': false,
      'classifier.weight': true,
      'classifier.bias': false,
    });
    expect(opt.paramGroups.map((g) => (g as unknown as { weightDecay: number }).weightDecay)).toEqual([0.01, 0]);
    expect((opt.paramGroups[0] as unknown as { betas: number[] }).betas).toEqual([0.9, 0.98]);
    expect(createOptimizer(model, trainingArguments({ optim: 'sgd' })).constructor.name).toBe('SGD');
    model.requiresGrad_(false);
    expect(() => createOptimizer(model, trainingArguments())).toThrow(/no trainable parameters/);
    model.dispose();
  });
});
