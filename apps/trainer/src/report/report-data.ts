/**
 * What `report.html` shows, as data: built from the Trainer's `log_history` (HF's shape: training
 * entries carry `loss` and `learning_rate`, evaluation entries `eval_*` keys), so a report can be
 * rebuilt from any `trainer_state.json`, ours or transformers'.
 */

/** One logged training point. */
export interface LossPoint {
  step: number;
  epoch?: number;
  loss: number;
  learningRate?: number;
}

/** One evaluation: its step, epoch and metrics without the `eval_` prefix. */
export interface EvalPoint {
  step: number;
  epoch?: number;
  metrics: Record<string, number>;
}

/** Everything the report draws. */
export interface ReportData {
  title: string;
  createdAt: string;
  versions: Record<string, string>;
  model: { path: string; modelType?: string; architecture?: string; parameters?: number; trainableParameters?: number };
  /** How the run trained (`graft train --method`): the method, its counts and its settings. */
  method?: { name: string; trainable: number; all: number; percent: number; settings?: Record<string, unknown> };
  data: Record<string, string | number | string[]>;
  hyperparameters: Record<string, unknown>;
  train: LossPoint[];
  evals: EvalPoint[];
  confusionMatrix?: { labels: string[]; matrix: number[][] };
  /** The metrics the run reports as its result (the best or final evaluation). */
  final: Record<string, number>;
  timing?: { trainSeconds?: number; stepsPerSecond?: number; samplesPerSecond?: number };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Splits an HF `log_history` into training points and evaluations. */
export function splitLogHistory(logHistory: readonly Record<string, unknown>[]): { train: LossPoint[]; evals: EvalPoint[] } {
  const train: LossPoint[] = [];
  const evals: EvalPoint[] = [];
  for (const entry of logHistory) {
    const step = num(entry.step);
    if (step === undefined) continue;
    const epoch = num(entry.epoch);
    const loss = num(entry.loss);
    if (loss !== undefined) train.push({ step, epoch, loss, learningRate: num(entry.learning_rate) });
    const metrics: Record<string, number> = {};
    for (const [key, value] of Object.entries(entry)) {
      const v = num(value);
      if (key.startsWith('eval_') && v !== undefined) metrics[key.slice('eval_'.length)] = v;
    }
    if (Object.keys(metrics).length > 0) evals.push({ step, epoch, metrics });
  }
  return { train, evals };
}
