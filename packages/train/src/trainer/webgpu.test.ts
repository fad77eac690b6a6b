/**
 * The same Trainer on WebGPU (Dawn on lavapipe in Node): a short fine-tune follows the CPU's
 * loss curve, and live tensors, buffers and bytes stay flat over a run. With CI=true a missing
 * adapter fails instead of skipping (core's convention).
 */
import { Dataset } from '@graft/data';
import { loadSafetensors, memory, type MemoryInfo } from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import { describe, expect, inject, it } from 'vitest';
import { expectClose, tolerance } from '../../../../test-utils/close';
import { TinyClassifier, tinyCollate, tinyRows } from '../../../../test-utils/train/tiny-classifier';
import type { TrainerCallback } from '../callbacks/callback';
import { memoryCheckpointStore } from '../checkpoint/store';
import { classificationMetrics } from '../metrics/compute-metrics';
import { Trainer } from './trainer';

// priority -1: WebGPU is there for tensors that ask for it, but never the default device
const backend = await registerWebGPU({ priority: -1 });
if (!backend && inject('ci')) {
  it('finds a WebGPU adapter (CI=true)', () => {
    throw new Error('CI=true but no WebGPU adapter was found: install lavapipe (mesa-vulkan-drivers)');
  });
}

const trainRows = Dataset.fromRows(tinyRows(96, { seed: 3 }));
const devRows = Dataset.fromRows(tinyRows(24, { seed: 4 }));

async function fineTune(device: 'cpu' | 'webgpu', extra: TrainerCallback[] = [], args = {}, store = memoryCheckpointStore(), resume = false) {
  const model = new TinyClassifier({ dropout: 0.1 });
  const trainer = new Trainer({
    model,
    args: {
      device,
      learningRate: 0.02,
      maxSteps: 24,
      perDeviceTrainBatchSize: 8,
      gradientAccumulationSteps: 2,
      warmupSteps: 3,
      weightDecay: 0.01,
      loggingSteps: 1,
      evalStrategy: 'steps',
      evalSteps: 12,
      saveStrategy: 'no',
      seed: 5,
      ...args,
    },
    trainDataset: trainRows,
    evalDataset: devRows,
    collate: tinyCollate,
    computeMetrics: classificationMetrics(),
    callbacks: extra,
    store,
  });
  try {
    await trainer.train({ resumeFromCheckpoint: resume });
  } finally {
    model.dispose();
    trainer.optimizer?.disposeState();
  }
  const losses = trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss);
  const evals = trainer.state.logHistory.filter((e) => e.eval_loss !== undefined);
  return { losses, evals };
}

describe.skipIf(!backend)('Trainer on WebGPU', () => {
  it('follows the CPU loss curve', async () => {
    const cpu = await fineTune('cpu');
    const gpu = await fineTune('webgpu');
    expect(gpu.losses).toHaveLength(24);
    // The table's WebGPU matmul row (atol = rtol = 1e-4): GPU exp/log are not correctly rounded
    // and reductions run in another order, so each step differs in the last bits, and training
    // carries the differences forward. Adam divides by the gradient's running RMS, which keeps
    // them from growing fast: measured, the worst step of these 24 differs by 1.2e-5 relative.
    expectClose(gpu.losses, cpu.losses, tolerance('float32', 'webgpu', 'matmul'));
    expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0]);
    expectClose(
      gpu.evals.map((e) => e.eval_loss),
      cpu.evals.map((e) => e.eval_loss),
      tolerance('float32', 'webgpu', 'matmul'),
    );
    expect(gpu.evals.map((e) => e.eval_accuracy)).toEqual(cpu.evals.map((e) => e.eval_accuracy));
  });

  it('keeps live tensors, buffers and bytes flat over a run', async () => {
    const at = new Map<number, MemoryInfo>();
    const probe: TrainerCallback = { name: 'probe', onStepEnd: ({ state }) => void (state.globalStep % 10 === 0 && at.set(state.globalStep, memory())) };
    await fineTune('webgpu', [probe], { maxSteps: 60, loggingSteps: 10, evalSteps: 30 });
    expect(at.get(60)).toEqual(at.get(20));
    expect(at.get(40)).toEqual(at.get(20));
    expect(at.get(20)!.devices.webgpu.buffers).toBeGreaterThan(0);
  });

  it('writes checkpoints from the GPU and resumes from them', async () => {
    const store = memoryCheckpointStore();
    const crash: TrainerCallback = {
      name: 'crash',
      onStepEnd: ({ state }) => {
        if (state.globalStep === 7) throw new Error('crash');
      },
    };
    const args = { maxSteps: 10, saveStrategy: 'steps', saveSteps: 5, loggingSteps: 5, evalSteps: 5, loadBestModelAtEnd: true };
    const reference = memoryCheckpointStore();
    await fineTune('webgpu', [], args, reference);
    await expect(fineTune('webgpu', [crash], args, store)).rejects.toThrow('crash');
    expect(await store.list()).toEqual(['checkpoint-5']);
    await fineTune('webgpu', [], args, store, true);
    const a = loadSafetensors((await store.read('', 'model.safetensors'))!).tensors;
    const b = loadSafetensors((await reference.read('', 'model.safetensors'))!).tensors;
    for (const [k, t] of a) expectClose(await t.data(), await b.get(k)!.data(), tolerance('float32', 'webgpu', 'matmul'));
    for (const t of [...a.values(), ...b.values()]) t.dispose();
  });
});
