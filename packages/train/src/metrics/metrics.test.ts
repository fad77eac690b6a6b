/**
 * Metrics against values from scikit-learn's documentation (the doctests of accuracy_score,
 * precision_score, f1_score, confusion_matrix, matthews_corrcoef) and against hand-computed
 * counts where the docs have no example (weighted ≠ macro, multiclass MCC, -100 rows).
 */
import { describe, expect, it } from 'vitest';
import { MetricError } from '../errors';
import {
  accuracy,
  classificationMetrics,
  classPredictions,
  combineMetrics,
  type EvalPrediction,
  matthewsCorrelation,
  precisionRecallF1,
} from './compute-metrics';
import { accuracyScore, confusionMatrix, matthewsCorrcoef, precisionRecallFscore, precisionRecallFscorePerClass } from './scores';

/** Logits that make `preds` the argmax of each row. */
function logitsFor(preds: number[], numLabels: number): Float32Array {
  const out = new Float32Array(preds.length * numLabels);
  preds.forEach((p, i) => {
    for (let c = 0; c < numLabels; c++) out[i * numLabels + c] = c === p ? 2 : -1 - c;
  });
  return out;
}

const evalPrediction = (yTrue: number[], yPred: number[], numLabels: number): EvalPrediction => ({
  logits: logitsFor(yPred, numLabels),
  labels: Int32Array.from(yTrue),
  numLabels,
});

