/**
 * A student started from a subset of the teacher's layers (the DistilBERT recipe), on state dicts
 * with HF names: BERT and DistilBERT configs through @graft/models, and a plain nn Module.
 */
import { Generator, tensor, type Tensor } from '@graft/core';
import { BertConfig, BertForSequenceClassification, DistilBertConfig, DistilBertForSequenceClassification } from '@graft/models';
import { Linear, Module } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { DistillError } from './errors';
import { evenlySpacedLayers, initStudentFromTeacher, studentStateFromTeacher } from './init-student';

const bert = { vocab_size: 60, hidden_size: 16, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 16, num_labels: 3 };
const ids = tensor(
  [
    [2, 7, 9, 11, 3],
    [2, 5, 3, 0, 0],
  ],
  { dtype: 'int32' },
);
const mask = tensor(
  [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 0, 0],
  ],
  { dtype: 'int32' },
);
const same = (a: Tensor, b: Tensor) => Array.from(a.dataSync()).every((v, i) => v === b.dataSync()[i]);

describe('initStudentFromTeacher', () => {
  it("keeps DistilBERT's layers by default: evenly spaced, first and last", () => {
    expect(evenlySpacedLayers(6, 12)).toEqual([0, 2, 4, 7, 9, 11]); // distilbert-base-uncased's extraction
    expect(evenlySpacedLayers(2, 4)).toEqual([0, 3]);
    expect(evenlySpacedLayers(1, 2)).toEqual([0]);
    expect(evenlySpacedLayers(3, 3)).toEqual([0, 1, 2]);
  });

  it('copies embeddings, heads and the kept layers (BERT 4 → 2 layers), renumbering the keys', () => {
    const teacher = new BertForSequenceClassification(new BertConfig({ ...bert, num_hidden_layers: 4 }), { generator: new Generator(1) }).eval();
    const student = new BertForSequenceClassification(new BertConfig({ ...bert, num_hidden_layers: 2 }), { generator: new Generator(2) }).eval();
    const report = initStudentFromTeacher(student, teacher, { layers: [1, 3] });
    expect(report.layers).toEqual([1, 3]);
    expect(report.notInTeacher).toEqual([]);
    expect(report.copied.length).toBe(Object.keys(student.stateDict()).length);
    expect(report.layerMap).toEqual({ 0: 0, 1: 2, 2: 4 });
    const t = teacher.stateDict();
    const s = student.stateDict();
    expect(same(s['bert.encoder.layer.0.attention.self.query.weight'], t['bert.encoder.layer.1.attention.self.query.weight'])).toBe(true);
    expect(same(s['bert.encoder.layer.1.output.LayerNorm.bias'], t['bert.encoder.layer.3.output.LayerNorm.bias'])).toBe(true);
    expect(same(s['bert.embeddings.word_embeddings.weight'], t['bert.embeddings.word_embeddings.weight'])).toBe(true);
    expect(same(s['classifier.weight'], t['classifier.weight'])).toBe(true);
    expect(same(s['bert.pooler.dense.weight'], t['bert.pooler.dense.weight'])).toBe(true);
    // copies, not shared tensors: training the student leaves the teacher alone
    expect(s['classifier.weight']).not.toBe(t['classifier.weight']);
  });

  it('a student keeping every layer computes exactly what the teacher computes', () => {
    const teacher = new BertForSequenceClassification(new BertConfig({ ...bert, num_hidden_layers: 2 }), { generator: new Generator(3) }).eval();
    const student = new BertForSequenceClassification(new BertConfig({ ...bert, num_hidden_layers: 2 }), { generator: new Generator(4) }).eval();
    initStudentFromTeacher(student, teacher);
    expect(same(student.call({ inputIds: ids, attentionMask: mask }).logits, teacher.call({ inputIds: ids, attentionMask: mask }).logits)).toBe(true);
  });

  it('works for DistilBERT names (distilbert.transformer.layer.N) and reports heads the teacher lacks', () => {
    const d = { vocab_size: 60, dim: 16, n_heads: 2, hidden_dim: 32, max_position_embeddings: 16, num_labels: 2 };
    const teacher = new DistilBertForSequenceClassification(new DistilBertConfig({ ...d, n_layers: 4 }), { generator: new Generator(5) });
    const student = new DistilBertForSequenceClassification(new DistilBertConfig({ ...d, n_layers: 2 }), { generator: new Generator(6) });
    const { tensors, report } = (() => {
      const teacherSd = new Map(Object.entries(teacher.stateDict()).filter(([k]) => !k.startsWith('classifier.')));
      const r = studentStateFromTeacher(teacherSd, student.stateDict());
      return { tensors: r.stateDict, report: r.report };
    })();
    expect(report.layers).toEqual([0, 3]);
    expect(report.notInTeacher.sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(tensors.get('distilbert.transformer.layer.1.ffn.lin1.weight')).toBe(teacher.stateDict()['distilbert.transformer.layer.3.ffn.lin1.weight']);
  });

  it('works on any nn Module whose keys number their layers', () => {
    class Stack extends Module {
      layer: Linear[];
      head: Linear;
      constructor(n: number, seed: number) {
        super();
        const generator = new Generator(seed);
        this.layer = Array.from({ length: n }, () => new Linear(4, 4, { generator }));
        this.head = new Linear(4, 2, { generator });
      }
      forward(x: Tensor): Tensor {
        return this.head.call(this.layer.reduce((h, l) => l.call(h).relu(), x));
      }
    }
    const teacher = new Stack(6, 1);
    const student = new Stack(3, 2);
    // keys are 'layer.N.weight': no prefix before 'layer', so the pattern is given
    const report = initStudentFromTeacher(student, teacher, { layerPattern: /^(layer)\.(\d+)\.(.+)$/ });
    expect(report.layers).toEqual([0, 3, 5]);
    expect(same(student.layer[1].weight, teacher.layer[3].weight)).toBe(true);
    expect(same(student.head.bias!, teacher.head.bias!)).toBe(true);
  });

  it('refuses shapes that differ, naming the key, and copies nothing', () => {
    const teacher = new BertForSequenceClassification(new BertConfig({ ...bert, num_hidden_layers: 2 }), { generator: new Generator(1) });
    const narrow = new BertForSequenceClassification(new BertConfig({ ...bert, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1 }), {
      generator: new Generator(2),
    });
    const before = narrow.stateDict()['classifier.bias'].dataSync().slice();
    let err: DistillError | null = null;
    try {
      initStudentFromTeacher(narrow, teacher);
    } catch (e) {
      err = e as DistillError;
    }
    expect(err).toBeInstanceOf(DistillError);
    expect(err!.code).toBe('distill_init_mismatch');
    expect(err!.field).toBe('bert.embeddings.word_embeddings.weight');
    expect(err!.message).toContain("'bert.encoder.layer.0.attention.self.query.weight' [8, 8] ← 'bert.encoder.layer.0.attention.self.query.weight' [16, 16]");
    expect(Array.from(narrow.stateDict()['classifier.bias'].dataSync())).toEqual(Array.from(before));
  });

  it('refuses layer lists that do not fit', () => {
    const teacher = new BertForSequenceClassification(new BertConfig({ ...bert, num_hidden_layers: 2 }), { generator: new Generator(1) });
    const student = new BertForSequenceClassification(new BertConfig({ ...bert, num_hidden_layers: 1 }), { generator: new Generator(2) });
    expect(() => initStudentFromTeacher(student, teacher, { layers: [0, 1] })).toThrow(/lists 2 teacher layers, but the student has 1/);
    expect(() => initStudentFromTeacher(student, teacher, { layers: [2] })).toThrow(/teacher layer 2, but the teacher has layers 0\.\.1/);
    expect(() => initStudentFromTeacher(student, teacher, { layerPattern: /^(.*\.block)\.(\d+)\.(.+)$/ })).toThrow(/no layer keys in the student match/);
  });
});
