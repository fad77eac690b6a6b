/**
 * The plugin through the library, as a user would use it: LoHa registered with @graft/peft,
 * trained by @graft/train's Trainer with the NonFiniteLossGuard installed; the adapter learns,
 * only its tensors change, and it goes to PEFT's files and back. Then a run whose loss turns NaN
 * at a known step: the guard stops it there, nothing after the divergence is saved, and the last
 * checkpoint holds finite weights.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, loadSafetensors } from '@graft/core';
import { Dataset, padCollate, type TextBatch } from '@graft/data';
import { getPeftModel, registerPeftMethod } from '@graft/peft';
import { PeftModel, savePeftAdapter } from '@graft/peft/node';
import { memoryCheckpointStore, Trainer } from '@graft/train';
import { describe, expect, it } from 'vitest';
import { NonFiniteLossGuard, type NonFiniteTrip } from './callbacks/non-finite-loss-guard';
import { lohaMethod } from './loha/method';
import { TinyTextClassifier, tinyBatch, tinyRows } from './test-model';

registerPeftMethod(lohaMethod);

const train = Dataset.fromRows(tinyRows(96));
const collate = padCollate({ padTokenId: 0 });
const loha = { peft_type: 'LOHA', target_modules: ['proj'], r: 4, alpha: 8, modules_to_save: ['classifier'] } as const;

describe('LoHa and the guard in the Trainer', () => {
  it('trains the LoHa adapter only, learns, and saves PEFT files that load back', async () => {
    const peft = getPeftModel(new TinyTextClassifier(1), loha);
    const frozen = [...peft.namedParameters()].filter(([, p]) => !p.requiresGrad).map(([k, p]) => [k, Array.from(p.dataSync())] as const);
    const guard = new NonFiniteLossGuard({ everySteps: 1 });
    const trainer = new Trainer({
      model: peft,
      args: { learningRate: 0.03, maxSteps: 60, perDeviceTrainBatchSize: 8, loggingSteps: 10, seed: 0 },
      trainDataset: train,
      collate,
      callbacks: [guard],
    });
    await trainer.train();
    expect(guard.tripped).toBeNull();
    const losses = trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss!);
    // everySteps: 1 asks for a log at every step
    expect(losses).toHaveLength(60);
    expect(losses.slice(-10).reduce((a, b) => a + b) / 10).toBeLessThan((losses.slice(0, 10).reduce((a, b) => a + b) / 10) * 0.7);
    for (const [k, values] of frozen) expect(Array.from(peft.getParameter(k).dataSync()), k).toEqual(values);

    const dir = await mkdtemp(join(tmpdir(), 'graft-loha-'));
    await savePeftAdapter(peft, dir);
    const loaded = await PeftModel.fromPretrained(new TinyTextClassifier(1), dir);
    peft.eval();
    loaded.eval();
    const batch = tinyBatch() as TextBatch;
    expect(Array.from(loaded.call(batch).logits.dataSync())).toEqual(Array.from(peft.call(batch).logits.dataSync()));
  });

  it('stops a run at the step its loss turns NaN and saves nothing after it', async () => {
    const peft = getPeftModel(new TinyTextClassifier(1), loha);
    const trips: NonFiniteTrip[] = [];
    const guard = new NonFiniteLossGuard({ everySteps: 1, onTrip: (t) => trips.push(t) });
    const store = memoryCheckpointStore();
    const trainer = new Trainer({
      model: peft,
      args: { learningRate: 0.03, maxSteps: 40, perDeviceTrainBatchSize: 8, saveStrategy: 'steps', saveSteps: 5, loggingSteps: 5, seed: 0 },
      trainDataset: train,
      collate,
      // the 15th step's loss is NaN (steps count from 0 inside the step), a step that would be saved
      trainStep: (batch: TextBatch, ctx) => {
        const loss = peft.call(batch).loss!;
        return { loss: ctx.globalStep === 14 ? loss.mul(Number.NaN) : loss };
      },
      callbacks: [guard],
      store,
    });
    await trainer.train();
    expect(trips).toEqual([{ step: 15, key: 'loss', value: Number.NaN }]);
    expect(guard.tripped).toEqual(trips[0]);
    expect(trainer.state.globalStep).toBe(15);
    const saved = (await store.list()).sort();
    expect(saved).toEqual(['checkpoint-10', 'checkpoint-5']);
    const finite = (values: ArrayLike<number>) => Array.from(values).every(Number.isFinite);
    // the NaN step broke the weights in memory; the last checkpoint is from before it
    expect(finite(peft.getParameter('base_model.model.proj.hada_w1_a.default').dataSync())).toBe(false);
    const { tensors } = loadSafetensors((await store.read('checkpoint-10', 'model.safetensors'))!);
    expect(tensors.size).toBeGreaterThan(0);
    for (const [key, t] of tensors) expect(finite(t.dataSync()), key).toBe(true);
  });

  it('checks its options', () => {
    expect(() => new NonFiniteLossGuard({ everySteps: 0 })).toThrow(ArgumentError);
    expect(() => new NonFiniteLossGuard({ keys: [] })).toThrow(/non-empty list of log keys/);
  });
});
