/**
 * The end of a classification run, shared by `graft train` and `graft distill`: the final
 * evaluation of the model the Trainer ended with (the best checkpoint), `best/`, the confusion
 * matrix, `report.html` and the closing lines. Each command passes what differs: how `best/` is
 * written, the report's title, model and method, what `best/` holds, and whether the measured
 * speed is printed.
 */
import { join } from 'node:path';
import type { Dataset } from '@graft/data';
import type { PredictionOutput, TrainerState, TrainingArguments } from '@graft/train';
import type { CliContext } from './command';
import type { CliProgress } from './progress/renderer';
import { formatMetrics } from './progress/renderer';
import { confusionMatrixOf, type ReportInput, reportFor } from './report/classification-report';
import { writeReport } from './run-directory';
import type { TokenizedRow } from './tokenize';
import type { TrainingData } from './training-data';

/** What {@link finishClassificationRun} reads of a Trainer that has finished training. */
export interface FinishedTrainer {
  predict(dataset: Dataset<TokenizedRow>): Promise<PredictionOutput>;
  readonly state: TrainerState;
}

/** A finished run and what its command adds to the summary. */
export interface RunSummaryInput {
  ctx: CliContext;
  trainer: FinishedTrainer;
  args: TrainingArguments;
  outputDir: string;
  data: TrainingData;
  maxLength: number;
  trainSeconds: number;
  progress: Pick<CliProgress, 'stepsPerSecond' | 'samplesPerSecond'>;
  /** Writes `best/` (the model, or an adapter) into `dir`. */
  saveBest(dir: string): Promise<unknown>;
  /** The report's title, model and method. */
  report: Pick<ReportInput, 'title' | 'model' | 'modelPath' | 'method'>;
  /** What `best/` holds, as printed: `best model`, `adapter`, `student`. */
  bestLabel: string;
  /** Print the samples/s after warm-up on the steps line. */
  showSpeed: boolean;
}

/** What the summary leaves for the command's JSON result. */
export interface RunSummary {
  best: string;
  report: string;
  /** The final evaluation's metrics, without the `test_` prefix. */
  metrics: Record<string, number>;
  confusion: { labels: string[]; matrix: number[][] };
}

/** Evaluates the final model, writes `best/` and `report.html`, and prints the run's closing lines. */
export async function finishClassificationRun(input: RunSummaryInput): Promise<RunSummary> {
  const { ctx, trainer, data, progress, trainSeconds } = input;
  const prediction = await trainer.predict(data.evalData);
  const metrics = Object.fromEntries(Object.entries(prediction.metrics).map(([k, v]) => [k.replace(/^test_/, ''), v]));
  const best = join(input.outputDir, 'best');
  await input.saveBest(best);
  const confusion = confusionMatrixOf(prediction.logits, prediction.labels ?? new Int32Array(), data.names);
  const timing = { trainSeconds, stepsPerSecond: progress.stepsPerSecond ?? undefined, samplesPerSecond: progress.samplesPerSecond ?? undefined };
  const report = await writeReport(
    input.outputDir,
    reportFor({
      ...input.report,
      data: {
        train: data.train.source,
        eval: data.eval.source,
        trainRows: data.trainData.length,
        evalRows: data.evalData.length,
        textColumn: data.textColumn,
        labelColumn: data.labelColumn,
        labels: data.names,
        maxLength: input.maxLength,
      },
      args: input.args,
      logHistory: trainer.state.logHistory,
      final: metrics,
      confusion,
      timing,
    }),
  );
  const speed = input.showSpeed && timing.samplesPerSecond ? ` (${timing.samplesPerSecond.toFixed(1)} samples/s after warm-up)` : '';
  ctx.print(`dev: ${formatMetrics(metrics)}`);
  ctx.print(`${trainer.state.globalStep} steps in ${trainSeconds.toFixed(1)} s${speed}`);
  ctx.print(`${input.bestLabel}: ${best}`);
  ctx.print(`report: ${report}`);
  return { best, report, metrics, confusion };
}
