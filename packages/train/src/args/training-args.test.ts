import { describe, expect, it } from 'vitest';
import { TrainingArgumentsError } from '../errors';
import { TRAINING_ARGUMENT_DEFAULTS, TRAINING_ARGUMENT_KEYS, trainingArguments } from './training-args';
import { trainingArgumentsFromJson, trainingArgumentsToJson } from './training-args-json';

function thrown(fn: () => unknown): TrainingArgumentsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrainingArgumentsError);
    return e as TrainingArgumentsError;
  }
  throw new Error('expected a TrainingArgumentsError');
}

describe('trainingArguments', () => {
  it("has HF's defaults", () => {
    const a = trainingArguments();
    expect(a).toMatchObject({
      outputDir: 'trainer_output',
      runName: 'trainer_output',
      learningRate: 5e-5,
      numTrainEpochs: 3,
      maxSteps: -1,
      perDeviceTrainBatchSize: 8,
      perDeviceEvalBatchSize: 8,
      gradientAccumulationSteps: 1,
      weightDecay: 0,
      adamBeta1: 0.9,
      adamBeta2: 0.999,
      adamEpsilon: 1e-8,
      maxGradNorm: 1,
      lrSchedulerType: 'linear',
      warmupRatio: 0,
      warmupSteps: 0,
      evalStrategy: 'no',
      evalSteps: null,
      saveStrategy: 'steps',
      saveSteps: 500,
      loggingStrategy: 'steps',
      loggingSteps: 500,
      loggingFirstStep: false,
      saveTotalLimit: null,
      loadBestModelAtEnd: false,
      metricForBestModel: null,
      greaterIsBetter: null,
      seed: 42,
      dataSeed: null,
      device: 'cpu',
    });
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.keys(a)).toEqual(TRAINING_ARGUMENT_KEYS);
    expect(TRAINING_ARGUMENT_DEFAULTS.runName).toBeNull();
  });

  it('derives what HF derives', () => {
    expect(trainingArguments({ evalStrategy: 'steps', loggingSteps: 50 }).evalSteps).toBe(50);
    const best = trainingArguments({ loadBestModelAtEnd: true, evalStrategy: 'epoch', saveStrategy: 'epoch' });
    expect(best.metricForBestModel).toBe('loss');
    expect(best.greaterIsBetter).toBe(false);
    expect(trainingArguments({ metricForBestModel: 'accuracy' }).greaterIsBetter).toBe(true);
    expect(trainingArguments({ metricForBestModel: 'eval_loss', greaterIsBetter: true }).greaterIsBetter).toBe(true);
    expect(trainingArguments({ outputDir: 'runs/a', runName: null as never }).runName).toBe('runs/a');
  });

  it('rejects unknown keys, naming them and suggesting the camelCase name', () => {
    const e = thrown(() => trainingArguments({ learning_rate: 1e-4 } as never));
    expect(e.code).toBe('training_args_unknown_key');
    expect(e.key).toBe('learning_rate');
    expect(e.message).toContain("did you mean 'learningRate'");
    expect(thrown(() => trainingArguments({ evaluationStrategy: 'epoch' } as never)).message).toContain("did you mean 'evalStrategy'");
    expect(thrown(() => trainingArguments({ learningRat: 1 } as never)).message).toContain("did you mean 'learningRate'");
    expect(thrown(() => trainingArguments({ zzz: 1 } as never)).message).not.toContain('did you mean');
  });

  it.each([
    ['learningRate', -1, 'a number in [0, ∞)'],
    ['learningRate', Number.NaN, 'a number in [0, ∞)'],
    ['numTrainEpochs', 0, 'a number in (0, ∞)'],
    ['adamBeta1', 1, 'a number in [0, 1)'],
    ['warmupRatio', 1.5, 'a number in [0, 1]'],
    ['perDeviceTrainBatchSize', 0, 'an integer ≥ 1'],
    ['gradientAccumulationSteps', 2.5, 'an integer ≥ 1'],
    ['maxSteps', 0, 'an integer ≥ 1 (or -1)'],
    ['evalStrategy', 'epochs', 'one of: no, steps, epoch'],
    ['lrSchedulerType', 'cosine_with_restarts', 'one of: linear, cosine, constant, constant_with_warmup, polynomial'],
    ['optim', 'adamw_torch', 'one of: adamw, sgd'],
    ['device', 'cuda', 'one of: cpu, webgpu'],
    ['loggingSteps', 1.5, 'an integer ≥ 1, or a ratio of all training steps in (0, 1)'],
    ['loadBestModelAtEnd', 'yes', 'true or false'],
    ['outputDir', '', 'a non-empty string'],
    ['saveTotalLimit', 0, 'an integer ≥ 1, or null'],
  ])('rejects %s = %s, saying what it accepts', (key, value, allowed) => {
    const e = thrown(() => trainingArguments({ [key]: value }));
    expect(e.code).toBe('training_args_invalid_value');
    expect(e.key).toBe(key);
    expect(e.allowed).toBe(allowed);
    expect(e.message).toContain(`${key} must be ${allowed}`);
  });

  it('accepts step ratios and null where HF does', () => {
    expect(trainingArguments({ loggingSteps: 0.1, saveSteps: 0.25, saveTotalLimit: null }).loggingSteps).toBe(0.1);
  });

  it('checks loadBestModelAtEnd and early stopping against the strategies (as HF)', () => {
    const mismatch = thrown(() => trainingArguments({ loadBestModelAtEnd: true, evalStrategy: 'epoch', saveStrategy: 'steps' }));
    expect(mismatch.code).toBe('training_args_conflict');
    expect(mismatch.message).toMatch(/evalStrategy 'epoch' and saveStrategy 'steps'/);
    expect(thrown(() => trainingArguments({ loadBestModelAtEnd: true, evalStrategy: 'no', saveStrategy: 'no' })).message).toMatch(/needs evaluations/);
    expect(
      thrown(() => trainingArguments({ loadBestModelAtEnd: true, evalStrategy: 'steps', saveStrategy: 'steps', evalSteps: 30, saveSteps: 50 })).message,
    ).toMatch(/round multiple of evalSteps/);
    expect(trainingArguments({ loadBestModelAtEnd: true, evalStrategy: 'steps', saveStrategy: 'steps', evalSteps: 25, saveSteps: 50 }).saveSteps).toBe(50);
    expect(trainingArguments({ loadBestModelAtEnd: true, evalStrategy: 'steps', saveStrategy: 'steps', evalSteps: 0.1, saveSteps: 0.3 }).saveSteps).toBe(0.3);
    expect(thrown(() => trainingArguments({ earlyStoppingPatience: 2 })).key).toBe('earlyStoppingPatience');
    expect(thrown(() => trainingArguments({ lrSchedulerType: 'polynomial', learningRate: 1e-8 })).key).toBe('learningRate');
  });

  it('rejects a non-object', () => {
    expect(thrown(() => trainingArguments([] as never)).message).toContain('must be an object, got an array');
  });
});

