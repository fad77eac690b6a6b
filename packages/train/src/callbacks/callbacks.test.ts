/**
 * The callbacks alone (with hand-made contexts and a fake clock) and inside a Trainer: early
 * stopping counts as HF's does, the throughput estimate leaves out warm-up and evaluation time,
 * progress events carry what a renderer needs, the console renderer prints them, the learning-
 * rate monitor records the rate each step used, and JSONL lines equal the log history.
 */
import { Dataset } from '@graft/data';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, tinyCollate, tinyRows } from '../../../../test-utils/train/tiny-classifier';
import { trainingArguments } from '../args/training-args';
import { initialTrainerState } from '../state/trainer-state';
import { Trainer } from '../trainer/trainer';
import { type CallbackContext, newControl } from './callback';
import { consoleProgress } from './console-progress';
import { EarlyStoppingCallback } from './early-stopping';
import { JsonlLoggingCallback, memoryJsonlSink } from './jsonl-logging';
import { LearningRateMonitor } from './lr-monitor';
import { ProgressCallback, type ProgressEvent } from './progress';
import { formatDuration, ThroughputEstimator } from './throughput';

function context(args = {}, state = {}): CallbackContext {
  return {
    args: trainingArguments({ evalStrategy: 'epoch', ...args }),
    state: { ...initialTrainerState({ maxSteps: 100, numTrainEpochs: 1, trainBatchSize: 8, loggingSteps: 10, evalSteps: 10, saveSteps: 10 }), ...state },
    control: newControl(),
    learningRates: [0.1],
    stepsPerEpoch: 100,
  };
}

describe('EarlyStoppingCallback', () => {
  it('stops after `patience` evaluations without an improvement beyond the threshold (HF’s rule)', () => {
    const cb = new EarlyStoppingCallback({ patience: 2, threshold: 0.01 });
    const evaluate = (value: number, best: number | null) => {
      const ctx = context({ metricForBestModel: 'accuracy' }, { bestMetric: best });
      cb.onEvaluate(ctx, { eval_accuracy: value });
      return ctx.control.shouldStop;
    };
    expect(evaluate(0.5, null)).toBe(false); // first evaluation: nothing to compare
    expect(evaluate(0.6, 0.5)).toBe(false);
    expect(cb.counter).toBe(0);
    expect(evaluate(0.605, 0.6)).toBe(false); // better, but not by more than the threshold
    expect(cb.counter).toBe(1);
    expect(evaluate(0.55, 0.6)).toBe(true);
    expect(cb.stateDict()).toEqual({
      args: { early_stopping_patience: 2, early_stopping_threshold: 0.01 },
      attributes: { early_stopping_patience_counter: 2 },
    });
    const restored = new EarlyStoppingCallback({ patience: 2 });
    restored.loadStateDict(cb.stateDict());
    expect(restored.counter).toBe(2);
  });

  it('treats losses as lower-is-better and skips a metric the evaluation did not report', () => {
    const cb = new EarlyStoppingCallback({ patience: 1 });
    const ctx = context({}, { bestMetric: 0.4 });
    cb.onEvaluate(ctx, { eval_loss: 0.3 });
    expect(cb.counter).toBe(0);
    cb.onEvaluate(context({ metricForBestModel: 'f1' }, { bestMetric: 0.4 }), { eval_loss: 0.3 });
    expect(cb.counter).toBe(0);
    expect(() => new EarlyStoppingCallback({ patience: 0 })).toThrow(/patience must be an integer ≥ 1/);
  });

  it('ends a Trainer run early, from earlyStoppingPatience', async () => {
    const model = new TinyClassifier();
    // a learning rate of 0 never improves the loss: stop after the first evaluation plus 2
    const trainer = new Trainer({
      model,
      args: { learningRate: 0, numTrainEpochs: 10, perDeviceTrainBatchSize: 16, evalStrategy: 'epoch', saveStrategy: 'no', earlyStoppingPatience: 2 },
      trainDataset: Dataset.fromRows(tinyRows(32)),
      evalDataset: Dataset.fromRows(tinyRows(16, { seed: 9 })),
      collate: tinyCollate,
    });
    await trainer.train();
    expect(trainer.state.globalStep).toBe(6); // 3 epochs of 2 steps
    model.dispose();
  });
});

