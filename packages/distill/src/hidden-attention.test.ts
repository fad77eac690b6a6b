/**
 * Hidden-state and attention-map distillation on BERTs from @graft/models: zero between a model
 * and itself, projections only when widths differ (and they train), padding left out, layer
 * maps checked, and no NaN gradients where attention probabilities are exactly 0.
 */
import { Generator, tensor } from '@graft/core';
import { BertConfig, BertForSequenceClassification } from '@graft/models';
import { describe, expect, it } from 'vitest';
import { attentionMapLoss } from './attention-maps';
import { DistillError } from './errors';
import { HiddenStateDistiller } from './hidden-states';
import { attentionLayerMap, keptLayerMap, modelShape, parseLayerMap, uniformLayerMap } from './layer-map';

const cfg = { vocab_size: 60, num_attention_heads: 2, max_position_embeddings: 16, num_labels: 3, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 };
const bertOf = (hidden: number, layers: number, seed: number, heads = 2) =>
  new BertForSequenceClassification(
    new BertConfig({ ...cfg, hidden_size: hidden, intermediate_size: 2 * hidden, num_hidden_layers: layers, num_attention_heads: heads }),
    { generator: new Generator(seed) },
  ).eval();
const inputs = () => ({
  inputIds: tensor(
    [
      [2, 7, 9, 11, 3, 8],
      [2, 5, 3, 0, 0, 0],
    ],
    { dtype: 'int32' },
  ),
  attentionMask: tensor(
    [
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0, 0],
    ],
    { dtype: 'int32' },
  ),
  outputHiddenStates: true,
  outputAttentions: true,
});

describe('layer maps', () => {
  it('pair layers evenly (last with last), from kept layers, and for attention', () => {
    expect(uniformLayerMap(6, 12)).toEqual({ 0: 0, 1: 2, 2: 4, 3: 6, 4: 8, 5: 10, 6: 12 });
    expect(uniformLayerMap(1, 2, { includeEmbeddings: false })).toEqual({ 1: 2 });
    expect(uniformLayerMap(2, 3)).toEqual({ 0: 0, 1: 2, 2: 3 });
    expect(keptLayerMap([0, 2, 4, 7, 9, 11])).toEqual({ 0: 0, 1: 1, 2: 3, 3: 5, 4: 8, 5: 10, 6: 12 });
    expect(attentionLayerMap(uniformLayerMap(2, 4))).toEqual({ 0: 1, 1: 3 });
    expect(modelShape(bertOf(16, 2, 1))).toEqual({ numLayers: 2, hiddenSize: 16, numHeads: 2 });
    expect(modelShape(bertOf(16, 2, 1), { numLayers: 5 }).numLayers).toBe(5);
    expect(parseLayerMap('1:2, 2:4')).toEqual({ 1: 2, 2: 4 });
    expect(() => parseLayerMap('1:2,1:3')).toThrow(/maps student 1 twice/);
    expect(() => parseLayerMap('1-2')).toThrow(/'1-2' is not student:teacher/);
  });
});

