/**
 * A metric and a Trainer callback as a plugin would ship them: balanced accuracy (the mean of
 * the per-class recalls, sklearn's `balanced_accuracy_score`, which plain accuracy overstates on
 * skewed classes), and a callback that stops the run once an evaluation reaches a target, keeping
 * the step it stopped at in `trainer_state.json` so a resumed run knows. The Trainer trains a
 * logistic regression on 2-D points where one class is three times as common as the other.
 *
 *   tsx docs/examples/plugins/metric-and-callback.ts
 */
import { crossEntropy, Generator, type Tensor, tensor } from '@graft/core';
import { Dataset } from '@graft/data';
import { init, Linear, Module } from '@graft/nn';
import { type ComputeMetrics, classPredictions, combineMetrics, accuracy, type TrainerCallback, Trainer } from '@graft/train';

// #region metric
/** `{ balanced_accuracy }`: the mean recall over the classes present in the labels. */
export const balancedAccuracy: ComputeMetrics = (p) => {
  const { yTrue, yPred } = classPredictions(p); // argmax per row, ignored rows (-100) dropped
  const seen = new Map<number, { hit: number; all: number }>();
  yTrue.forEach((label, i) => {
    const c = seen.get(label) ?? { hit: 0, all: 0 };
    c.all++;
    if (yPred[i] === label) c.hit++;
    seen.set(label, c);
  });
  const recalls = [...seen.values()].map((c) => c.hit / c.all);
  return { balanced_accuracy: recalls.reduce((a, b) => a + b, 0) / Math.max(recalls.length, 1) };
};
// #endregion metric

// #region callback
/** Stops training after the evaluation at which `metric` first reaches `target`. */
export class StopAtTarget implements TrainerCallback {
  readonly name = 'StopAtTarget';
  /** The step of the evaluation that reached the target, or null. */
  reachedAt: number | null = null;

  constructor(
    readonly metric: string,
    readonly target: number,
  ) {}

  onEvaluate: TrainerCallback['onEvaluate'] = (ctx, metrics) => {
    const value = metrics[this.metric];
    if (value === undefined) throw new Error(`StopAtTarget: the evaluation has no '${this.metric}' (it has ${Object.keys(metrics).join(', ')})`);
    if (this.reachedAt === null && value >= this.target) {
      this.reachedAt = ctx.state.globalStep;
      ctx.control.shouldStop = true;
    }
  };

  // kept in checkpoints, so a resumed run continues with what this one knew
  stateDict() {
    return { args: { metric: this.metric, target: this.target }, attributes: { reachedAt: this.reachedAt } };
  }
  loadStateDict(state: { attributes: Record<string, unknown> }) {
    this.reachedAt = state.attributes.reachedAt as number | null;
  }
}
// #endregion callback

/** A point and its class. */
export interface PointRow {
  x: [number, number];
  label: number;
}
interface PointBatch {
  x: Tensor;
  labels: Tensor;
}

/** `n` points: class 1 (a quarter of them) around (1, 1), class 0 around (-1, -1), overlapping a little. */
export function points(n: number, seed: number): PointRow[] {
  const u = new Generator(seed).uniform(n * 3);
  return Array.from({ length: n }, (_, i) => {
    const label = u[3 * i] < 0.25 ? 1 : 0;
    const centre = label === 1 ? 1 : -1;
    return { x: [centre + 3.0 * (u[3 * i + 1] - 0.5), centre + 3.0 * (u[3 * i + 2] - 0.5)], label };
  });
}

/**
 * Logistic regression with two outputs, returning `{ loss, logits }` as Graft's classifiers do.
 * It starts at zero, so every row ties and the argmax predicts class 0: accuracy is about 0.75 (the
 * common class's share) while balanced accuracy is 0.5, a coin toss.
 */
class PointClassifier extends Module<[PointBatch], { loss: Tensor; logits: Tensor }> {
  linear = new Linear(2, 2);
  constructor() {
    super();
    init.constant(this.linear.weight, 0);
    init.constant(this.linear.bias!, 0);
  }
  forward(batch: PointBatch) {
    const logits = this.linear.call(batch.x);
    return { loss: crossEntropy(logits, batch.labels), logits };
  }
}

// #region use
/** What {@link trainToTarget} returns. */
export interface TargetRun {
  stoppedAt: number;
  reachedAt: number | null;
  /** Balanced accuracy at each evaluation, in order. */
  history: number[];
  /** The last evaluation. */
  metrics: Record<string, number>;
}

/** Trains until balanced accuracy reaches `target` (or `maxSteps`); returns where it stopped and the evaluations. */
export async function trainToTarget(target = 0.92, maxSteps = 200): Promise<TargetRun> {
  const stop = new StopAtTarget('eval_balanced_accuracy', target);
  const trainer = new Trainer<PointRow, PointBatch>({
    model: new PointClassifier(),
    args: {
      outputDir: 'runs/points',
      learningRate: 0.002,
      maxSteps,
      perDeviceTrainBatchSize: 16,
      evalStrategy: 'steps',
      evalSteps: 5,
      saveStrategy: 'no',
      seed: 0,
    },
    trainDataset: Dataset.fromRows(points(256, 1)),
    evalDataset: Dataset.fromRows(points(128, 2)),
    collate: (rows) => ({
      x: tensor(rows.map((r) => r.x)),
      labels: tensor(
        rows.map((r) => r.label),
        { dtype: 'int32' },
      ),
    }),
    computeMetrics: combineMetrics(accuracy, balancedAccuracy),
    callbacks: [stop],
  });
  const { globalStep } = await trainer.train();
  const evaluations = trainer.state.logHistory.filter((e) => 'eval_balanced_accuracy' in e);
  const history = evaluations.map((e) => e.eval_balanced_accuracy as number);
  return { stoppedAt: globalStep, reachedAt: stop.reachedAt, history, metrics: evaluations.at(-1) as Record<string, number> };
}
// #endregion use

if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  const { stoppedAt, reachedAt, history, metrics } = await trainToTarget();
  console.log(`stopped at step ${stoppedAt} of 200 (target reached at step ${reachedAt}, after ${history.length} evaluations)`);
  console.log(`accuracy ${metrics.eval_accuracy.toFixed(3)}, balanced accuracy ${metrics.eval_balanced_accuracy.toFixed(3)}`);
}
