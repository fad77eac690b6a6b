import type { ProgressEvent } from '@graft/train';
import { describe, expect, it } from 'vitest';
import type { RunSpec, WorkerEvent } from './protocol';
import { lastAccuracy, logPoint, newRunView, reduceRun } from './run-view';

const SPEC = { name: 'lora-1', method: 'lora' } as RunSpec;
const progress = (event: Partial<ProgressEvent> & { kind: string }): WorkerEvent => ({
  kind: 'event',
  type: 'progress',
  run: 'lora-1',
  event: event as ProgressEvent,
});

describe('reduceRun', () => {
  it('folds steps, logs, evaluations and saves into the view', () => {
    let run = newRunView(SPEC);
    run = reduceRun(run, progress({ kind: 'train_begin', step: 0, totalSteps: 10 }));
    run = reduceRun(run, progress({ kind: 'step', step: 1, totalSteps: 10, epoch: 0.1, etaSeconds: 9, samplesPerSecond: 32 }));
    run = reduceRun(run, progress({ kind: 'log', entry: { step: 1, epoch: 0.1, loss: 0.7, learning_rate: 1e-3 } }));
    run = reduceRun(run, progress({ kind: 'log', entry: { step: 1, epoch: 0.1, train_runtime: 3 } }));
    run = reduceRun(run, progress({ kind: 'log', entry: { step: 2, eval_loss: 0.6, eval_accuracy: 0.75 } }));
    run = reduceRun(run, progress({ kind: 'save', step: 2 }));
    expect(run).toMatchObject({ state: 'running', step: 1, totalSteps: 10, epoch: 0.1, etaSeconds: 9, samplesPerSecond: 32, checkpointStep: 2 });
    // the runtime summary has neither loss: it is not a point of the curves
    expect(run.history).toEqual([
      { step: 1, epoch: 0.1, loss: 0.7, learning_rate: 1e-3 },
      { step: 2, epoch: undefined, eval_loss: 0.6, eval_accuracy: 0.75 },
    ]);
    expect(lastAccuracy(run)).toBe(0.75);
  });

  it('keeps a resumed run’s history up to its checkpoint and drops what the interrupted page logged after it', () => {
    const history = [1, 2, 3, 4, 5].map((step) => logPoint({ step, loss: 1 / step }));
    let run = newRunView(SPEC, history, 4);
    run = reduceRun(run, progress({ kind: 'train_begin', step: 4, totalSteps: 8 }));
    expect(run.history.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(run.step).toBe(4);
  });

  it('takes states, the run’s info and unfreezing stages from their events', () => {
    let run = newRunView(SPEC);
    const info = { name: 'lora-1', method: 'lora' as const, trainable: 10, total: 100, adapter: true };
    run = reduceRun(run, { kind: 'event', type: 'started', run: 'lora-1', info });
    run = reduceRun(run, { kind: 'event', type: 'state', run: 'lora-1', state: 'paused' });
    run = reduceRun(run, { kind: 'event', type: 'unfreeze', run: 'lora-1', stage: 1, modules: ['bert.encoder.layer.1'], step: 5 });
    expect(run).toMatchObject({ info, state: 'paused', unfrozen: [{ stage: 1, step: 5 }] });
    expect(lastAccuracy(run)).toBeNull();
  });
});
