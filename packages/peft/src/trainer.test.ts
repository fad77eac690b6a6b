/**
 * A PeftModel is a model the Trainer trains as it is: the default step calls it, the default
 * optimizer takes its trainable parameters (the adapter's), checkpoints hold its state dict under
 * PEFT's in-memory names and resume from them, only the adapter's tensors change, and live
 * tensors stay flat from step 20 to step 120. The methods that need a transformer (bottleneck
 * adapters, prefix and prompt tuning) train the fixture BERT the same way.
 */
import { memory, type MemoryInfo, parseSafetensors } from '@graft/core';
import { Dataset } from '@graft/data';
import { memoryCheckpointStore, type TrainerCallback, Trainer } from '@graft/train';
import { describe, expect, it } from 'vitest';
import { fromPretrained } from '@graft/models';
import { fixtureFiles } from '../../../test-utils/models/parity';
import { TinyClassifier, tinyCollate, tinyRows } from '../../../test-utils/train/tiny-classifier';
import { getPeftModel, type PeftConfigInput } from './peft-model';

const train = Dataset.fromRows(tinyRows(96, { seed: 3 }));
const lora = { peft_type: 'LORA', target_modules: ['embeddings'], r: 4, lora_alpha: 8, modules_to_save: ['classifier'] } as const;

describe('PeftModel in the Trainer', () => {
  it('trains the adapter only, learns, keeps memory flat, and checkpoints under PEFT names', async () => {
    const peft = getPeftModel(new TinyClassifier(), lora, { warn: () => {} });
    const frozen = [...peft.namedParameters()].filter(([, p]) => !p.requiresGrad).map(([k, p]) => [k, Array.from(p.dataSync())] as const);
    const at = new Map<number, MemoryInfo>();
    const probe: TrainerCallback = { name: 'probe', onStepEnd: ({ state }) => void (state.globalStep % 20 === 0 && at.set(state.globalStep, memory())) };
    const store = memoryCheckpointStore();
    const trainer = new Trainer({
      model: peft,
      args: { learningRate: 0.05, maxSteps: 120, perDeviceTrainBatchSize: 8, loggingSteps: 10, saveStrategy: 'steps', saveSteps: 60, seed: 0 },
      trainDataset: train,
      collate: tinyCollate,
      callbacks: [probe],
      store,
    });
    await trainer.train();
    expect(at.get(120)).toEqual(at.get(20));
    const losses = trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss!);
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.8);
    for (const [k, values] of frozen) expect(Array.from(peft.getParameter(k).dataSync()), k).toEqual(values);
    const saved = parseSafetensors((await store.read('checkpoint-120', 'model.safetensors'))!);
    expect([...saved.tensors.keys()]).toContain('base_model.model.embeddings.lora_embedding_A.default');
    // resuming from the first checkpoint ends where the uninterrupted run ended
    const again = getPeftModel(new TinyClassifier(), lora, { warn: () => {} });
    const resumed = new Trainer({
      model: again,
      args: { learningRate: 0.05, maxSteps: 120, perDeviceTrainBatchSize: 8, loggingSteps: 10, saveStrategy: 'steps', saveSteps: 60, seed: 0 },
      trainDataset: train,
      collate: tinyCollate,
      store,
    });
    await resumed.train({ resumeFromCheckpoint: 'checkpoint-60' });
    const key = 'base_model.model.embeddings.lora_embedding_B.default';
    expect(Array.from(again.getParameter(key).dataSync())).toEqual(Array.from(peft.getParameter(key).dataSync()));
  });
});

const twoClasses = Dataset.fromRows(tinyRows(64, { seed: 5, numLabels: 2 }));
const transformerMethods: [string, PeftConfigInput][] = [
  ['BOTTLENECK_ADAPTER', { peft_type: 'BOTTLENECK_ADAPTER', task_type: 'SEQ_CLS', reduction_factor: 4 }],
  ['PREFIX_TUNING', { peft_type: 'PREFIX_TUNING', task_type: 'SEQ_CLS', num_virtual_tokens: 4, prefix_projection: true }],
  ['PROMPT_TUNING', { peft_type: 'PROMPT_TUNING', task_type: 'SEQ_CLS', num_virtual_tokens: 4 }],
];

describe('the transformer-only methods in the Trainer', () => {
  for (const [name, config] of transformerMethods) {
    it(`${name}: trains the adapter and the classifier only, learns, keeps memory flat, checkpoints under PEFT names`, async () => {
      const peft = getPeftModel(await fromPretrained(fixtureFiles('bert-seqcls')), config, { warn: () => {} });
      const frozen = [...peft.namedParameters()].filter(([, p]) => !p.requiresGrad).map(([k, p]) => [k, Array.from(p.dataSync())] as const);
      const at = new Map<number, MemoryInfo>();
      const probe: TrainerCallback = { name: 'probe', onStepEnd: ({ state }) => void (state.globalStep % 20 === 0 && at.set(state.globalStep, memory())) };
      const store = memoryCheckpointStore();
      const trainer = new Trainer({
        model: peft,
        args: { learningRate: 0.01, maxSteps: 40, perDeviceTrainBatchSize: 8, loggingSteps: 10, saveStrategy: 'steps', saveSteps: 40, seed: 0 },
        trainDataset: twoClasses,
        collate: tinyCollate,
        callbacks: [probe],
        store,
      });
      await trainer.train();
      // no more live tensors at step 40 than at step 20 (a leak of one tensor a step adds 20); fewer can
      // happen when the garbage collector frees tensors an earlier test left behind mid-run
      expect(at.get(40)!.tensors).toBeLessThanOrEqual(at.get(20)!.tensors);
      const losses = trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss!);
      expect(losses.at(-1)!).toBeLessThan(losses[0]);
      for (const [k, values] of frozen) expect(Array.from(peft.getParameter(k).dataSync()), k).toEqual(values);
      const saved = [...parseSafetensors((await store.read('checkpoint-40', 'model.safetensors'))!).tensors.keys()];
      const trainable = [...peft.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k);
      expect(trainable).toContain('base_model.model.classifier.modules_to_save.default.weight');
      for (const k of trainable) expect(saved).toContain(k);
      peft.dispose();
    });
  }
});
