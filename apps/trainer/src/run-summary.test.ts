/**
 * The shared end of `graft train` and `graft distill` on a finished stand-in Trainer: the final
 * metrics lose their `test_` prefix, `best/` is written where the command says, the confusion
 * matrix and report.html come from the final evaluation, and the closing lines name what `best/`
 * holds and print the speed only where the command asks for it and it was measured.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '@graft/data';
import { initialTrainerState, trainingArguments } from '@graft/train';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliContext } from './command';
import { readReportData } from './report/report-html';
import { finishClassificationRun, type RunSummaryInput } from './run-summary';
import type { TokenizedRow } from './tokenize';
import type { TrainingData } from './training-data';

const work = mkdtempSync(join(tmpdir(), 'graft-run-summary-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rows = (n: number) => ({ length: n }) as unknown as Dataset<TokenizedRow>;
const data = {
  train: { source: 'train.csv' },
  eval: { source: 'dev.csv' },
  trainData: rows(8),
  evalData: rows(4),
  names: ['negative', 'positive'],
  textColumn: 'sentence',
  labelColumn: 'label',
} as unknown as TrainingData;

/** A run that ended at step 12; its final evaluation predicts positive, negative, positive, positive for labels 0, 0, 1, 1. */
function finished(name: string, o: Partial<RunSummaryInput> & { samplesPerSecond?: number | null } = {}) {
  const { samplesPerSecond = 38.4, ...rest } = o;
  const lines: string[] = [];
  const saved: string[] = [];
  // the Trainer has made the run directory by the end of a run
  const outputDir = join(work, name);
  mkdirSync(outputDir, { recursive: true });
  const state = { ...initialTrainerState({ maxSteps: 12, numTrainEpochs: 1, trainBatchSize: 8, loggingSteps: 1, evalSteps: 0, saveSteps: 0 }), globalStep: 12 };
  const input: RunSummaryInput = {
    ctx: { print: (line: string) => lines.push(line) } as unknown as CliContext,
    trainer: {
      predict: async () => ({
        logits: new Float32Array([0, 1, 1, 0, 0, 1, 0, 1]),
        logitsShape: [4, 2],
        labels: new Int32Array([0, 0, 1, 1]),
        metrics: { test_accuracy: 0.75, test_loss: 0.5 },
      }),
      state,
    },
    args: trainingArguments({ outputDir }),
    outputDir,
    data,
    maxLength: 24,
    trainSeconds: 2.5,
    progress: { stepsPerSecond: 4.8, samplesPerSecond },
    saveBest: async (dir) => saved.push(dir),
    report: {
      title: 'a run',
      model: { numParameters: () => 1000 },
      modelPath: 'model',
      method: { name: 'full', trainable: 1000, all: 1000, percent: 100, settings: {} },
    },
    bestLabel: 'best model',
    showSpeed: true,
    ...rest,
  };
  return { input, lines, saved, outputDir };
}

describe('finishClassificationRun', () => {
  it('writes best/ and report.html from the final evaluation and returns its metrics and confusion matrix', async () => {
    const { input, saved, outputDir } = finished('report');
    const summary = await finishClassificationRun(input);
    expect(saved).toEqual([join(outputDir, 'best')]);
    expect(summary.best).toBe(join(outputDir, 'best'));
    expect(summary.metrics).toEqual({ accuracy: 0.75, loss: 0.5 });
    expect(summary.confusion).toEqual({
      labels: ['negative', 'positive'],
      matrix: [
        [1, 1],
        [0, 2],
      ],
    });
    expect(summary.report).toBe(join(outputDir, 'report.html'));
    const report = readReportData(readFileSync(summary.report, 'utf8'));
    expect(report.title).toBe('a run');
    expect(report.final).toEqual({ accuracy: 0.75, loss: 0.5 });
    expect(report.confusionMatrix?.matrix).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(report.data).toEqual({
      train: 'train.csv',
      eval: 'dev.csv',
      trainRows: 8,
      evalRows: 4,
      textColumn: 'sentence',
      labelColumn: 'label',
      labels: ['negative', 'positive'],
      maxLength: 24,
    });
    expect(report.timing).toEqual({ trainSeconds: 2.5, stepsPerSecond: 4.8, samplesPerSecond: 38.4 });
  });

  it('prints the metrics, the steps with the speed when asked and measured, what best/ holds and the report', async () => {
    const train = finished('train-lines');
    await finishClassificationRun(train.input);
    expect(train.lines).toEqual([
      'dev: accuracy 0.7500  loss 0.5000',
      '12 steps in 2.5 s (38.4 samples/s after warm-up)',
      `best model: ${join(train.outputDir, 'best')}`,
      `report: ${join(train.outputDir, 'report.html')}`,
    ]);
    const unmeasured = finished('unmeasured', { samplesPerSecond: null, bestLabel: 'adapter' });
    await finishClassificationRun(unmeasured.input);
    expect(unmeasured.lines.slice(1, 3)).toEqual(['12 steps in 2.5 s', `adapter: ${join(unmeasured.outputDir, 'best')}`]);
    const distill = finished('distill-lines', { showSpeed: false, bestLabel: 'student' });
    await finishClassificationRun(distill.input);
    expect(distill.lines.slice(1, 3)).toEqual(['12 steps in 2.5 s', `student: ${join(distill.outputDir, 'best')}`]);
  });
});