describe('training_args.json', () => {
  it('round-trips under HF snake_case names', () => {
    const a = trainingArguments({ learningRate: 1e-4, adamBeta2: 0.98, evalStrategy: 'epoch', saveStrategy: 'epoch', loadBestModelAtEnd: true, dataSeed: 3 });
    const text = trainingArgumentsToJson(a);
    const json = JSON.parse(text);
    expect(json.learning_rate).toBe(1e-4);
    expect(json.adam_beta2).toBe(0.98);
    expect(json.per_device_train_batch_size).toBe(8);
    expect(json.load_best_model_at_end).toBe(true);
    expect(json.metric_for_best_model).toBe('loss');
    expect(Object.keys(json).every((k) => k === k.toLowerCase())).toBe(true);
    expect(trainingArgumentsFromJson(text)).toEqual(a);
  });

  it('names bad keys and values of the file', () => {
    expect(thrown(() => trainingArgumentsFromJson('{"fp16": true}')).key).toBe('fp16');
    expect(thrown(() => trainingArgumentsFromJson('{"eval_strategy": "sometimes"}')).key).toBe('evalStrategy');
    expect(thrown(() => trainingArgumentsFromJson('{')).message).toMatch(/not valid JSON/);
    expect(thrown(() => trainingArgumentsFromJson('[1]')).message).toMatch(/one JSON object/);
  });
});
