import { readFileSync } from 'node:fs';
import { crossEntropy, Generator, gradcheck, loadSafetensors, logSoftmax, rand, randn, softmax, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, cosineEmbeddingLoss, huberLoss, klDiv, l1Loss, marginRankingLoss, smoothL1Loss } from './functional';
import { BCEWithLogitsLoss, CrossEntropyLoss, KLDivLoss, MSELoss } from './modules';
import { assetPath } from '../../../../test-utils/assets';

const gen = new Generator(11);
const f64 = (shape: number[], lo = -2, hi = 2) => rand(shape, { dtype: 'float64', low: lo, high: hi, generator: gen }).requiresGrad_();
const t64 = (v: number[] | number[][]) => tensor(v, { dtype: 'float64' });
const num = (t: Tensor) => t.itemSync();

describe('loss values match the PyTorch formulas', () => {
  it('L1, smooth L1, Huber, MSE', () => {
    const x = t64([0.2, -1.5, 3]);
    const y = t64([0, 0, 0]);
    expect(num(l1Loss(x, y))).toBeCloseTo((0.2 + 1.5 + 3) / 3, 12);
    expect(num(smoothL1Loss(x, y))).toBeCloseTo((0.5 * 0.04 + (1.5 - 0.5) + (3 - 0.5)) / 3, 12);
    expect(num(smoothL1Loss(x, y, { beta: 2, reduction: 'sum' }))).toBeCloseTo((0.5 * 0.04) / 2 + (0.5 * 2.25) / 2 + (3 - 1), 12);
    expect(num(huberLoss(x, y, { delta: 2, reduction: 'sum' }))).toBeCloseTo(0.5 * 0.04 + 0.5 * 2.25 + 2 * (3 - 1), 12);
    expect(num(new MSELoss().call(x, y))).toBeCloseTo((0.04 + 2.25 + 9) / 3, 12);
    expect(() => l1Loss(x, t64([1, 2]))).toThrow(/differ/);
  });

  it('BCE with logits equals BCE on sigmoid, with pos_weight scaling the positive term', () => {
    const x = t64([
      [-3, 0.5],
      [2, 10],
    ]);
    const y = t64([
      [0, 1],
      [1, 0],
    ]);
    expect(num(binaryCrossEntropyWithLogits(x, y))).toBeCloseTo(num(binaryCrossEntropy(x.sigmoid(), y)), 10);
    const pw = t64([3, 1]);
    const manual = [
      [-3, 0, 1],
      [0.5, 1, 1],
      [2, 1, 3],
      [10, 0, 1],
    ].map(([xi, yi, w]) => {
      const s = 1 / (1 + Math.exp(-xi));
      return -(w * yi * Math.log(s) + (1 - yi) * Math.log(1 - s));
    });
    expect(num(new BCEWithLogitsLoss({ posWeight: pw, reduction: 'sum' }).call(x, y))).toBeCloseTo(
      manual.reduce((a, b) => a + b),
      10,
    );
  });

  it('KL divergence: zero targets contribute zero; log targets agree; batchmean divides by the batch', () => {
    const logq = logSoftmax(
      t64([
        [1, 2, 3],
        [0, 0, 1],
      ]),
      -1,
    );
    const p = t64([
      [0.5, 0.5, 0],
      [0.2, 0.3, 0.5],
    ]);
    const q = logq.exp().arraySync() as number[][];
    const pv = p.arraySync() as number[][];
    let sum = 0;
    pv.forEach((row, i) => row.forEach((pij, j) => (sum += pij > 0 ? pij * (Math.log(pij) - Math.log(q[i][j])) : 0)));
    expect(num(klDiv(logq, p, { reduction: 'sum' }))).toBeCloseTo(sum, 12);
    expect(num(klDiv(logq, p, { reduction: 'batchmean' }))).toBeCloseTo(sum / 2, 12);
    expect(num(klDiv(logq, p, { reduction: 'mean' }))).toBeCloseTo(sum / 6, 12);
    const logP = t64([[-1, -2, -0.5]]).logSoftmax();
    expect(num(new KLDivLoss({ reduction: 'sum', logTarget: true }).call(logq.narrow(0, 0, 1), logP))).toBeCloseTo(
      num(klDiv(logq.narrow(0, 0, 1), logP.exp(), { reduction: 'sum' })),
      12,
    );
  });

  it('cosine embedding and margin ranking', () => {
    const a = t64([
      [1, 0],
      [1, 1],
    ]);
    const b = t64([
      [1, 0],
      [1, -1],
    ]);
    const y = t64([1, -1]);
    // pair 0 similar with cos 1 → 0; pair 1 dissimilar with cos 0 → max(0, 0 - (-0.5))
    expect(num(cosineEmbeddingLoss(a, b, y, { margin: -0.5, reduction: 'sum' }))).toBeCloseTo(0.5, 9);
    expect(num(marginRankingLoss(t64([1, 2]), t64([2, 1]), t64([1, 1]), { margin: 0.5 }))).toBeCloseTo((1.5 + 0) / 2, 12);
  });

  it('cross-entropy distillation terms match the torch fixture (KL batchmean · T²)', () => {
    const { tensors } = loadSafetensors(new Uint8Array(readFileSync(assetPath('fixtures', 'losses', 'ce-and-distill', 'io.safetensors'))));
    const logits = tensors.get('logits')!.requiresGrad_();
    const teacher = tensors.get('teacher_logits')!;
    const T = 2;
    const kl = klDiv(logSoftmax(logits.div(T), -1), softmax(teacher.div(T), -1), { reduction: 'batchmean' }).mul(T * T);
    expect(num(kl)).toBeCloseTo(tensors.get('kl_term')!.itemSync(), 5);
    const hard = new CrossEntropyLoss().call(logits, tensors.get('labels')!);
    const loss = kl.mul(0.7).add(hard.mul(0.3));
    expect(num(loss)).toBeCloseTo(tensors.get('distill_loss')!.itemSync(), 5);
    loss.backward();
    const g = logits.grad!.dataSync();
    const want = tensors.get('grad_distill')!.dataSync();
    want.forEach((w, i) => expect(Math.abs(g[i] - w)).toBeLessThan(1e-6));
    expect(num(crossEntropy(logits, tensors.get('labels')!, { labelSmoothing: 0.1 }))).toBeCloseTo(tensors.get('ce_smooth')!.itemSync(), 5);
  });
});

