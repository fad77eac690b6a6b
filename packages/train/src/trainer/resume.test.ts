/**
 * Exact resume in one process (the SIGKILL version, across processes, is in
 * node/resume-after-kill.test.ts): a run stopped by an error after a checkpoint, resumed in a
 * fresh Trainer and model, ends with the same weights, byte for byte, and the same log history
 * (timings aside) as a run that was never stopped. Dropout, gradient accumulation, warmup,
 * evaluation and early stopping's counter all have to continue exactly for that.
 */
import { Dataset } from '@graft/data';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, tinyCollate, tinyRows } from '../../../../test-utils/train/tiny-classifier';
import type { TrainerCallback } from '../callbacks/callback';
import { memoryCheckpointStore } from '../checkpoint/store';
import { CheckpointError } from '../errors';
import { classificationMetrics } from '../metrics/compute-metrics';
import { trainerStateFromJson } from '../state/trainer-state';
import { Trainer, type TrainerOptions } from './trainer';
import type { TinyBatch, TinyRow } from '../../../../test-utils/train/tiny-classifier';

const trainRows = Dataset.fromRows(tinyRows(96, { seed: 3 }));
const devRows = Dataset.fromRows(tinyRows(24, { seed: 4 }));

function options(store = memoryCheckpointStore(), extra: Partial<TrainerOptions<TinyRow, TinyBatch>> = {}, args = {}): TrainerOptions<TinyRow, TinyBatch> {
  return {
    model: new TinyClassifier({ dropout: 0.2 }),
    args: {
      learningRate: 0.02,
      numTrainEpochs: 3,
      perDeviceTrainBatchSize: 8,
      gradientAccumulationSteps: 2,
      weightDecay: 0.01,
      warmupRatio: 0.1,
      loggingSteps: 2,
      evalStrategy: 'steps',
      evalSteps: 4,
      saveSteps: 4,
      metricForBestModel: 'accuracy',
      earlyStoppingPatience: 50,
      seed: 7,
      ...args,
    },
    trainDataset: trainRows,
    evalDataset: devRows,
    collate: tinyCollate,
    computeMetrics: classificationMetrics(),
    store,
    ...extra,
  };
}

/** Throws at `step`, as a crash would interrupt the run. */
const crashAt = (step: number): TrainerCallback => ({
  name: 'crash',
  onStepEnd: ({ state }) => {
    if (state.globalStep === step) throw new Error(`crash at step ${step}`);
  },
});

/** The log history without timings (which differ run to run). */
const history = (t: Trainer<TinyRow, TinyBatch>) =>
  t.state.logHistory.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !/(runtime|per_second)$/.test(k) && k !== 'train_loss')));

