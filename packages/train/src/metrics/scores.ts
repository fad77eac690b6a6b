/**
 * Classification scores with scikit-learn's definitions, on class ids (`yTrue`, `yPred`, in
 * sklearn's argument order): which labels count, how each average is taken, and what an
 * undefined ratio (0/0) becomes (`zeroDivision`, sklearn's parameter: `'warn'` acts as 0). The
 * tests compare against values sklearn gives for the same inputs.
 */
import { MetricError } from '../errors';

/** Class ids: any array-like of integers. */
export type Labels = ArrayLike<number>;

/** What a 0/0 precision, recall or F-score becomes: sklearn's `zero_division` (`'warn'` acts as 0). */
export type ZeroDivision = 'warn' | 0 | 1 | number;

/** How per-class scores are averaged (sklearn's `average`). */
export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

function checkPair(yTrue: Labels, yPred: Labels, what: string): void {
  if (yTrue.length !== yPred.length) throw new MetricError(`${what}: yTrue has ${yTrue.length} entries but yPred has ${yPred.length}`);
  for (const [name, arr] of [
    ['yTrue', yTrue],
    ['yPred', yPred],
  ] as const) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isInteger(arr[i])) throw new MetricError(`${what}: ${name}[${i}] is ${arr[i]}, but class ids must be integers`);
    }
  }
}

/** The sorted union of the labels present in `yTrue` and `yPred` (sklearn's `unique_labels`). */
export function uniqueLabels(yTrue: Labels, yPred: Labels): number[] {
  const set = new Set<number>();
  for (let i = 0; i < yTrue.length; i++) set.add(yTrue[i]);
  for (let i = 0; i < yPred.length; i++) set.add(yPred[i]);
  return [...set].sort((a, b) => a - b);
}

/** The share of entries where `yPred` equals `yTrue` (sklearn's `accuracy_score`); NaN for no entries. */
export function accuracyScore(yTrue: Labels, yPred: Labels): number {
  checkPair(yTrue, yPred, 'accuracyScore');
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return yTrue.length === 0 ? Number.NaN : hits / yTrue.length;
}

/**
 * The confusion matrix: row i counts the entries whose true class is `labels[i]`, column j
 * those predicted as `labels[j]` (sklearn's layout). `labels` defaults to the classes present;
 * entries outside `labels` are not counted.
 */
export function confusionMatrix(yTrue: Labels, yPred: Labels, opts: { labels?: readonly number[] } = {}): number[][] {
  checkPair(yTrue, yPred, 'confusionMatrix');
  const labels = opts.labels ?? uniqueLabels(yTrue, yPred);
  if (labels.length === 0) throw new MetricError('confusionMatrix: no labels (both inputs are empty and no labels were given)');
  const index = new Map(labels.map((l, i) => [l, i]));
  if (index.size !== labels.length) throw new MetricError(`confusionMatrix: labels must be distinct, got [${labels.join(', ')}]`);
  const m = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < yTrue.length; i++) {
    const r = index.get(yTrue[i]);
    const c = index.get(yPred[i]);
    if (r !== undefined && c !== undefined) m[r][c]++;
  }
  return m;
}

/** Per-class counts: true positives, predicted counts and true counts (support). */
function classCounts(yTrue: Labels, yPred: Labels, labels: readonly number[]) {
  const index = new Map(labels.map((l, i) => [l, i]));
  const tp = new Float64Array(labels.length);
  const predSum = new Float64Array(labels.length);
  const trueSum = new Float64Array(labels.length);
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]);
    const p = index.get(yPred[i]);
    if (t !== undefined) trueSum[t]++;
    if (p !== undefined) predSum[p]++;
    if (t !== undefined && yTrue[i] === yPred[i]) tp[t]++;
  }
  return { tp, predSum, trueSum };
}

function zeroValue(z: ZeroDivision): number {
  if (z === 'warn') return 0;
  if (typeof z !== 'number' || !(z === 0 || z === 1 || Number.isNaN(z))) {
    throw new MetricError(`zeroDivision must be 'warn', 0, 1 or NaN (sklearn's choices), got ${String(z)}`);
  }
  return z;
}

const ratio = (num: number, den: number, zero: number) => (den === 0 ? zero : num / den);

/** Per-class scores of {@link precisionRecallFscorePerClass}. */
export interface PerClassScores {
  labels: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

/**
 * Precision, recall and F1 of each class in `labels` (default: the classes present), as
 * sklearn's `precision_recall_fscore_support(average=None)`. F1 is `2·tp / (true + predicted)`,
 * so it is 0, not undefined, when precision or recall alone is undefined.
 */
export function precisionRecallFscorePerClass(
  yTrue: Labels,
  yPred: Labels,
  opts: { labels?: readonly number[]; zeroDivision?: ZeroDivision } = {},
): PerClassScores {
  checkPair(yTrue, yPred, 'precisionRecallFscorePerClass');
  const zero = zeroValue(opts.zeroDivision ?? 'warn');
  const labels = [...(opts.labels ?? uniqueLabels(yTrue, yPred))];
  const { tp, predSum, trueSum } = classCounts(yTrue, yPred, labels);
  return {
    labels,
    precision: labels.map((_, i) => ratio(tp[i], predSum[i], zero)),
    recall: labels.map((_, i) => ratio(tp[i], trueSum[i], zero)),
    f1: labels.map((_, i) => ratio(2 * tp[i], trueSum[i] + predSum[i], zero)),
    support: [...trueSum],
  };
}

/** Averaged scores of {@link precisionRecallFscore}. */
export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
}