describe('sklearn documentation examples', () => {
  const yTrue = [0, 1, 2, 0, 1, 2];
  const yPred = [0, 2, 1, 0, 0, 1];

  it('accuracy_score', () => {
    expect(accuracyScore([0, 1, 2, 3], [0, 2, 1, 3])).toBe(0.5);
  });

  it('precision_score / recall_score / f1_score, each average', () => {
    const macro = precisionRecallFscore(yTrue, yPred, { average: 'macro' });
    expect(macro.precision).toBeCloseTo(2 / 9, 12);
    expect(macro.recall).toBeCloseTo(1 / 3, 12);
    expect(macro.f1).toBeCloseTo(0.8 / 3, 12); // sklearn: 0.26...
    const micro = precisionRecallFscore(yTrue, yPred, { average: 'micro' });
    expect([micro.precision, micro.recall, micro.f1]).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const weighted = precisionRecallFscore(yTrue, yPred, { average: 'weighted' });
    expect(weighted.precision).toBeCloseTo(2 / 9, 12);
    expect(weighted.f1).toBeCloseTo(0.8 / 3, 12);
    const per = precisionRecallFscorePerClass(yTrue, yPred);
    expect(per.f1).toEqual([0.8, 0, 0]);
    expect(per.precision[0]).toBeCloseTo(2 / 3, 12);
    expect(per.support).toEqual([2, 2, 2]);
  });

  it('zero_division: 0 (and warn), 1 and NaN', () => {
    const constant = [0, 0, 0, 0, 0, 0];
    expect(precisionRecallFscorePerClass(yTrue, constant).precision).toEqual([1 / 3, 0, 0]);
    expect(precisionRecallFscorePerClass(yTrue, constant, { zeroDivision: 1 }).precision).toEqual([1 / 3, 1, 1]);
    expect(precisionRecallFscorePerClass(yTrue, constant, { zeroDivision: Number.NaN }).precision).toEqual([1 / 3, Number.NaN, Number.NaN]);
    // f1_score(y_true_empty, y_pred_empty): binary, class 1 absent everywhere
    expect(precisionRecallFscore(constant, constant).f1).toBe(0);
    expect(precisionRecallFscore(constant, constant, { zeroDivision: 1 }).f1).toBe(1);
    expect(precisionRecallFscore(constant, constant, { zeroDivision: Number.NaN }).f1).toBeNaN();
    // NaN classes are left out of the macro mean (sklearn's _nanaverage)
    expect(precisionRecallFscore(yTrue, constant, { average: 'macro', zeroDivision: Number.NaN }).precision).toBeCloseTo(1 / 3, 12);
    expect(() => precisionRecallFscorePerClass(yTrue, constant, { zeroDivision: 0.5 })).toThrow(MetricError);
  });

  it('confusion_matrix', () => {
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    // given labels fix the order and size; entries outside them are not counted
    expect(confusionMatrix([0, 1, 1], [1, 1, 3], { labels: [1, 0, 2] })).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('matthews_corrcoef', () => {
    expect(matthewsCorrcoef([1, 1, 1, -1], [1, -1, 1, 1])).toBeCloseTo(-1 / 3, 12);
    expect(matthewsCorrcoef([0, 1, 0, 1], [0, 0, 0, 0])).toBe(0); // constant prediction: undefined → 0
  });
});

describe('hand-computed values', () => {
  // per class (P, R, F1, support): 0 → (1, 2/3, 0.8, 3), 1 → (1/2, 1/2, 1/2, 2), 2 → (1/2, 1, 2/3, 1)
  const yTrue = [0, 0, 0, 1, 1, 2];
  const yPred = [0, 0, 1, 1, 2, 2];

  it('weighted differs from macro, micro equals accuracy', () => {
    const w = precisionRecallFscore(yTrue, yPred, { average: 'weighted' });
    expect(w.precision).toBeCloseTo(4.5 / 6, 12);
    expect(w.recall).toBeCloseTo(4 / 6, 12);
    expect(w.f1).toBeCloseTo((3 * 0.8 + 2 * 0.5 + 2 / 3) / 6, 12);
    const m = precisionRecallFscore(yTrue, yPred, { average: 'macro' });
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 12);
    expect(m.f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(precisionRecallFscore(yTrue, yPred, { average: 'micro' }).f1).toBeCloseTo(accuracyScore(yTrue, yPred), 12);
  });

  it('binary scores the positive class and refuses multiclass targets', () => {
    const s = precisionRecallFscore([0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1]);
    expect(s).toEqual({ precision: 1, recall: 0.75, f1: 6 / 7 });
    expect(precisionRecallFscore([0, 1, 1, 0], [0, 1, 0, 0], { posLabel: 0 }).precision).toBeCloseTo(2 / 3, 12);
    expect(() => precisionRecallFscore(yTrue, yPred)).toThrow(/multiclass.*'binary'/);
    expect(() => precisionRecallFscore([0, 2], [2, 0])).toThrow(/posLabel 1 is not a valid label/);
  });

  it('multiclass Matthews correlation', () => {
    // C = [[1,1,0],[0,1,1],[1,0,1]]: (3·6 − 12) / √((36 − 12)·(36 − 12)) = 0.25
    expect(matthewsCorrcoef([0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 2, 0])).toBeCloseTo(0.25, 12);
    expect(matthewsCorrcoef([0, 1, 2], [0, 1, 2])).toBeCloseTo(1, 12);
  });

  it('rejects mismatched or non-integer inputs', () => {
    expect(() => accuracyScore([0, 1], [0])).toThrow(/yTrue has 2 entries but yPred has 1/);
    expect(() => accuracyScore([0, 0.5], [0, 1])).toThrow(/yTrue\[1\] is 0.5/);
    expect(() => precisionRecallFscore([0], [0], { average: 'samples' as never })).toThrow(MetricError);
  });
});

describe('metric functions over logits', () => {
  it('take the argmax and drop -100 rows', () => {
    const p = evalPrediction([0, -100, 1, 2], [0, 2, 1, 1], 3);
    expect(classPredictions(p)).toEqual({ yTrue: Int32Array.from([0, 1, 2]), yPred: Int32Array.from([0, 1, 1]) });
    expect(accuracy(p)).toEqual({ accuracy: 2 / 3 });
  });

  it('check the logits size', () => {
    expect(() => accuracy({ logits: new Float32Array(5), labels: Int32Array.from([0, 1]), numLabels: 3 })).toThrow(/5 values, but 2 labels × 3 classes/);
  });

  it('combine into a report; binary for two classes, macro otherwise', () => {
    const two = classificationMetrics()(evalPrediction([0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1], 2));
    expect(two.accuracy).toBeCloseTo(5 / 6, 12);
    expect(two.f1).toBeCloseTo(6 / 7, 12);
    expect(Object.keys(two).sort()).toEqual(['accuracy', 'f1', 'matthews_correlation', 'precision', 'recall']);
    const three = classificationMetrics()(evalPrediction([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3));
    expect(three.f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });

  it('custom metrics are plain functions; duplicate keys are refused', () => {
    const errors = (p: EvalPrediction) => ({ errors: classPredictions(p).yTrue.filter((t, i) => t !== classPredictions(p).yPred[i]).length });
    const m = combineMetrics(accuracy, errors, precisionRecallF1({ average: 'macro', suffix: '_macro' }), matthewsCorrelation);
    const out = m(evalPrediction([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], 3));
    expect(out.errors).toBe(4);
    expect(out.f1_macro).toBeCloseTo(0.8 / 3, 12);
    expect(() => combineMetrics(accuracy, accuracy)(evalPrediction([0], [0], 2))).toThrow(/both return 'accuracy'/);
  });
});
