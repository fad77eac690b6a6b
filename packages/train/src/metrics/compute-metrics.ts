/**
 * Metrics as the Trainer calls them: a function of the evaluation's logits and labels that
 * returns named numbers (HF's `compute_metrics(EvalPrediction)`). The built-in ones take the
 * argmax class of each row, drop rows whose label is -100 (HF's ignored positions, as in token
 * classification), and score with the sklearn definitions of `scores.ts`. A custom metric is
 * any function of the same type.
 */
import { MetricError } from '../errors';
import { accuracyScore, type Average, matthewsCorrcoef, precisionRecallFscore, type ZeroDivision } from './scores';

/** What evaluation hands a metric: logits `[rows, numLabels]` (row-major) and one label per row. */
export interface EvalPrediction {
  /** Logits, row-major: `labels.length × numLabels` values (any leading axes are flattened into rows). */
  logits: Float32Array;
  /** One class id per row; -100 marks rows to ignore. */
  labels: Int32Array;
  /** Classes per row (the last axis of the logits). */
  numLabels: number;
}

/** A metric function: named numbers from an evaluation's predictions (HF's `compute_metrics`). */
export type ComputeMetrics = (p: EvalPrediction) => Record<string, number>;

/** The label value that marks rows to ignore (HF's and PyTorch's `ignore_index`). */
export const IGNORE_INDEX = -100;

/** The predicted class (argmax, first maximum on ties) and label of every row whose label is not -100. */
export function classPredictions(p: EvalPrediction): { yTrue: Int32Array; yPred: Int32Array } {
  const { logits, labels, numLabels } = p;
  if (!Number.isInteger(numLabels) || numLabels < 1) throw new MetricError(`numLabels must be a positive integer, got ${numLabels}`);
  if (logits.length !== labels.length * numLabels) {
    throw new MetricError(`logits hold ${logits.length} values, but ${labels.length} labels × ${numLabels} classes need ${labels.length * numLabels}`);
  }
  let kept = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== IGNORE_INDEX) kept++;
  const yTrue = new Int32Array(kept);
  const yPred = new Int32Array(kept);
  for (let i = 0, k = 0; i < labels.length; i++) {
    if (labels[i] === IGNORE_INDEX) continue;
    let best = 0;
    for (let c = 1; c < numLabels; c++) if (logits[i * numLabels + c] > logits[i * numLabels + best]) best = c;
    yTrue[k] = labels[i];
    yPred[k++] = best;
  }
  return { yTrue, yPred };
}

/** `{ accuracy }`: the share of rows whose argmax is the label. */
export const accuracy: ComputeMetrics = (p) => {
  const { yTrue, yPred } = classPredictions(p);
  return { accuracy: accuracyScore(yTrue, yPred) };
};

/** Options of {@link precisionRecallF1}. */
export interface PrecisionRecallF1Options {
  /** `'binary'` (default, positive class `posLabel`), `'macro'`, `'micro'` or `'weighted'`. */
  average?: Average;
  posLabel?: number;
  zeroDivision?: ZeroDivision;
  /** Appended to the keys (`f1_macro` with `'_macro'`), to report several averages side by side. */
  suffix?: string;
}

/** `{ precision, recall, f1 }` with sklearn's averaging. */
export function precisionRecallF1(opts: PrecisionRecallF1Options = {}): ComputeMetrics {
  const { suffix = '', ...rest } = opts;
  return (p) => {
    const { yTrue, yPred } = classPredictions(p);
    const s = precisionRecallFscore(yTrue, yPred, rest);
    return { [`precision${suffix}`]: s.precision, [`recall${suffix}`]: s.recall, [`f1${suffix}`]: s.f1 };
  };
}

/** `{ matthews_correlation }`: sklearn's multiclass Matthews correlation coefficient. */
export const matthewsCorrelation: ComputeMetrics = (p) => {
  const { yTrue, yPred } = classPredictions(p);
  return { matthews_correlation: matthewsCorrcoef(yTrue, yPred) };
};

/** One metric function from several; a key produced twice is an error (it would hide a value). */
export function combineMetrics(...metrics: ComputeMetrics[]): ComputeMetrics {
  return (p) => {
    const out: Record<string, number> = {};
    for (const m of metrics) {
      for (const [k, v] of Object.entries(m(p))) {
        if (Object.hasOwn(out, k)) throw new MetricError(`two metrics both return '${k}'; give one of them a suffix`);
        out[k] = v;
      }
    }
    return out;
  };
}

/**
 * The usual classification report: accuracy, precision/recall/F1 (binary for two classes, else
 * `average`, default macro) and the Matthews correlation.
 */
export function classificationMetrics(opts: { average?: Exclude<Average, 'binary'> } = {}): ComputeMetrics {
  const multi = precisionRecallF1({ average: opts.average ?? 'macro' });
  const binary = precisionRecallF1({ average: 'binary' });
  return combineMetrics(accuracy, (p) => (p.numLabels === 2 ? binary(p) : multi(p)), matthewsCorrelation);
}