/** Options of {@link precisionRecallFscore}. */
export interface PrecisionRecallOptions {
  /** How classes are combined (default `'binary'`, as sklearn). */
  average?: Average;
  /** The positive class of `'binary'` (default 1). */
  posLabel?: number;
  /** The classes to score (ignored by `'binary'`); default: the classes present. */
  labels?: readonly number[];
  zeroDivision?: ZeroDivision;
}

/**
 * Averaged precision, recall and F1, as sklearn's `precision_recall_fscore_support(average=…)`:
 * `'binary'` scores `posLabel` alone (an error for more than two classes), `'macro'` is the
 * unweighted mean over classes, `'weighted'` weights each class by its support, `'micro'`
 * pools the counts of all classes. NaN class scores (`zeroDivision: NaN`) are left out of means.
 */
export function precisionRecallFscore(yTrue: Labels, yPred: Labels, opts: PrecisionRecallOptions = {}): AveragedScores {
  const average = opts.average ?? 'binary';
  const zeroDivision = opts.zeroDivision ?? 'warn';
  checkPair(yTrue, yPred, 'precisionRecallFscore');
  let labels = opts.labels;
  if (average === 'binary') {
    const posLabel = opts.posLabel ?? 1;
    const present = uniqueLabels(yTrue, yPred);
    if (present.length > 2) {
      throw new MetricError(
        `target is multiclass (classes ${present.join(', ')}) but average is 'binary'; choose 'macro', 'micro' or 'weighted' (or map the classes to two)`,
      );
    }
    if (present.length === 2 && !present.includes(posLabel)) {
      throw new MetricError(`posLabel ${posLabel} is not a valid label: it should be one of ${present.join(', ')}`);
    }
    labels = [posLabel];
  } else if (!['macro', 'micro', 'weighted'].includes(average)) {
    throw new MetricError(`average must be 'binary', 'macro', 'micro' or 'weighted', got ${String(average)}`);
  }
  const per = precisionRecallFscorePerClass(yTrue, yPred, { labels, zeroDivision });
  if (average === 'micro') {
    const zero = zeroValue(zeroDivision);
    const { tp, predSum, trueSum } = classCounts(yTrue, yPred, per.labels);
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    const [t, p, s] = [sum(tp), sum(predSum), sum(trueSum)];
    return { precision: ratio(t, p, zero), recall: ratio(t, s, zero), f1: ratio(2 * t, s + p, zero) };
  }
  const weights = average === 'weighted' ? per.support : undefined;
  return { precision: nanAverage(per.precision, weights), recall: nanAverage(per.recall, weights), f1: nanAverage(per.f1, weights) };
}

/** sklearn's `_nanaverage`: the (weighted) mean of the non-NaN values; unweighted when the weights sum to 0. */
function nanAverage(values: number[], weights?: number[]): number {
  const keep = values.map((v, i) => [v, weights?.[i] ?? 1] as const).filter(([v]) => !Number.isNaN(v));
  if (keep.length === 0) return Number.NaN;
  const total = keep.reduce((s, [, w]) => s + w, 0);
  if (total === 0) return keep.reduce((s, [v]) => s + v, 0) / keep.length;
  return keep.reduce((s, [v, w]) => s + v * w, 0) / total;
}

/**
 * The Matthews correlation coefficient, multiclass (sklearn's `matthews_corrcoef`, from the
 * confusion matrix): 1 is perfect, 0 no better than chance, −1 total disagreement. 0 when it is
 * undefined (a constant prediction or a single true class), as sklearn returns.
 */
export function matthewsCorrcoef(yTrue: Labels, yPred: Labels): number {
  checkPair(yTrue, yPred, 'matthewsCorrcoef');
  if (yTrue.length === 0) return 0;
  const c = confusionMatrix(yTrue, yPred);
  const k = c.length;
  const tSum = c.map((row) => row.reduce((s, v) => s + v, 0));
  const pSum = c[0].map((_, j) => c.reduce((s, row) => s + row[j], 0));
  const correct = c.reduce((s, row, i) => s + row[i], 0);
  const n = tSum.reduce((s, v) => s + v, 0);
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let i = 0; i < k; i++) {
    tp += tSum[i] * pSum[i];
    pp += pSum[i] * pSum[i];
    tt += tSum[i] * tSum[i];
  }
  const covYtYp = correct * n - tp;
  const covYpYp = n * n - pp;
  const covYtYt = n * n - tt;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}