describe('resumeFromCheckpoint', () => {
  it('continues a run interrupted mid-epoch to bit-identical weights and the same log history', async () => {
    const reference = new Trainer(options());
    await reference.train();
    const referenceWeights = (reference.store as ReturnType<typeof memoryCheckpointStore>).dirs.get('')!.get('model.safetensors')!;

    const store = memoryCheckpointStore();
    const first = new Trainer(options(store, { callbacks: [crashAt(10)] }));
    await expect(first.train()).rejects.toThrow('crash at step 10');
    expect(await store.list()).toEqual(['checkpoint-4', 'checkpoint-8']);
    // step 8 is in the middle of epoch 1 (6 steps per epoch)
    const data = JSON.parse(new TextDecoder().decode((await store.read('checkpoint-8', 'data_state.json'))!));
    expect(data).toEqual({ loader: { epoch: 1, batchIndex: 4, seed: 7 }, epochEndDone: false });

    const resumed = new Trainer(options(store));
    await resumed.train({ resumeFromCheckpoint: true });
    const resumedWeights = store.dirs.get('')!.get('model.safetensors')!;
    expect(Buffer.from(resumedWeights).equals(Buffer.from(referenceWeights))).toBe(true);
    expect(history(resumed)).toEqual(history(reference));
    expect(resumed.state.bestMetric).toBe(reference.state.bestMetric);
    expect(resumed.state.bestModelCheckpoint).toBe(reference.state.bestModelCheckpoint);
  });

  it('resumes from a checkpoint written at an epoch’s end without repeating it', async () => {
    const args = { evalStrategy: 'epoch', saveStrategy: 'epoch', loggingStrategy: 'epoch', earlyStoppingPatience: null };
    const reference = new Trainer(options(undefined, {}, args));
    await reference.train();
    const store = memoryCheckpointStore();
    await expect(new Trainer(options(store, { callbacks: [crashAt(8)] }, args)).train()).rejects.toThrow();
    expect(await store.list()).toEqual(['checkpoint-6']);
    const resumed = new Trainer(options(store, {}, args));
    await resumed.train({ resumeFromCheckpoint: 'out/checkpoint-6/' });
    expect(history(resumed)).toEqual(history(reference));
    expect(
      Buffer.from(store.dirs.get('')!.get('model.safetensors')!).equals(
        Buffer.from((reference.store as ReturnType<typeof memoryCheckpointStore>).dirs.get('')!.get('model.safetensors')!),
      ),
    ).toBe(true);
  });

  it('drops the gradients a crash left mid-window when the same model resumes', async () => {
    const args = { maxSteps: 3, saveSteps: 1, evalStrategy: 'no', earlyStoppingPatience: null, metricForBestModel: null };
    const reference = new Trainer(options(undefined, {}, args));
    await reference.train();
    const store = memoryCheckpointStore();
    const opts = options(store, {}, args);
    let calls = 0;
    const model = opts.model;
    // the 4th micro-batch (the second of step 2) fails after the 3rd's backward left gradients
    const crashing = new Trainer({
      ...opts,
      trainStep: (batch) => {
        if (++calls === 4) throw new Error('crash mid-window');
        return { loss: model.call(batch).loss! };
      },
    });
    await expect(crashing.train()).rejects.toThrow('crash mid-window');
    expect(model.parameters().some((p) => p.grad !== null)).toBe(true);
    await new Trainer({ ...opts, optimizer: crashing.optimizer!, scheduler: crashing.scheduler! }).train({ resumeFromCheckpoint: true });
    const weights = (t: Trainer<TinyRow, TinyBatch>) => (t.store as ReturnType<typeof memoryCheckpointStore>).dirs.get('')!.get('model.safetensors')!;
    expect(Buffer.from(store.dirs.get('')!.get('model.safetensors')!).equals(Buffer.from(weights(reference)))).toBe(true);
  });

  it('says what is wrong with a checkpoint it cannot resume from', async () => {
    const store = memoryCheckpointStore();
    await expect(new Trainer(options(store)).train({ resumeFromCheckpoint: true })).rejects.toMatchObject({ code: 'checkpoint_not_found' });
    await expect(new Trainer(options(store, { callbacks: [crashAt(5)] })).train()).rejects.toThrow();
    await expect(new Trainer(options(store)).train({ resumeFromCheckpoint: 'checkpoint-9' })).rejects.toThrow(
      /no checkpoint 'checkpoint-9'.*available: checkpoint-4/,
    );
    await expect(new Trainer(options(store, {}, { perDeviceTrainBatchSize: 4 })).train({ resumeFromCheckpoint: true })).rejects.toThrow(
      /perDeviceTrainBatchSize 8, this run has 4/,
    );
    const other = options(store);
    other.model = new TinyClassifier({ dim: 8 });
    await expect(new Trainer(other).train({ resumeFromCheckpoint: true })).rejects.toMatchObject({ code: 'checkpoint_mismatch' });
    store.dirs.get('checkpoint-4')!.delete('optimizer.safetensors');
    const e = await new Trainer(options(store)).train({ resumeFromCheckpoint: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as CheckpointError).message).toMatch(/checkpoint 'checkpoint-4' has no optimizer.safetensors/);
    store.dirs.get('checkpoint-4')!.set('trainer_state.json', new TextEncoder().encode('{"epoch": "one"}'));
    await expect(new Trainer(options(store)).train({ resumeFromCheckpoint: true })).rejects.toThrow(/trainer_state.json: field "epoch" must be a number/);
  });

  it('writes trainer_state.json in HF’s shape', async () => {
    const store = memoryCheckpointStore();
    await expect(new Trainer(options(store, { callbacks: [crashAt(9)] })).train()).rejects.toThrow();
    const text = new TextDecoder().decode((await store.read('checkpoint-8', 'trainer_state.json'))!);
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
    expect(json).toMatchObject({
      global_step: 8,
      max_steps: 18,
      num_train_epochs: 3,
      train_batch_size: 16,
      logging_steps: 2,
      eval_steps: 4,
      save_steps: 4,
      best_global_step: expect.any(Number),
      best_model_checkpoint: expect.stringMatching(/^trainer_output\/checkpoint-[48]$/),
      total_flos: 0,
      stateful_callbacks: {
        EarlyStoppingCallback: {
          args: { early_stopping_patience: 50, early_stopping_threshold: 0 },
          attributes: { early_stopping_patience_counter: expect.any(Number) },
        },
      },
    });
    expect(json.epoch).toBeCloseTo(1 + 4 / 12, 12);
    // step 2 = 4 batches of 12 in epoch 0
    expect(json.log_history[0]).toEqual({ epoch: 4 / 12, grad_norm: expect.any(Number), learning_rate: expect.any(Number), loss: expect.any(Number), step: 2 });
    expect(json.log_history.find((e: Record<string, number>) => 'eval_loss' in e)).toMatchObject({ step: 4, eval_accuracy: expect.any(Number) });
    expect(trainerStateFromJson(text).globalStep).toBe(8);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
