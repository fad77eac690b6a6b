/**
 * Gradual unfreezing: the stages come top first on every layout (head; top layer with the
 * pooler; each layer below; embeddings); in a Trainer run each stage starts changing exactly at
 * the step (or epoch) the schedule says and not before; and a run interrupted after an unfreeze
 * resumes from its checkpoint to the same weights, byte for byte, with the stage count restored.
 */
import type { TrainerCallback } from '@graft/train';
import { memoryCheckpointStore } from '@graft/train';
import { describe, expect, it } from 'vitest';
import { changedSince, fixtureClassifier, shortRunTrainer, snapshot, tokenRows } from '../../../../test-utils/peft/freezing-runs';
import { FreezingError } from './errors';
import { applyFreezing } from './freezing';

/** The parts of the BERT fixture, by name. */
const HEAD = /^classifier\./;
const TOP = /^bert\.(encoder\.layer\.1|pooler)\./;
const LOWER = /^bert\.encoder\.layer\.0\./;
const EMBEDDINGS = /^bert\.embeddings\./;

/** Records which parameter names changed during each step. */
function stepRecorder(model: Awaited<ReturnType<typeof fixtureClassifier>>) {
  const perStep: string[][] = [];
  let last = snapshot(model);
  const callback: TrainerCallback = {
    onStepEnd: () => {
      perStep.push(changedSince(model, last));
      last = snapshot(model);
    },
  };
  return { perStep, callback };
}

/** Which of the four parts are in `names`. */
const parts = (names: string[]) =>
  (
    [
      ['head', HEAD],
      ['top', TOP],
      ['lower', LOWER],
      ['embeddings', EMBEDDINGS],
    ] as const
  )
    .filter(([, r]) => names.some((n) => r.test(n)))
    .map(([p]) => p);