describe('ThroughputEstimator', () => {
  it('leaves out warm-up steps and the time after a step spent logging, evaluating or saving', () => {
    let t = 0;
    const est = new ThroughputEstimator({ warmupSteps: 2, now: () => t });
    est.start();
    t += 5000; // a slow first step (compilation)
    est.step();
    t += 900;
    est.step();
    expect(est.stepsPerSecond).toBeNull();
    expect(est.eta(10)).toBeNull();
    t += 100;
    est.step(); // counted: 100 ms
    t += 60_000; // an evaluation
    est.pause();
    t += 100;
    est.step(); // counted: 100 ms, not 60.1 s
    expect(est.stepsPerSecond).toBeCloseTo(10, 12);
    expect(est.eta(50)).toBeCloseTo(5, 12);
  });

  it('formats durations', () => {
    expect([formatDuration(4.2), formatDuration(65), formatDuration(3723.4), formatDuration(Number.NaN)]).toEqual(['4s', '1m05s', '1h02m03s', '?']);
  });
});

describe('progress, logging and learning-rate callbacks in a run', () => {
  it('emit what renderers, report files and curves need', async () => {
    const events: ProgressEvent[] = [];
    const lines: string[] = [];
    const sink = memoryJsonlSink();
    const lr = new LearningRateMonitor();
    const model = new TinyClassifier();
    const render = consoleProgress({ write: (l) => lines.push(l), everySteps: 4 });
    const trainer = new Trainer({
      model,
      args: { learningRate: 0.01, maxSteps: 8, perDeviceTrainBatchSize: 8, warmupSteps: 4, loggingSteps: 4, evalStrategy: 'steps', evalSteps: 8, saveSteps: 8 },
      trainDataset: Dataset.fromRows(tinyRows(64)),
      evalDataset: Dataset.fromRows(tinyRows(16, { seed: 9 })),
      collate: tinyCollate,
      callbacks: [
        new ProgressCallback(
          (e) => {
            events.push(e);
            return render(e);
          },
          { warmupSteps: 2 },
        ),
        new JsonlLoggingCallback(sink),
        lr,
      ],
    });
    await trainer.train();
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe('train_begin');
    expect(kinds.filter((k) => k === 'step')).toHaveLength(8);
    // at step 8: the training log, the evaluation's log and event, the save; then the summary log
    expect(kinds.slice(-6)).toEqual(['log', 'log', 'evaluate', 'save', 'log', 'train_end']);
    const steps = events.filter((e) => e.kind === 'step');
    expect(steps[0]).toMatchObject({ step: 1, totalSteps: 8, stepsPerSecond: null, etaSeconds: null, loss: null });
    expect(steps[7].stepsPerSecond).toBeGreaterThan(0);
    expect(steps[7].samplesPerSecond).toBeCloseTo(steps[7].stepsPerSecond! * 8, 9);
    expect(steps[4].loss).toBe(trainer.state.logHistory[0].loss); // the loss logged at step 4
    // JSONL: every log_history entry, in order
    expect(sink.lines.map((l) => JSON.parse(l))).toEqual(trainer.state.logHistory);
    // the rate each step used: 0, 0.25, 0.5, 0.75 of the peak during warmup, then linear decay
    expect(lr.history.map((r) => r.learningRates[0])).toEqual([0, 0.0025, 0.005, 0.0075, 0.01, 0.0075, 0.005, 0.0025]);
    expect(lr.history.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(lines[0]).toBe('training 8 steps over 1 epoch(s)');
    expect(lines.filter((l) => l.startsWith('step 4/8 (50%) · epoch 0.50 · '))).toHaveLength(2); // every 4 steps, and at the log
    expect(lines.find((l) => l.startsWith('evaluation at step 8: eval_loss '))).toBeDefined();
    expect(lines).toContain('saved checkpoint-8');
    expect(lines.at(-1)).toMatch(/^done: 8 steps in \d+s$/);
    model.dispose();
  });

  it('rewinds a JSONL sink to the step a run resumes from', async () => {
    const sink = memoryJsonlSink();
    for (const step of [1, 2, 3]) sink.append(JSON.stringify({ step }));
    await new JsonlLoggingCallback(sink).onTrainBegin(context({}, { globalStep: 2 }));
    expect(sink.lines).toEqual(['{"step":1}', '{"step":2}']);
    await new JsonlLoggingCallback(sink).onTrainBegin(context());
    expect(sink.lines).toEqual([]);
  });
});
