/**
 * Checkpoint rotation (HF's `_rotate_checkpoints`), `loadBestModelAtEnd`, the files of a
 * checkpoint and the model card.
 */
import { Dataset } from '@graft/data';
import { loadSafetensors } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, tinyCollate, tinyRows } from '../../../../test-utils/train/tiny-classifier';
import { trainingArguments } from '../args/training-args';
import { classificationMetrics } from '../metrics/compute-metrics';
import { initialTrainerState } from '../state/trainer-state';
import { Trainer } from '../trainer/trainer';
import { modelCard, trainingResults } from './model-card';
import { checkpointsToDelete, sortedCheckpoints } from './rotation';
import { memoryCheckpointStore } from './store';

const names = (...steps: number[]) => steps.map((s) => `checkpoint-${s}`);

describe('checkpointsToDelete', () => {
  it('keeps the newest `limit` checkpoints, sorted by step (not by name)', () => {
    expect(sortedCheckpoints(['checkpoint-100', 'checkpoint-20', 'README.md', 'checkpoint-3', 'best'])).toEqual(names(3, 20, 100));
    expect(checkpointsToDelete(names(100, 20, 3, 40), null, 2)).toEqual(names(3, 20));
    expect(checkpointsToDelete(names(1, 2), null, 2)).toEqual([]);
    expect(checkpointsToDelete(names(1, 2, 3), null, null)).toEqual([]);
  });

  it('never deletes the best checkpoint, and keeps two when the limit is 1 and the best is not the newest', () => {
    expect(checkpointsToDelete(names(1, 2, 3, 4), 'checkpoint-1', 2)).toEqual(names(2, 3));
    expect(checkpointsToDelete(names(1, 2, 3, 4), 'checkpoint-2', 3)).toEqual(names(1));
    expect(checkpointsToDelete(names(1, 2, 3), 'checkpoint-1', 1)).toEqual(names(2));
    expect(checkpointsToDelete(names(1, 2, 3), 'checkpoint-3', 1)).toEqual(names(1, 2));
  });
});

describe('saving during training', () => {
  it('rotates with saveTotalLimit, keeps the best, and loads it at the end', async () => {
    const store = memoryCheckpointStore();
    const model = new TinyClassifier();
    const trainer = new Trainer({
      model,
      // a large learning rate makes the dev loss bounce, so the best is rarely the last
      args: {
        learningRate: 0.5,
        numTrainEpochs: 6,
        perDeviceTrainBatchSize: 16,
        evalStrategy: 'epoch',
        saveStrategy: 'epoch',
        saveTotalLimit: 1,
        loadBestModelAtEnd: true,
        metricForBestModel: 'loss',
      },
      trainDataset: Dataset.fromRows(tinyRows(48)),
      evalDataset: Dataset.fromRows(tinyRows(24, { seed: 9 })),
      collate: tinyCollate,
      computeMetrics: classificationMetrics(),
      tokenizerFiles: { 'vocab.txt': new TextEncoder().encode('[PAD]\n') },
      store,
    });
    await trainer.train();
    const s = trainer.state;
    const evals = s.logHistory.filter((e) => e.eval_loss !== undefined);
    const best = evals.reduce((a, b) => (b.eval_loss < a.eval_loss ? b : a));
    expect(s.bestMetric).toBe(best.eval_loss);
    expect(s.bestGlobalStep).toBe(best.step);
    expect(s.bestModelCheckpoint).toBe(`trainer_output/checkpoint-${best.step}`);
    const kept = await store.list();
    expect(kept).toContain(`checkpoint-${best.step}`);
    expect(kept).toContain('checkpoint-18');
    // this seed’s best is an early epoch, so the limit of 1 keeps two: the best and the last
    expect(best.step).toBeLessThan(18);
    expect(kept.length).toBe(2);
    // the model now holds the best checkpoint's weights, and the output directory has them
    const bestWeights = loadSafetensors((await store.read(`checkpoint-${best.step}`, 'model.safetensors'))!).tensors;
    expect(Array.from(await model.classifier.weight.data())).toEqual(Array.from(await bestWeights.get('classifier.weight')!.data()));
    expect(
      Buffer.from((await store.read('', 'model.safetensors'))!).equals(Buffer.from((await store.read(`checkpoint-${best.step}`, 'model.safetensors'))!)),
    ).toBe(true);
    for (const t of bestWeights.values()) t.dispose();
    // a checkpoint holds the contract's files
    expect([...store.dirs.get(`checkpoint-${best.step}`)!.keys()].sort()).toEqual([
      'data_state.json',
      'model.safetensors',
      'optimizer.json',
      'optimizer.safetensors',
      'rng_state.json',
      'scheduler.json',
      'trainer_state.json',
      'training_args.json',
      'vocab.txt',
    ]);
    // the model card headlines the best evaluation
    const card = new TextDecoder().decode((await store.read('', 'README.md'))!);
    expect(card).toContain(`- Loss: ${String(best.eval_loss).length > 6 ? best.eval_loss.toFixed(4) : best.eval_loss}`);
    model.dispose();
  });

  it('writes models with toPretrainedFiles in their own layout', async () => {
    const store = memoryCheckpointStore();
    // as @graft/models' models: a sync variant for the CPU and an async one for any device, which wins
    const model = Object.assign(new TinyClassifier(), {
      toPretrainedFiles: (): Map<string, Uint8Array> => {
        throw new Error('sync read');
      },
      toPretrainedFilesAsync: async () => new Map([['config.json', new TextEncoder().encode('{"model_type":"tiny"}')]]),
    });
    const trainer = new Trainer({ model, args: { maxSteps: 1, saveSteps: 1 }, trainDataset: Dataset.fromRows(tinyRows(8)), collate: tinyCollate, store });
    await trainer.train();
    expect(await store.read('checkpoint-1', 'config.json')).not.toBeNull();
    expect(await store.read('checkpoint-1', 'model.safetensors')).toBeNull();
    model.dispose();
  });
});

