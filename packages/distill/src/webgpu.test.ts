/**
 * Distillation on WebGPU (Dawn on lavapipe in Node): the same run with the teacher on the GPU,
 * and an offline run whose cached logits move to the GPU, follow the CPU's loss curves, and live
 * tensors stay flat. With CI=true a missing adapter fails instead of skipping (core's convention).
 */
import { Dataset } from '@graft/data';
import { Generator, memory, type MemoryInfo } from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import { Trainer, type TrainerCallback } from '@graft/train';
import { describe, expect, inject, it } from 'vitest';
import { expectClose, tolerance } from '../../../test-utils/close';
import { tinyBert, tinyBertCollate, tokenRows } from '../../../test-utils/distill/tiny-berts';
import { distillationStep } from './distillation-step';
import { computeTeacherLogits } from './teacher-logits';

// priority -1: WebGPU is there for tensors that ask for it, but never the default device
const backend = await registerWebGPU({ priority: -1 });
if (!backend && inject('ci')) {
  it('finds a WebGPU adapter (CI=true)', () => {
    throw new Error('CI=true but no WebGPU adapter was found: install lavapipe (mesa-vulkan-drivers)');
  });
}

const rows = Dataset.fromRows(tokenRows(48, 1));

async function distil(device: 'cpu' | 'webgpu', offline: boolean, extra: TrainerCallback[] = [], maxSteps = 8) {
  const teacher = tinyBert({ hidden: 32, layers: 2, seed: 11, initializerRange: 0.3 });
  const student = tinyBert({ hidden: 16, layers: 1, seed: 5 });
  const cachedLogits = offline ? await computeTeacherLogits(teacher, rows, { collate: tinyBertCollate }) : null;
  if (!offline) await teacher.toAsync(device);
  const step = offline
    ? distillationStep({ student, cachedLogits, alpha: 0.7, temperature: 2 })
    : distillationStep({ student, teacher, alpha: 0.7, temperature: 2, hidden: { generator: new Generator(0) }, attention: true });
  const trainer = new Trainer({
    model: step.model,
    trainStep: step,
    args: { device, maxSteps, perDeviceTrainBatchSize: 8, learningRate: 1e-2, loggingSteps: 1, evalStrategy: 'no', saveStrategy: 'no', seed: 0 },
    trainDataset: rows,
    collate: tinyBertCollate,
    callbacks: extra,
  });
  await trainer.train();
  const logs = trainer.state.logHistory.filter((e) => e.loss !== undefined);
  step.model.dispose();
  trainer.optimizer?.disposeState();
  teacher.dispose();
  cachedLogits?.dispose();
  return logs;
}

describe.skipIf(!backend)('distillation on WebGPU', () => {
  it('follows the CPU loss curves, with the teacher on the GPU and with cached logits', async () => {
    for (const offline of [false, true]) {
      const cpu = await distil('cpu', offline);
      const gpu = await distil('webgpu', offline);
      expect(gpu).toHaveLength(8);
      for (const key of offline ? ['loss', 'soft_loss'] : ['loss', 'soft_loss', 'hidden_loss', 'attention_loss']) {
        expectClose(
          gpu.map((e) => e[key]),
          cpu.map((e) => e[key]),
          tolerance('float32', 'webgpu', 'matmul'),
        );
      }
    }
  });

  it('computes teacher logits with the teacher on the GPU as on the CPU', async () => {
    const teacher = tinyBert({ hidden: 32, layers: 2, seed: 11, initializerRange: 0.3 });
    const cpu = await computeTeacherLogits(teacher, rows, { collate: tinyBertCollate, batchSize: 16 });
    await teacher.toAsync('webgpu');
    const gpu = await computeTeacherLogits(teacher, rows, { collate: tinyBertCollate, batchSize: 16 });
    expect(gpu.logits.device).toBe('cpu');
    expectClose(gpu.logits.dataSync(), cpu.logits.dataSync(), tolerance('float32', 'webgpu', 'matmul'));
    for (const d of [cpu, gpu, teacher]) d.dispose();
  });

  it('keeps live tensors, buffers and bytes flat over a run', async () => {
    const at = new Map<number, MemoryInfo>();
    const probe: TrainerCallback = { name: 'probe', onStepEnd: ({ state }) => void (state.globalStep % 5 === 0 && at.set(state.globalStep, memory())) };
    await distil('webgpu', false, [probe], 20);
    expect(at.get(20)).toEqual(at.get(10));
    expect(at.get(10)!.devices.webgpu.buffers).toBeGreaterThan(0);
  });
});
