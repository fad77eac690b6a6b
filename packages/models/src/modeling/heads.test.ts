import { Generator, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { BertConfig, RobertaConfig } from '../config/bert-config';
import { DistilBertConfig } from '../config/distilbert-config';
import { ModelInputError } from '../errors';
import { BertForMaskedLM, BertForQuestionAnswering, BertForSequenceClassification, BertForTokenClassification, BertModel } from './bert';
import { DistilBertForMaskedLM, DistilBertForSequenceClassification, SinusoidalEmbedding } from './distilbert';
import { positionIdsFromInputIds, RobertaForMaskedLM, RobertaForSequenceClassification } from './roberta';

const small = { vocab_size: 50, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 20 };
const ids = () =>
  tensor(
    [
      [2, 7, 9, 11, 3],
      [2, 5, 3, 0, 0],
    ],
    { dtype: 'int32' },
  );
const mask = () =>
  tensor(
    [
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
    ],
    { dtype: 'int32' },
  );
const gen = () => new Generator(7);

const rows = (t: Tensor) => t.arraySync() as number[][];
const logSoftmax = (xs: number[]) => {
  const m = Math.max(...xs);
  const lse = m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
  return xs.map((x) => x - lse);
};

describe('sequence classification picks its loss as transformers does', () => {
  it('one label: regression (MSE)', () => {
    const model = new BertForSequenceClassification(new BertConfig({ ...small, num_labels: 1 }), { generator: gen() }).eval();
    const labels = tensor([0.5, -1.25]);
    const out = model.call({ inputIds: ids(), attentionMask: mask(), labels });
    const logits = rows(out.logits).map((r) => r[0]);
    const expected = ((logits[0] - 0.5) ** 2 + (logits[1] + 1.25) ** 2) / 2;
    expect(out.loss!.itemSync()).toBeCloseTo(expected, 6);
    expect(model.config.problem_type).toBe('regression');
  });

  it('int labels: single-label cross-entropy', () => {
    const model = new BertForSequenceClassification(new BertConfig({ ...small, num_labels: 3 }), { generator: gen() }).eval();
    const out = model.call({ inputIds: ids(), attentionMask: mask(), labels: tensor([2, 0], { dtype: 'int32' }) });
    const lp = rows(out.logits).map(logSoftmax);
    expect(out.loss!.itemSync()).toBeCloseTo(-(lp[0][2] + lp[1][0]) / 2, 6);
    expect(model.config.problem_type).toBe('single_label_classification');
  });

  it('float labels: multi-label BCE with logits', () => {
    const model = new BertForSequenceClassification(new BertConfig({ ...small, num_labels: 3 }), { generator: gen() }).eval();
    const targets = [
      [1, 0, 1],
      [0, 0, 1],
    ];
    const out = model.call({ inputIds: ids(), attentionMask: mask(), labels: tensor(targets, { dtype: 'float32' }) });
    const logits = rows(out.logits);
    let sum = 0;
    logits.forEach((r, i) => r.forEach((x, j) => (sum += Math.max(x, 0) - x * targets[i][j] + Math.log1p(Math.exp(-Math.abs(x))))));
    expect(out.loss!.itemSync()).toBeCloseTo(sum / 6, 6);
    expect(model.config.problem_type).toBe('multi_label_classification');
  });

  it('problem_type from the config wins, and wrong labels are named', () => {
    const model = new BertForSequenceClassification(new BertConfig({ ...small, problem_type: 'single_label_classification' }), { generator: gen() });
    expect(() => model.call({ inputIds: ids(), labels: tensor([0.5, 1]) })).toThrow(ModelInputError);
    expect(() => model.call({ inputIds: ids(), labels: tensor([0, 1, 1], { dtype: 'int32' }) })).toThrow(/labels: takes one class id per sequence/);
    const reg = new BertForSequenceClassification(new BertConfig({ ...small, problem_type: 'regression' }), { generator: gen() });
    expect(
      reg.call({
        inputIds: ids(),
        labels: tensor([
          [0, 1],
          [1, 0],
        ]),
      }).loss!.shape,
    ).toEqual([]);
    expect(() => reg.call({ inputIds: ids(), labels: tensor([1, 0]) })).toThrow(/regression with 2 outputs takes \[2, 2\]/);
  });

  it('DistilBERT and RoBERTa classifiers follow the same rules', () => {
    const d = new DistilBertForSequenceClassification(
      new DistilBertConfig({ vocab_size: 50, dim: 16, n_layers: 1, n_heads: 2, hidden_dim: 32, num_labels: 1 }),
      {
        generator: gen(),
      },
    );
    d.call({ inputIds: ids(), labels: tensor([1, 2], { dtype: 'float32' }) });
    expect(d.config.problem_type).toBe('regression');
    const r = new RobertaForSequenceClassification(new RobertaConfig({ ...small, max_position_embeddings: 22 }), { generator: gen() });
    r.call({
      inputIds: ids(),
      labels: tensor(
        [
          [1, 0],
          [0, 1],
        ],
        { dtype: 'float32' },
      ),
    });
    expect(r.config.problem_type).toBe('multi_label_classification');
  });
});

describe('token tasks', () => {
  it('token classification: cross-entropy over positions, -100 ignored', () => {
    const model = new BertForTokenClassification(new BertConfig({ ...small, num_labels: 4 }), { generator: gen() }).eval();
    const labels = [
      [-100, 1, 2, 3, -100],
      [-100, 0, -100, -100, -100],
    ];
    const out = model.call({ inputIds: ids(), attentionMask: mask(), labels: tensor(labels, { dtype: 'int32' }) });
    expect(out.logits.shape).toEqual([2, 5, 4]);
    const logits = out.logits.arraySync() as number[][][];
    let sum = 0;
    let n = 0;
    labels.forEach((r, i) =>
      r.forEach((y, j) => {
        if (y === -100) return;
        sum -= logSoftmax(logits[i][j])[y];
        n++;
      }),
    );
    expect(out.loss!.itemSync()).toBeCloseTo(sum / n, 6);
    expect(() => model.call({ inputIds: ids(), labels: tensor([1, 2], { dtype: 'int32' }) })).toThrow(/labels: token labels must be \[2, 5\]/);
  });

  it('question answering: mean of start and end cross-entropy, out-of-range positions ignored', () => {
    const model = new BertForQuestionAnswering(new BertConfig(small), { generator: gen() }).eval();
    const out = model.call({
      inputIds: ids(),
      attentionMask: mask(),
      startPositions: tensor([1, 9], { dtype: 'int32' }),
      endPositions: tensor([3, 2], { dtype: 'int32' }),
    });
    expect([out.logits.shape, out.startLogits.shape, out.endLogits.shape]).toEqual([
      [2, 5, 2],
      [2, 5],
      [2, 5],
    ]);
    const s = rows(out.startLogits).map(logSoftmax);
    const e = rows(out.endLogits).map(logSoftmax);
    // start position 9 is clamped to the length (5) and ignored
    const expected = (-s[0][1] + -(e[0][3] + e[1][2]) / 2) / 2;
    expect(out.loss!.itemSync()).toBeCloseTo(expected, 6);
  });

  it('masked LM: the decoder is the word embedding matrix, and the loss ignores -100', () => {
    for (const model of [
      new BertForMaskedLM(new BertConfig(small), { generator: gen() }),
      new RobertaForMaskedLM(new RobertaConfig({ ...small, max_position_embeddings: 22 }), { generator: gen() }),
      new DistilBertForMaskedLM(new DistilBertConfig({ vocab_size: 50, dim: 16, n_layers: 1, n_heads: 2, hidden_dim: 32 }), { generator: gen() }),
    ]) {
      model.eval();
      const labels = tensor(
        [
          [-100, 4, -100, -100, -100],
          [-100, -100, 6, -100, -100],
        ],
        { dtype: 'int32' },
      );
      const out = model.call({ inputIds: ids(), attentionMask: mask(), labels });
      expect(out.logits.shape).toEqual([2, 5, 50]);
      const logits = out.logits.arraySync() as number[][][];
      expect(out.loss!.itemSync()).toBeCloseTo(-(logSoftmax(logits[0][1])[4] + logSoftmax(logits[1][2])[6]) / 2, 5);
      out.loss!.backward();
      const tied = Object.entries(model.tiedWeights());
      expect(tied.length).toBeGreaterThan(0);
      for (const [alias, source] of tied) expect(model.stateDict()[alias]).toBe(model.stateDict()[source]);
      // one parameter, one gradient: the word embeddings collect the decoder's gradient too
      const names = [...model.namedParameters()].map(([k]) => k);
      for (const [alias] of tied) expect(names).not.toContain(alias);
    }
  });

  it('untied MLM decoders have their own weight when tie_word_embeddings is false', () => {
    const model = new BertForMaskedLM(new BertConfig({ ...small, tie_word_embeddings: false }), { generator: gen() });
    expect(model.cls.predictions.decoder.weight).not.toBe(model.bert.embeddings.word_embeddings.weight);
    expect(Object.keys(model.tiedWeights())).toEqual(['cls.predictions.decoder.bias']);
  });
});

describe('models', () => {
  it('switch dropout with train() and eval()', () => {
    const model = new BertForSequenceClassification(new BertConfig({ ...small, hidden_dropout_prob: 0.5, attention_probs_dropout_prob: 0.5 }), {
      generator: gen(),
    });
    const run = () => Array.from(model.call({ inputIds: ids(), attentionMask: mask() }).logits.dataSync());
    model.train();
    expect(run()).not.toEqual(run());
    model.eval();
    expect(run()).toEqual(run());
  });

  it('return hidden states and attention probabilities on request, with the same result', () => {
    const model = new BertModel(new BertConfig(small), { generator: gen() }).eval();
    const plain = model.call({ inputIds: ids(), attentionMask: mask() });
    const full = model.call({ inputIds: ids(), attentionMask: mask(), outputHiddenStates: true, outputAttentions: true });
    expect(full.hiddenStates).toHaveLength(3);
    expect(full.attentions).toHaveLength(2);
    expect(Array.from(full.hiddenStates![2].dataSync())).toEqual(Array.from(full.lastHiddenState.dataSync()));
    const a = plain.lastHiddenState.dataSync();
    full.lastHiddenState.dataSync().forEach((v, i) => expect(Math.abs(v - a[i])).toBeLessThan(1e-5));
    const probs = full.attentions![0].arraySync() as number[][][][];
    expect(full.attentions![0].shape).toEqual([2, 2, 5, 5]);
    for (const row of probs[1][0]) {
      expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
      expect(row.slice(3)).toEqual([0, 0]);
    }
    expect(plain.poolerOutput!.shape).toEqual([2, 16]);
  });

  it('check their inputs and name the field', () => {
    const model = new BertModel(new BertConfig(small), { generator: gen() });
    const cases: [object, string][] = [
      [{ inputIds: tensor([[1, 2]], { dtype: 'float32' }) }, 'inputIds'],
      [{ inputIds: tensor([1, 2], { dtype: 'int32' }) }, 'inputIds'],
      [{ inputIds: ids(), attentionMask: tensor([[1, 1]], { dtype: 'int32' }) }, 'attentionMask'],
      [{ inputIds: ids(), tokenTypeIds: tensor([[0, 0, 0, 0, 0]], { dtype: 'int32' }) }, 'tokenTypeIds'],
      [{ inputIds: ids(), positionIds: tensor([0, 1], { dtype: 'int32' }) }, 'positionIds'],
      [{ inputIds: tensor([new Array(21).fill(1)], { dtype: 'int32' }) }, 'inputIds'],
      [{}, 'inputIds'],
    ];
    for (const [inputs, field] of cases) {
      try {
        model.call(inputs as never);
        expect.fail(`no error for ${field}`);
      } catch (e) {
        expect(e).toBeInstanceOf(ModelInputError);
        expect((e as ModelInputError).field).toBe(field);
      }
    }
  });

  it('number RoBERTa positions from the padding id, skipping padding', () => {
    const pos = positionIdsFromInputIds(
      tensor(
        [
          [0, 5, 6, 1, 1],
          [1, 1, 7, 8, 9],
        ],
        { dtype: 'int32' },
      ),
      1,
    );
    expect(pos.dtype).toBe('int32');
    expect(pos.arraySync()).toEqual([
      [2, 3, 4, 1, 1],
      [1, 1, 2, 3, 4],
    ]);
    const model = new RobertaForSequenceClassification(new RobertaConfig({ ...small, max_position_embeddings: 6 }), { generator: gen() });
    expect(() => model.call({ inputIds: tensor([[0, 5, 6, 7, 8]], { dtype: 'int32' }) })).toThrow(/exceeds what RoBERTa's positions allow/);
    expect(model.call({ inputIds: tensor([[0, 5, 6, 7]], { dtype: 'int32' }) }).logits.shape).toEqual([1, 2]);
  });

  it('initialise fresh models as transformers’ _init_weights', () => {
    const model = new BertForMaskedLM(new BertConfig({ ...small, vocab_size: 400 }), { generator: gen() });
    const word = model.bert.embeddings.word_embeddings.weight.arraySync() as number[][];
    expect(word[0].every((v) => v === 0)).toBe(true);
    const flat = word.slice(1).flat();
    const std = Math.sqrt(flat.reduce((s, v) => s + v * v, 0) / flat.length);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    expect(Array.from(model.bert.embeddings.LayerNorm.weight!.dataSync()).every((v) => v === 1)).toBe(true);
    expect(Array.from(model.cls.predictions.bias.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(model.bert.encoder.layer[0].attention.self.query.bias!.dataSync()).every((v) => v === 0)).toBe(true);
    const again = new BertForMaskedLM(new BertConfig({ ...small, vocab_size: 400 }), { generator: gen() });
    expect(Array.from(again.bert.encoder.layer[1].output.dense.weight.dataSync())).toEqual(
      Array.from(model.bert.encoder.layer[1].output.dense.weight.dataSync()),
    );
  });

  it('give DistilBERT fixed sinusoidal positions when asked', () => {
    const model = new DistilBertForSequenceClassification(
      new DistilBertConfig({ vocab_size: 50, dim: 4, n_layers: 1, n_heads: 2, hidden_dim: 8, max_position_embeddings: 3, sinusoidal_pos_embds: true }),
      { generator: gen() },
    );
    const pos = model.distilbert.embeddings.position_embeddings;
    expect(pos).toBeInstanceOf(SinusoidalEmbedding);
    expect(pos.weight.requiresGrad).toBe(false);
    const w = pos.weight.arraySync() as number[][];
    expect(w[0]).toEqual([0, 1, 0, 1]);
    expect(w[2][0]).toBeCloseTo(Math.sin(2), 6);
    expect(w[2][3]).toBeCloseTo(Math.cos(2 / 100), 6);
  });
});
