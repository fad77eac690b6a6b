/**
 * The `parameterGroups` option and callbacks that change what trains: a parameter listed in the
 * groups but frozen gets no gradient and stays exactly as it was (weight decay does not touch
 * it) until a callback unfreezes it; per-group learning rates follow the schedule; and a run that
 * unfreezes mid-way resumes from a checkpoint to the same weights, byte for byte.
 */
import { Dataset } from '@graft/data';
import type { BuiltGroup } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, tinyCollate, tinyRows, type TinyBatch, type TinyRow } from '../../../../test-utils/train/tiny-classifier';
import type { CallbackState } from '../state/trainer-state';
import type { TrainerCallback } from '../callbacks/callback';
import { memoryCheckpointStore } from '../checkpoint/store';
import { TrainerError } from '../errors';
import { Trainer, type TrainerOptions } from './trainer';

const rows = Dataset.fromRows(tinyRows(64, { seed: 5 }));

/** Groups over every parameter of the model, whatever requiresGrad says now (decay on everything, so a decayed frozen weight would show). */
function allGroups(model: TinyClassifier, lrs: { embeddings?: number } = {}): BuiltGroup[] {
  return [
    { params: [model.embeddings.weight], weightDecay: 0.5, ...(lrs.embeddings !== undefined ? { lr: lrs.embeddings } : {}) },
    { params: [model.LayerNorm.weight!, model.LayerNorm.bias!, model.classifier.weight, model.classifier.bias!], weightDecay: 0.5 },
  ];
}

/** Unfreezes the embeddings once `at` steps are done; its state (whether it did) goes into checkpoints. */
class UnfreezeAt implements TrainerCallback {
  readonly name = 'UnfreezeAt';
  unfrozen = false;
  constructor(
    readonly model: TinyClassifier,
    readonly at: number,
  ) {}
  #apply(step: number): void {
    if (step >= this.at) this.unfrozen = true;
    this.model.embeddings.weight.requiresGrad = this.unfrozen;
  }
  onTrainBegin: TrainerCallback['onTrainBegin'] = (ctx) => this.#apply(ctx.state.globalStep);
  onStepEnd: TrainerCallback['onStepEnd'] = (ctx) => this.#apply(ctx.state.globalStep);
  stateDict(): CallbackState {
    return { args: { at: this.at }, attributes: { unfrozen: this.unfrozen } };
  }
  loadStateDict(s: CallbackState): void {
    this.unfrozen = s.attributes.unfrozen === true;
  }
}

function options(model: TinyClassifier, extra: Partial<TrainerOptions<TinyRow, TinyBatch>> = {}): TrainerOptions<TinyRow, TinyBatch> {
  return {
    model,
    args: { learningRate: 0.05, maxSteps: 12, perDeviceTrainBatchSize: 8, weightDecay: 0.5, evalStrategy: 'no', saveSteps: 4, loggingSteps: 4, seed: 2 },
    trainDataset: rows,
    collate: tinyCollate,
    parameterGroups: allGroups(model),
    ...extra,
  };
}

describe('parameterGroups and callbacks that unfreeze', () => {
  it('keeps a frozen parameter bit-identical (no weight decay) until the callback unfreezes it, then trains it', async () => {
    const model = new TinyClassifier({ dropout: 0 });
    model.embeddings.weight.requiresGrad = false;
    const snapshots: Float32Array[] = [];
    const watch: TrainerCallback = { onStepEnd: () => void snapshots.push(model.embeddings.weight.dataSync() as Float32Array) };
    const before = model.embeddings.weight.dataSync().slice();
    const classifierBefore = model.classifier.weight.dataSync().slice();
    const trainer = new Trainer(options(model, { callbacks: [new UnfreezeAt(model, 5), watch] }));
    await trainer.train();
    expect(trainer.optimizer!.paramGroups.flatMap((g) => g.params)).toContain(model.embeddings.weight);
    // steps 1..5 ran frozen (the callback unfreezes after step 5 ends), steps 6..12 train it
    for (let s = 0; s < 5; s++) expect(snapshots[s]).toEqual(before);
    expect(snapshots[5]).not.toEqual(before);
    expect(snapshots[11]).not.toEqual(snapshots[5]);
    expect(model.classifier.weight.dataSync()).not.toEqual(classifierBefore);
    expect(trainer.optimizer!.state.get(model.embeddings.weight)?.step).toBe(7);
  });

  it('gives each group its learning rate, scheduled like the others', async () => {
    const model = new TinyClassifier();
    const seen: number[][] = [];
    const trainer = new Trainer(
      options(model, {
        parameterGroups: allGroups(model, { embeddings: 0.005 }),
        callbacks: [{ onStepEnd: (ctx) => void seen.push([...ctx.learningRates]) }],
      }),
    );
    await trainer.train();
    expect(seen[0][0]).toBeCloseTo(0.005, 12);
    expect(seen[0][1]).toBeCloseTo(0.05, 12);
    // linear decay scales both groups alike
    for (const lrs of seen) expect(lrs[0] / lrs[1]).toBeCloseTo(0.1, 10);
  });

  it('resumes a run that unfroze mid-way to the same weights, byte for byte', async () => {
    const weights = (t: Trainer<TinyRow, TinyBatch>) =>
      Buffer.from((t.store as ReturnType<typeof memoryCheckpointStore>).dirs.get('')!.get('model.safetensors')!);
    const freshModel = () => {
      const m = new TinyClassifier({ dropout: 0.2 });
      m.embeddings.weight.requiresGrad = false;
      return m;
    };
    const referenceModel = freshModel();
    const reference = new Trainer(options(referenceModel, { store: memoryCheckpointStore(), callbacks: [new UnfreezeAt(referenceModel, 5)] }));
    await reference.train();

    const store = memoryCheckpointStore();
    const first = freshModel();
    const crash: TrainerCallback = {
      onStepEnd: ({ state }) => {
        if (state.globalStep === 10) throw new Error('crash at step 10');
      },
    };
    await expect(new Trainer(options(first, { store, callbacks: [new UnfreezeAt(first, 5), crash] })).train()).rejects.toThrow('crash');
    expect(await store.list()).toContain('checkpoint-8');
    const second = freshModel();
    const resumed = new Trainer(options(second, { store, callbacks: [new UnfreezeAt(second, 5)] }));
    await resumed.train({ resumeFromCheckpoint: 'checkpoint-8' });
    expect(weights(resumed).equals(weights(reference))).toBe(true);
  });

  it('refuses an optimizer and groups together, and groups that hold nothing', async () => {
    const model = new TinyClassifier();
    const other = new Trainer(options(model));
    await other.train();
    expect(() => new Trainer(options(model, { optimizer: other.optimizer! }))).toThrow(TrainerError);
    expect(() => new Trainer(options(model, { optimizer: other.optimizer! }))).toThrow(/optimizer or options.parameterGroups, not both/);
    await expect(new Trainer(options(model, { parameterGroups: [{ params: [], weightDecay: 0 }] })).train()).rejects.toThrow(/no trainable parameters/);
  });
});
