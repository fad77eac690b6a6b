/**
 * The report of a classification run: the confusion matrix from the final evaluation's logits,
 * and {@link ReportData} assembled from the model, the data, the arguments and `log_history`.
 */
import { CLI_VERSION } from '../version';
import { type ReportData, splitLogHistory } from './report-data';

/** A model as the report sees it (every @graft/nn Module has these). */
export interface ReportModel {
  numParameters(opts?: { trainableOnly?: boolean }): number;
  config?: { model_type?: string };
  architecture?: string;
}

/** Rows = true label, columns = predicted label (argmax); rows with label -100 are skipped. */
export function confusionMatrixOf(logits: Float32Array, labels: Int32Array, names: readonly string[]): { labels: string[]; matrix: number[][] } {
  const k = names.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y < 0 || y >= k) continue;
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[i * k + c] > logits[i * k + best]) best = c;
    matrix[y][best]++;
  }
  return { labels: [...names], matrix };
}

/** What {@link reportFor} assembles. */
export interface ReportInput {
  title: string;
  model: ReportModel;
  modelPath: string;
  data: Record<string, string | number | string[]>;
  args: object;
  logHistory: readonly Record<string, unknown>[];
  final: Record<string, number>;
  confusion?: { labels: string[]; matrix: number[][] };
  timing?: ReportData['timing'];
  /** The training method and what it trained (PEFT's counts: of the base model's parameters). */
  method?: ReportData['method'];
}

/** The report's data for a finished run. */
export function reportFor(input: ReportInput): ReportData {
  const { train, evals } = splitLogHistory(input.logHistory);
  return {
    title: input.title,
    createdAt: new Date().toISOString(),
    versions: { '@graft/cli': CLI_VERSION, node: process.versions.node },
    model: {
      path: input.modelPath,
      modelType: input.model.config?.model_type,
      architecture: input.model.architecture,
      parameters: input.method?.all ?? input.model.numParameters(),
      trainableParameters: input.method?.trainable ?? input.model.numParameters({ trainableOnly: true }),
    },
    method: input.method,
    data: input.data,
    hyperparameters: { ...input.args },
    train,
    evals,
    confusionMatrix: input.confusion,
    final: input.final,
    timing: input.timing,
  };
}