describe('loss gradients (float64 gradcheck)', () => {
  const labels = t64([
    [0, 1],
    [1, 1],
    [0, 0],
  ]);
  const cases: [string, (...x: Tensor[]) => Tensor, () => Tensor[]][] = [
    [
      'l1',
      (x) =>
        l1Loss(
          x,
          t64([
            [0.3, -0.2],
            [1, 2],
            [0, 0.5],
          ]),
        ),
      () => [f64([3, 2])],
    ],
    [
      'smoothL1',
      (x) =>
        smoothL1Loss(
          x,
          t64([
            [0.3, -0.2],
            [1, 2],
            [0, 0.5],
          ]),
          { beta: 0.7 },
        ),
      () => [f64([3, 2])],
    ],
    [
      'huber',
      (x) =>
        huberLoss(
          x,
          t64([
            [0.3, -0.2],
            [1, 2],
            [0, 0.5],
          ]),
          { delta: 0.6 },
        ),
      () => [f64([3, 2])],
    ],
    ['bceWithLogits', (x, pw) => binaryCrossEntropyWithLogits(x, labels, { posWeight: pw }), () => [f64([3, 2]), f64([2], 0.5, 3)]],
    ['bce', (p) => binaryCrossEntropy(p, labels), () => [f64([3, 2], 0.1, 0.9)]],
    ['klDiv', (x, t) => klDiv(logSoftmax(x, -1), softmax(t, -1), { reduction: 'batchmean' }), () => [f64([3, 4]), f64([3, 4])]],
    ['klDiv logTarget', (x, t) => klDiv(logSoftmax(x, -1), logSoftmax(t, -1), { logTarget: true }), () => [f64([3, 4]), f64([3, 4])]],
    ['cosineEmbedding', (a, b) => cosineEmbeddingLoss(a, b, t64([1, -1, -1]), { margin: -0.9 }), () => [f64([3, 4]), f64([3, 4])]],
    ['marginRanking', (a, b) => marginRankingLoss(a, b, t64([1, -1, 1]), { margin: 0.1 }), () => [f64([3]), f64([3])]],
  ];
  it.each(cases)('%s', (_name, fn, inputs) => {
    expect(gradcheck(fn, inputs())).toBe(true);
  });
  it('randn-based smoke: losses are finite on large logits', () => {
    const x = randn([4, 3], { dtype: 'float64', generator: gen }).mul(100);
    expect(Number.isFinite(num(binaryCrossEntropyWithLogits(x, x.gt(0).cast('float64'))))).toBe(true);
  });
});