describe('gradual unfreezing', () => {
  it('orders the stages top first on BERT, DistilBERT and RoBERTa', async () => {
    const stages = async (fixture: Parameters<typeof fixtureClassifier>[0]) =>
      applyFreezing(await fixtureClassifier(fixture), 'gradual', { unfreezeEvery: 1 }).stages.map((s) => s.modules);
    expect(await stages('bert-seqcls')).toEqual([['classifier'], ['bert.encoder.layer.1', 'bert.pooler'], ['bert.encoder.layer.0'], ['bert.embeddings']]);
    expect(await stages('distilbert-seqcls')).toEqual([
      ['pre_classifier', 'classifier'],
      ['distilbert.transformer.layer.1'],
      ['distilbert.transformer.layer.0'],
      ['distilbert.embeddings'],
    ]);
    expect(await stages('roberta-seqcls')).toEqual([['classifier'], ['roberta.encoder.layer.1'], ['roberta.encoder.layer.0'], ['roberta.embeddings']]);
  });

  it('opens one stage every K steps, from the head down, and nothing moves before its stage opens', async () => {
    const model = await fixtureClassifier('bert-seqcls');
    const events: { stage: number; modules: readonly string[]; step: number }[] = [];
    const opened: number[] = [];
    const freezing = applyFreezing(
      model,
      { kind: 'gradual', every: 2 },
      {
        onUnfreeze: (e) => {
          events.push(e);
          opened.push(freezing.currentCounts().trainable);
        },
      },
    );
    expect(freezing.currentCounts().trainable).toBe(66); // the classifier: 2 × 32 + 2
    const recorder = stepRecorder(model);
    const trainer = shortRunTrainer(model, {
      steps: 8,
      callbacks: [freezing.callback!, recorder.callback],
      parameterGroups: freezing.parameterGroups({ lr: 1e-3, weightDecay: 0.1 }),
    });
    await trainer.train();
    expect(recorder.perStep.map(parts)).toEqual([
      ['head'],
      ['head'],
      ['head', 'top'],
      ['head', 'top'],
      ['head', 'top', 'lower'],
      ['head', 'top', 'lower'],
      ['head', 'top', 'lower', 'embeddings'],
      ['head', 'top', 'lower', 'embeddings'],
    ]);
    expect(events).toEqual([
      { stage: 1, modules: ['bert.encoder.layer.1', 'bert.pooler'], step: 2 },
      { stage: 2, modules: ['bert.encoder.layer.0'], step: 4 },
      { stage: 3, modules: ['bert.embeddings'], step: 6 },
    ]);
    // the listener sees each stage open: 66 + layer 1 (8,544) + pooler (1,056), + layer 0, + embeddings = all
    expect(opened).toEqual([66 + 8_544 + 1_056, 66 + 2 * 8_544 + 1_056, freezing.counts().all]);
    expect(freezing.currentCounts()).toEqual(freezing.counts());
    expect(freezing.counts().percent).toBe(100);
  });

  it('opens one stage at each epoch’s start', async () => {
    const model = await fixtureClassifier('bert-seqcls');
    const freezing = applyFreezing(model, 'gradual', { unfreezeEvery: 'epoch' });
    const recorder = stepRecorder(model);
    // 8 rows in batches of 4: 2 steps an epoch, 3 epochs
    const trainer = shortRunTrainer(model, {
      steps: 6,
      rows: tokenRows(8),
      callbacks: [freezing.callback!, recorder.callback],
      parameterGroups: freezing.parameterGroups({ lr: 1e-3, weightDecay: 0.1 }),
    });
    await trainer.train();
    expect(recorder.perStep.map(parts)).toEqual([['head'], ['head'], ['head', 'top'], ['head', 'top'], ['head', 'top', 'lower'], ['head', 'top', 'lower']]);
  });

  it('resumes after an unfreeze to the same weights, byte for byte, with its stages restored', async () => {
    const run = async (store: ReturnType<typeof memoryCheckpointStore>, extra: TrainerCallback[] = []) => {
      const model = await fixtureClassifier('bert-seqcls');
      const freezing = applyFreezing(model, 'gradual', { unfreezeEvery: 3 });
      const trainer = shortRunTrainer(model, {
        steps: 10,
        store,
        args: { saveStrategy: 'steps', saveSteps: 4 },
        callbacks: [freezing.callback!, ...extra],
        parameterGroups: freezing.parameterGroups({ lr: 1e-3, weightDecay: 0.1 }),
      });
      return { trainer, freezing };
    };
    const referenceStore = memoryCheckpointStore();
    await (await run(referenceStore)).trainer.train();

    const store = memoryCheckpointStore();
    const crash: TrainerCallback = {
      onStepEnd: ({ state }) => {
        if (state.globalStep === 9) throw new Error('crash at step 9');
      },
    };
    await expect((await run(store, [crash])).trainer.train()).rejects.toThrow('crash');
    const saved = JSON.parse(new TextDecoder().decode((await store.read('checkpoint-8', 'trainer_state.json'))!));
    // 8 steps at one stage every 3: the head, then layer 1 after step 3, layer 0 after step 6
    expect(saved.stateful_callbacks.GradualUnfreezing).toEqual({ args: { every: 3, stages: 4 }, attributes: { open_stages: 3 } });

    const resumed = await run(store);
    await resumed.trainer.train({ resumeFromCheckpoint: 'checkpoint-8' });
    expect(resumed.freezing.callback!.openStages).toBe(4);
    const weights = (s: ReturnType<typeof memoryCheckpointStore>) => Buffer.from(s.dirs.get('')!.get('model.safetensors')!);
    expect(weights(store).equals(weights(referenceStore))).toBe(true);
  });

  it('refuses a checkpoint state that does not fit the model, and a bad schedule', async () => {
    const freezing = applyFreezing(await fixtureClassifier('bert-seqcls'), 'gradual');
    expect(freezing.callback!.every).toBe('epoch');
    expect(() => freezing.callback!.loadStateDict({ args: {}, attributes: { open_stages: 9 } })).toThrow(/open_stages 9, but this model has 4 stages/);
    const model = await fixtureClassifier('bert-seqcls');
    for (const every of [0, 1.5, 'step'] as const) {
      expect(() => applyFreezing(model, 'gradual', { unfreezeEvery: every as never })).toThrow(FreezingError);
      expect(() => applyFreezing(model, { kind: 'gradual', every: every as never })).toThrow(/whole number of steps \(1 or more\) or 'epoch'/);
    }
  });
});