describe('model card', () => {
  const history: Record<string, number>[] = [
    { loss: 1.1, grad_norm: 2, learning_rate: 1e-4, epoch: 0.5, step: 10 },
    { eval_loss: 0.712345678, eval_accuracy: 0.5, eval_f1_macro: 0.25, eval_runtime: 1.5, eval_samples_per_second: 10, epoch: 1, step: 20 },
    { eval_loss: 0.6, eval_accuracy: 0.75, eval_f1_macro: 0.5, eval_runtime: 1.5, epoch: 2, step: 40 },
  ];

  it('parses the log history as HF does', () => {
    expect(trainingResults(history)).toEqual([
      { 'Training Loss': '1.1', Epoch: '1', Step: '20', 'Validation Loss': '0.7123', Accuracy: '0.5', 'F1 Macro': '0.25' },
      { 'Training Loss': '1.1', Epoch: '2', Step: '40', 'Validation Loss': '0.6', Accuracy: '0.75', 'F1 Macro': '0.5' },
    ]);
    expect(trainingResults([{ eval_loss: 1, epoch: 1, step: 5 }])[0]['Training Loss']).toBe('No log');
  });

  it('has the hyperparameters, the results table and the versions', () => {
    const state = {
      ...initialTrainerState({ maxSteps: 40, numTrainEpochs: 2, trainBatchSize: 32, loggingSteps: 10, evalSteps: 20, saveSteps: 20 }),
      logHistory: history,
    };
    const card = modelCard({
      args: trainingArguments({ runName: 'sst2-bert', learningRate: 1e-4, warmupRatio: 0.1, perDeviceTrainBatchSize: 32 }),
      state,
      evalMetrics: history[2],
      optimizer: 'AdamW with betas=(0.9,0.999) and epsilon=1e-08',
      versions: { '@graft/train': '1.0.0', 'Node.js': 'v20.0.0' },
      modelClass: 'BertForSequenceClassification',
    });
    expect(card.startsWith('---\nlibrary_name: graft\ntags:\n- generated_from_trainer\nmodel-index:\n- name: "sst2-bert"\n')).toBe(true);
    expect(card).toContain('# sst2-bert');
    expect(card).toContain('It achieves the following results on the evaluation set:\n- Loss: 0.6\n- Accuracy: 0.75\n- F1 Macro: 0.5\n');
    expect(card).toContain('| learning_rate | 0.0001 |');
    expect(card).toContain('| lr_scheduler_warmup_ratio | 0.1 |');
    expect(card).toContain('| optimizer | AdamW with betas=(0.9,0.999) and epsilon=1e-08 |');
    expect(card).toContain(
      '| Training Loss | Epoch | Step | Validation Loss | Accuracy | F1 Macro |\n|:---:|:---:|:---:|:---:|:---:|:---:|\n| 1.1 | 1 | 20 | 0.7123 | 0.5 | 0.25 |',
    );
    expect(card).toContain('- @graft/train 1.0.0\n- Node.js v20.0.0');
  });
});
