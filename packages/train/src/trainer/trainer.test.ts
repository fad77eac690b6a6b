/**
 * The Trainer on the CPU with the tiny classifier of test-utils: it learns, logs in HF's shape,
 * evaluates and predicts with metrics, accumulates gradients exactly, and refuses bad setups
 * with typed errors.
 */
import { Dataset } from '@graft/data';
import { defaultGenerator, memory } from '@graft/core';
import { AdamW } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, tinyCollate, tinyRows } from '../../../../test-utils/train/tiny-classifier';
import { CheckpointingCallback } from '../callbacks/checkpointing';
import type { TrainerCallback } from '../callbacks/callback';
import { memoryCheckpointStore } from '../checkpoint/store';
import { TrainerError } from '../errors';
import { classificationMetrics } from '../metrics/compute-metrics';
import { Trainer } from './trainer';

const train = Dataset.fromRows(tinyRows(96, { seed: 3 }));
const dev = Dataset.fromRows(tinyRows(40, { seed: 4 }));

describe('Trainer', () => {
  it('learns the task, logging and evaluating in HF’s shape', async () => {
    const model = new TinyClassifier();
    const store = memoryCheckpointStore();
    const trainer = new Trainer({
      model,
      args: {
        learningRate: 0.05,
        numTrainEpochs: 4,
        perDeviceTrainBatchSize: 16,
        loggingSteps: 6,
        evalStrategy: 'epoch',
        saveStrategy: 'no',
        warmupRatio: 0.1,
        seed: 0,
      },
      trainDataset: train,
      evalDataset: dev,
      collate: tinyCollate,
      computeMetrics: classificationMetrics(),
      store,
    });
    const before = await trainer.evaluate();
    const out = await trainer.train();
    expect(out.globalStep).toBe(24); // 96 / 16 = 6 steps × 4 epochs
    const logs = trainer.state.logHistory.filter((e) => e.loss !== undefined);
    expect(logs.map((e) => e.step)).toEqual([6, 12, 18, 24]);
    expect(Object.keys(logs[0]).sort()).toEqual(['epoch', 'grad_norm', 'learning_rate', 'loss', 'step']);
    expect(logs[3].loss).toBeLessThan(logs[0].loss);
    // the linear schedule: 3 warmup steps (ceil(0.1 × 24)), then down to 0 at step 24
    expect(logs[0].learning_rate).toBeCloseTo((0.05 * (24 - 6)) / 21, 9);
    expect(logs[3].learning_rate).toBe(0);
    const evals = trainer.state.logHistory.filter((e) => e.eval_loss !== undefined);
    // train() starts a fresh state, as HF does: the evaluation before it is not in the history
    expect(evals.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(Object.keys(evals[0])).toEqual(expect.arrayContaining(['eval_loss', 'eval_accuracy', 'eval_f1', 'eval_matthews_correlation', 'eval_runtime']));
    expect(evals[3].eval_accuracy).toBeGreaterThan(0.85);
    expect(evals[3].eval_loss).toBeLessThan(before.eval_loss);
    const summary = trainer.state.logHistory.at(-1)!;
    expect(summary.train_loss).toBeCloseTo(out.trainingLoss, 12);
    expect(out.trainingLoss).toBeCloseTo(logs.reduce((s, e) => s + e.loss, 0) / 4, 6);
    // the output directory: model, arguments, state and model card
    const root = store.dirs.get('')!;
    expect([...root.keys()].sort()).toEqual(['README.md', 'model.safetensors', 'trainer_state.json', 'training_args.json']);
    const card = new TextDecoder().decode(root.get('README.md'));
    expect(card).toContain('| learning_rate | 0.05 |');
    expect(card).toMatch(/\| Training Loss \| Epoch \| Step \| Validation Loss \| Accuracy \|/);
    expect(card).toContain('- @graft/train ');
    model.dispose();
    trainer.optimizer?.disposeState();
  });

  it('points best_model_checkpoint at the last checkpoint when the last evaluation is the best', async () => {
    // the last step's checkpoint must be written after the epoch's evaluation (it used to be written
    // at the step's end, before it, and never again: best_model_checkpoint then named the epoch before)
    for (const saveStrategy of ['epoch', 'steps'] as const) {
      const model = new TinyClassifier();
      const store = memoryCheckpointStore();
      let calls = 0;
      const trainer = new Trainer({
        model,
        args: {
          learningRate: 0.05,
          numTrainEpochs: 2,
          perDeviceTrainBatchSize: 16,
          evalStrategy: 'epoch',
          saveStrategy,
          saveSteps: 6,
          metricForBestModel: 'accuracy',
          seed: 0,
        },
        trainDataset: train,
        evalDataset: dev,
        collate: tinyCollate,
        computeMetrics: () => ({ accuracy: ++calls }), // every evaluation beats the one before
        store,
      });
      await trainer.train();
      expect(trainer.state.bestMetric).toBe(2);
      expect(trainer.state.bestModelCheckpoint?.split('/').pop()).toBe('checkpoint-12');
      const saved = JSON.parse(new TextDecoder().decode((await store.read('checkpoint-12', 'trainer_state.json'))!));
      expect(saved.best_model_checkpoint.split('/').pop()).toBe('checkpoint-12');
      expect(saved.best_metric).toBe(2);
      model.dispose();
      trainer.optimizer?.disposeState();
    }
  });

  it('predicts logits and labels with test_ metrics', async () => {
    const model = new TinyClassifier();
    const trainer = new Trainer({ model, args: { perDeviceEvalBatchSize: 7 }, collate: tinyCollate, computeMetrics: classificationMetrics() });
    const p = await trainer.predict(dev);
    expect(p.logitsShape).toEqual([40, 3]);
    expect(p.logits.length).toBe(120);
    expect(Array.from(p.labels!)).toEqual(Array.from({ length: 40 }, (_, i) => dev.get(i).label));
    expect(Object.keys(p.metrics)).toEqual(expect.arrayContaining(['test_loss', 'test_accuracy', 'test_runtime']));
    // nothing logged by predict
    expect(trainer.state.logHistory).toEqual([]);
    model.dispose();
  });

  it('accumulates gradients: 4 micro-batches of 4 step like one batch of 16', async () => {
    const run = async (batch: number, accumulation: number) => {
      const model = new TinyClassifier({ dropout: 0 });
      const trainer = new Trainer({
        model,
        args: {
          learningRate: 0.01,
          maxSteps: 3,
          perDeviceTrainBatchSize: batch,
          gradientAccumulationSteps: accumulation,
          saveStrategy: 'no',
          loggingSteps: 1,
          maxGradNorm: 0,
        },
        trainDataset: train,
        collate: tinyCollate,
        // the same 16 rows in the same order either way
        callbacks: [],
      });
      // disable shuffling differences: both runs see rows in the loader's order for the same seed
      await trainer.train();
      const w = await model.classifier.weight.data();
      model.dispose();
      return { w, loss: trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss) };
    };
    const one = await run(16, 1);
    const four = await run(4, 4);
    for (let i = 0; i < one.w.length; i++) expect(four.w[i]).toBeCloseTo(one.w[i], 5);
    for (let i = 0; i < 3; i++) expect(four.loss[i]).toBeCloseTo(one.loss[i], 5);
  });

  it('groups rows of similar length with groupByLength (less padding)', async () => {
    const padding = async (groupByLength: boolean) => {
      const model = new TinyClassifier();
      let padded = 0;
      const trainer = new Trainer({
        model,
        args: { maxSteps: 12, perDeviceTrainBatchSize: 8, saveStrategy: 'no', groupByLength },
        trainDataset: train,
        collate: tinyCollate,
        trainStep: (batch) => {
          padded += batch.attentionMask.size - batch.attentionMask.sum().itemSync();
          return { loss: model.call(batch).loss! };
        },
      });
      await trainer.train();
      model.dispose();
      return padded;
    };
    const plain = await padding(false);
    expect(await padding(true)).toBeLessThan(plain / 2);
  });

  it('refuses what it cannot run, with typed errors that say what to do', async () => {
    const model = new TinyClassifier();
    expect(() => new Trainer({ model, collate: 'padCollate' as never })).toThrow(/collate must be a function/);
    // the default collate is padCollate(), which needs the pad id for rows of different lengths
    await expect(new Trainer({ model, trainDataset: train, args: { saveStrategy: 'no' } }).train()).rejects.toThrow(/so padTokenId is needed/);
    expect(() => new Trainer({ model, collate: tinyCollate, args: { learning_rate: 1 } as never })).toThrow(/did you mean 'learningRate'/);
    await expect(new Trainer({ model, collate: tinyCollate }).train()).rejects.toThrow(/needs options.trainDataset/);
    await expect(new Trainer({ model, collate: tinyCollate }).evaluate()).rejects.toThrow(TrainerError);
    await expect(new Trainer({ model, collate: tinyCollate, trainDataset: train, args: { evalStrategy: 'epoch' } }).train()).rejects.toThrow(
      /there is no evalDataset/,
    );
    const unlabeled = Dataset.fromRows(tinyRows(8).map(({ label: _, ...r }) => r));
    await expect(new Trainer({ model, collate: tinyCollate, trainDataset: unlabeled, args: { saveStrategy: 'no' } }).train()).rejects.toThrow(
      /returned no loss: give the batch labels/,
    );
    await expect(
      new Trainer({ model, collate: tinyCollate, trainDataset: train, args: { device: 'webgpu', saveStrategy: 'no' } }).train(),
    ).rejects.toMatchObject({
      code: 'trainer_device_unavailable',
    });
    const best = new Trainer({
      model,
      collate: tinyCollate,
      trainDataset: train,
      evalDataset: dev,
      args: { maxSteps: 2, evalStrategy: 'steps', evalSteps: 1, saveStrategy: 'no', metricForBestModel: 'accuracy' },
    });
    await expect(best.train()).rejects.toMatchObject({ code: 'trainer_metric_missing', message: expect.stringContaining('eval_loss') });
    model.dispose();
  });

  it('accepts a custom optimizer and step, and callbacks only observe', async () => {
    const model = new TinyClassifier({ dropout: 0 });
    const optimizer = new AdamW(model.parameters(), { lr: 0.02, weightDecay: 0 });
    const seen: string[] = [];
    const spy: TrainerCallback = {
      name: 'spy',
      onTrainBegin: () => void seen.push('begin'),
      onEpochBegin: ({ state }) => void seen.push(`epoch ${state.epoch}`),
      onLog: (_c, e) => void seen.push(e.loss !== undefined ? 'log' : e.train_loss !== undefined ? 'summary' : 'eval'),
      onSave: (_c, name) => void seen.push(name),
      onTrainEnd: () => void seen.push('end'),
    };
    let steps = 0;
    const trainer = new Trainer({
      model,
      args: { maxSteps: 4, perDeviceTrainBatchSize: 32, loggingSteps: 2, saveSteps: 2, evalStrategy: 'steps', evalSteps: 4 },
      trainDataset: train,
      evalDataset: dev,
      collate: tinyCollate,
      optimizer,
      trainStep: (batch, ctx) => {
        steps++;
        expect(ctx.training).toBe(true);
        expect(ctx.totalSteps).toBe(4); // what a step schedules its own hyperparameters over
        return { loss: model.call(batch).loss!, metrics: { constant: 2 } };
      },
      callbacks: [spy],
    });
    await trainer.train();
    expect(trainer.optimizer).toBe(optimizer);
    expect(steps).toBe(4);
    expect(seen).toEqual(['begin', 'epoch 0', 'log', 'checkpoint-2', 'epoch 1', 'log', 'eval', 'checkpoint-4', 'summary', 'end']);
    expect(trainer.state.logHistory.find((e) => e.loss !== undefined)!.constant).toBe(2);
    expect(trainer.callbacks.some((c) => c instanceof CheckpointingCallback)).toBe(true);
    model.dispose();
    optimizer.disposeState();
  });

  it('evaluates without drawing random numbers, leaking tensors or leaving eval mode on', async () => {
    const model = new TinyClassifier();
    const trainer = new Trainer({ model, collate: tinyCollate, evalDataset: dev });
    await trainer.evaluate(); // warm-up: lazily created tensors of the backend
    const rng = defaultGenerator().getState();
    const live = memory().tensors;
    await trainer.evaluate();
    expect(defaultGenerator().getState()).toEqual(rng);
    expect(memory().tensors).toBe(live);
    expect(model.training).toBe(true);
    model.dispose();
  });
});