describe('hidden-state distillation', () => {
  it('is zero between a model and itself, with no projection at equal widths', () => {
    const m = bertOf(16, 2, 1);
    const out = m.call(inputs());
    const d = new HiddenStateDistiller({
      student: { numLayers: 2, hiddenSize: 16 },
      teacher: { numLayers: 2, hiddenSize: 16 },
      layerMap: uniformLayerMap(2, 2),
    });
    expect(d.parameters()).toEqual([]);
    expect(d.call(out.hiddenStates!, out.hiddenStates!, inputs().attentionMask).itemSync()).toBe(0);
  });

  it('projects a narrower student (shared or per layer) and trains the projection', () => {
    const teacher = bertOf(16, 4, 1);
    const student = bertOf(8, 2, 2);
    const shared = new HiddenStateDistiller({
      student: { numLayers: 2, hiddenSize: 8 },
      teacher: { numLayers: 4, hiddenSize: 16 },
      layerMap: uniformLayerMap(2, 4),
      generator: new Generator(0),
    });
    expect(Object.keys(shared.stateDict())).toEqual(['projection.weight', 'projection.bias']);
    expect(shared.pairs).toEqual([
      [0, 0],
      [1, 2],
      [2, 4],
    ]);
    const perLayer = new HiddenStateDistiller({
      student: { numLayers: 2, hiddenSize: 8 },
      teacher: { numLayers: 4, hiddenSize: 16 },
      layerMap: { 2: 4 },
      projection: 'per-layer',
    });
    expect(Object.keys(perLayer.stateDict())).toEqual(['projections.2.weight', 'projections.2.bias']);
    const t = teacher.call(inputs()).hiddenStates!;
    const s = student.call(inputs()).hiddenStates!;
    const loss = shared.call(s, t, inputs().attentionMask);
    // by hand: the mean over pairs of the MSE over real tokens and features
    const mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
    let want = 0;
    for (const [si, ti] of shared.pairs) {
      const p = shared.project(s[si], si).dataSync();
      const q = t[ti].dataSync();
      let sum = 0;
      for (let i = 0; i < p.length; i++) sum += mask[Math.floor(i / 16)] * (p[i] - q[i]) ** 2;
      want += sum / (9 * 16);
    }
    expect(loss.itemSync()).toBeCloseTo(want / 3, 6);
    loss.backward();
    expect(shared.projection!.weight.grad).not.toBeNull();
    expect(student.bert.embeddings.word_embeddings.weight.grad).not.toBeNull();
    expect(teacher.bert.embeddings.word_embeddings.weight.grad).toBeNull();
  });

  it('leaves padding positions out: changing them does not change the loss', () => {
    const m = bertOf(16, 2, 1);
    const d = new HiddenStateDistiller({ student: { numLayers: 2, hiddenSize: 16 }, teacher: { numLayers: 2, hiddenSize: 16 }, layerMap: { 2: 2 } });
    const a = m.call(inputs()).hiddenStates!;
    const noisy = a.map((h) => h.add(tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5]).reshape([2, 6, 1])));
    expect(d.call(noisy, a, inputs().attentionMask).itemSync()).toBe(0);
    expect(d.call(noisy, a, null).itemSync()).toBeGreaterThan(1);
  });

  it('refuses maps to layers that do not exist, and models without hidden states', () => {
    const mk = (layerMap: Record<number, number>) =>
      new HiddenStateDistiller({ student: { numLayers: 2, hiddenSize: 8 }, teacher: { numLayers: 4, hiddenSize: 8 }, layerMap });
    expect(() => mk({ 3: 4 })).toThrow(/student index 3 does not exist \(the student has 3: 0\.\.2\)/);
    expect(() => mk({ 1: 5 })).toThrow(/teacher index 5 \(for student 1\) does not exist/);
    expect(() => mk({})).toThrow(DistillError);
    expect(() => mk({ 1: 1 }).call(undefined as never, [])).toThrow(/returned no hiddenStates.*outputHiddenStates: true/);
  });
});

describe('attention-map distillation', () => {
  it('is zero between a model and itself (KL and MSE), positive between two models, with finite gradients', () => {
    const teacher = bertOf(16, 2, 1);
    const student = bertOf(16, 2, 2);
    const mask = inputs().attentionMask;
    const t = teacher.call(inputs()).attentions!;
    for (const loss of ['kl', 'mse'] as const) {
      expect(
        attentionMapLoss(
          t,
          t,
          [
            [0, 0],
            [1, 1],
          ],
          { loss, attentionMask: mask },
        ).itemSync(),
      ).toBeCloseTo(0, 7);
    }
    const s = student.call(inputs()).attentions!;
    expect(s[0].shape).toEqual([2, 2, 6, 6]);
    // the padded keys of row 2 are exactly 0 on both sides: the KL's gradient must not be NaN there
    expect(
      s[0]
        .slice([
          [1, 2],
          [0, 1],
          [0, 1],
          [3, 6],
        ])
        .dataSync()
        .every((v) => v === 0),
    ).toBe(true);
    const kl = attentionMapLoss(
      s,
      t,
      [
        [0, 0],
        [1, 1],
      ],
      { attentionMask: mask },
    );
    expect(kl.itemSync()).toBeGreaterThan(0);
    kl.backward();
    const g = student.bert.encoder.layer[0].attention.self.query.weight.grad!.dataSync();
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.some((v) => v !== 0)).toBe(true);
  });

  it('KL per query row over real queries, by hand; models with other head counts compare head means', () => {
    const teacher = bertOf(16, 1, 1, 4);
    const student = bertOf(16, 1, 2, 2);
    const mask = inputs().attentionMask;
    const t = teacher.call(inputs()).attentions!;
    const s = student.call(inputs()).attentions!;
    const got = attentionMapLoss(s, t, [[0, 0]], { attentionMask: mask }).itemSync();
    const tm = t[0].mean(1).arraySync() as number[][][];
    const sm = s[0].mean(1).arraySync() as number[][][];
    const maskRows = mask.arraySync() as number[][];
    let sum = 0;
    let rows = 0;
    for (let b = 0; b < 2; b++) {
      for (let q = 0; q < 6; q++) {
        if (!maskRows[b][q]) continue;
        rows++;
        for (let k = 0; k < 6; k++) if (tm[b][q][k] > 0) sum += tm[b][q][k] * (Math.log(tm[b][q][k]) - Math.log(Math.max(sm[b][q][k], 1e-12)));
      }
    }
    expect(got).toBeCloseTo(sum / rows, 5);
  });
});
