/**
 * The leak test of DESIGN.md for the Trainer on the CPU: over 300 optimizer steps (600
 * micro-batches) with dropout, gradient accumulation, clipping, logging every 10 steps,
 * evaluation every 50 and checkpoints every 100, live tensors and bytes at step 300 equal those
 * at step 20 (the same point of a logging window), and after the run only the model and the
 * optimizer's moments remain. The WebGPU version is in webgpu.test.ts.
 */
import { Dataset } from '@graft/data';
import { memory, type MemoryInfo } from '@graft/core';
import { expect, it } from 'vitest';
import { TinyClassifier, tinyCollate, tinyRows } from '../../../../test-utils/train/tiny-classifier';
import type { TrainerCallback } from '../callbacks/callback';
import { classificationMetrics } from '../metrics/compute-metrics';
import { Trainer } from './trainer';

it('keeps live tensors and bytes flat over 300 steps, and frees everything but the model and optimizer state', async () => {
  const model = new TinyClassifier();
  const at = new Map<number, MemoryInfo>();
  const probe: TrainerCallback = { name: 'probe', onStepEnd: ({ state }) => void (state.globalStep % 20 === 0 && at.set(state.globalStep, memory())) };
  const trainer = new Trainer({
    model,
    args: {
      learningRate: 0.01,
      maxSteps: 300,
      perDeviceTrainBatchSize: 8,
      gradientAccumulationSteps: 2,
      loggingSteps: 10,
      evalStrategy: 'steps',
      evalSteps: 50,
      saveSteps: 100,
      saveTotalLimit: 1,
    },
    trainDataset: Dataset.fromRows(tinyRows(128)),
    evalDataset: Dataset.fromRows(tinyRows(24, { seed: 9 })),
    collate: tinyCollate,
    computeMetrics: classificationMetrics(),
    callbacks: [probe],
  });
  const before = memory();
  await trainer.train();
  expect(at.get(300)).toEqual(at.get(20));
  expect(at.get(160)).toEqual(at.get(20));
  // the model's 5 parameters and AdamW's two moments for each
  const after = memory();
  expect(after.tensors - before.tensors).toBe(2 * model.parameters().length);
  const losses = trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss);
  expect(losses.at(-1)!).toBeLessThan(losses[0]);
  model.dispose();
  trainer.optimizer!.disposeState();
  expect(memory().tensors).toBe(before.tensors - model.parameters().length);
});
