import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { ModelConfigError } from '../errors';
import { BertConfig, RobertaConfig } from './bert-config';
import { DistilBertConfig } from './distilbert-config';

const fixtureConfig = (name: string) => JSON.parse(readFileSync(assetPath('fixtures', 'models', name, 'config.json'), 'utf8')) as Record<string, unknown>;

/** The ModelConfigError `fn` throws. */
function configError(fn: () => unknown): ModelConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelConfigError) return e;
    throw e;
  }
  throw new Error('expected a ModelConfigError');
}

describe('configs mirror config.json', () => {
  it('have transformers’ defaults', () => {
    const bert = new BertConfig();
    expect([bert.vocab_size, bert.hidden_size, bert.num_hidden_layers, bert.num_attention_heads, bert.intermediate_size]).toEqual([30522, 768, 12, 12, 3072]);
    expect([bert.hidden_act, bert.hidden_dropout_prob, bert.attention_probs_dropout_prob, bert.classifier_dropout]).toEqual(['gelu', 0.1, 0.1, null]);
    expect([bert.max_position_embeddings, bert.type_vocab_size, bert.initializer_range, bert.layer_norm_eps, bert.pad_token_id]).toEqual([
      512, 2, 0.02, 1e-12, 0,
    ]);
    expect([bert.num_labels, bert.id2label, bert.label2id, bert.problem_type]).toEqual([2, { 0: 'LABEL_0', 1: 'LABEL_1' }, { LABEL_0: 0, LABEL_1: 1 }, null]);
    const roberta = new RobertaConfig();
    expect([roberta.vocab_size, roberta.pad_token_id, roberta.bos_token_id, roberta.eos_token_id, roberta.model_type]).toEqual([50265, 1, 0, 2, 'roberta']);
    const distil = new DistilBertConfig();
    expect([distil.dim, distil.n_layers, distil.n_heads, distil.hidden_dim, distil.dropout, distil.attention_dropout, distil.seq_classif_dropout]).toEqual([
      768, 6, 12, 3072, 0.1, 0.1, 0.2,
    ]);
    expect(distil.summary()).toMatchObject({ hiddenSize: 768, numLayers: 6, numHeads: 12, intermediateSize: 3072 });
  });

  it('write the fixtures’ config.json back exactly (same keys, order and values)', () => {
    for (const [name, Cls] of [
      ['bert-seqcls', BertConfig],
      ['bert-mlm', BertConfig],
      ['roberta-seqcls', RobertaConfig],
      ['distilbert-seqcls', DistilBertConfig],
    ] as const) {
      const json = fixtureConfig(name);
      const out = new Cls(json).toJSON();
      expect(out).toEqual(json);
      expect(Object.keys(out)).toEqual(Object.keys(json));
    }
  });

  it('write a fresh config with the keys transformers writes, sorted', () => {
    const json = fixtureConfig('bert-seqcls');
    const expected = Object.keys(json).filter((k) => !['architectures', 'dtype', 'transformers_version'].includes(k));
    expect(Object.keys(new BertConfig().toJSON())).toEqual(expected);
    // keys given to the constructor count as the file's: they come first, in their order
    expect(Object.keys(new BertConfig({ num_attention_heads: 4, hidden_size: 32 }).toJSON()).slice(0, 3)).toEqual([
      'num_attention_heads',
      'hidden_size',
      'add_cross_attention',
    ]);
  });

  it('keep unknown fields, in their place', () => {
    const json = { zeta: 1, hidden_size: 64, num_attention_heads: 4, custom_thing: { a: [1, 2] }, model_type: 'bert' };
    const config = new BertConfig(json);
    expect(config.extra('custom_thing')).toEqual({ a: [1, 2] });
    const keys = Object.keys(config.toJSON());
    expect(keys.slice(0, 5)).toEqual(['zeta', 'hidden_size', 'num_attention_heads', 'custom_thing', 'model_type']);
    config.setExtra('added_later', true);
    expect(config.toJSON().added_later).toBe(true);
    expect(new BertConfig(config.toJSON()).extra('zeta')).toBe(1);
  });

  it('derive num_labels from id2label and keep label2id consistent', () => {
    const config = new BertConfig({ id2label: { 0: 'neg', 1: 'neu', 2: 'pos' }, num_labels: 2 });
    expect(config.num_labels).toBe(3);
    expect(config.label2id).toEqual({ neg: 0, neu: 1, pos: 2 });
    const json = config.toJSON();
    expect(json.id2label).toEqual({ 0: 'neg', 1: 'neu', 2: 'pos' });
    expect(json.label2id).toEqual({ neg: 0, neu: 1, pos: 2 });
    config.num_labels = 5;
    expect(config.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2', 3: 'LABEL_3', 4: 'LABEL_4' });
    expect(config.label2id.LABEL_4).toBe(4);
    config.setLabels(['a', 'b']);
    expect([config.num_labels, config.label2id]).toEqual([2, { a: 0, b: 1 }]);
    expect(new BertConfig({ num_labels: 4 }).id2label[3]).toBe('LABEL_3');
    expect(new BertConfig({ label2id: { x: 1, y: 0 } }).id2label).toEqual({ 0: 'y', 1: 'x' });
  });

  it('leave the default two labels out of config.json, as transformers does', () => {
    expect(new BertConfig().toJSON()).not.toHaveProperty('id2label');
    expect(new BertConfig({ num_labels: 3 }).toJSON()).toHaveProperty('id2label');
  });

  it('with() replaces fields and an explicit num_labels replaces the label maps', () => {
    const config = new BertConfig({ id2label: { 0: 'a', 1: 'b' } });
    expect(config.with({ hidden_dropout_prob: 0 }).hidden_dropout_prob).toBe(0);
    expect(config.with({ hidden_dropout_prob: 0 }).id2label).toEqual({ 0: 'a', 1: 'b' });
    expect(config.with({ num_labels: 3 }).num_labels).toBe(3);
  });

  it('reject bad values with errors that name the field', () => {
    const cases: [() => unknown, string][] = [
      [() => new BertConfig({ hidden_size: -1 }), 'hidden_size'],
      [() => new BertConfig({ hidden_size: 30, num_attention_heads: 4 }), 'num_attention_heads'],
      [() => new BertConfig({ hidden_dropout_prob: 1.5 }), 'hidden_dropout_prob'],
      [() => new BertConfig({ classifier_dropout: 'x' }), 'classifier_dropout'],
      [() => new BertConfig({ hidden_act: 'swishy' }), 'hidden_act'],
      [() => new BertConfig({ position_embedding_type: 'relative_key' }), 'position_embedding_type'],
      [() => new BertConfig({ problem_type: 'ranking' }), 'problem_type'],
      [() => new BertConfig({ is_decoder: true }), 'is_decoder'],
      [() => new BertConfig({ id2label: { 0: 'a', 2: 'b' } }), 'id2label'],
      [() => new BertConfig({ id2label: { x: 'a' } }), 'id2label'],
      [() => new BertConfig({ id2label: { 0: 'a', 1: 'b' }, label2id: { a: 1, b: 0 } }), 'label2id'],
      [() => new BertConfig({ num_labels: 0 }), 'num_labels'],
      [() => new BertConfig({ model_type: 'roberta' }), 'model_type'],
      [() => new BertConfig({ pad_token_id: 99, vocab_size: 10 }), 'pad_token_id'],
      [() => new RobertaConfig({ max_position_embeddings: 2 }), 'max_position_embeddings'],
      [() => new DistilBertConfig({ dim: 10, n_heads: 3 }), 'n_heads'],
      [() => new DistilBertConfig({ activation: 'nope' }), 'activation'],
      [() => new BertConfig({ architectures: 'BertModel' }), 'architectures'],
    ];
    for (const [fn, field] of cases) {
      const e = configError(fn);
      expect(e.field, e.message).toBe(field);
      expect(e.code).toBe('model_config');
      expect(e.message).toContain(field);
    }
    expect(configError(() => new BertConfig({ hidden_act: 'swishy' })).message).toMatch(/gelu_new/);
    expect(configError(() => new BertConfig({ position_embedding_type: 'relative_key' })).message).toMatch(/absolute/);
    expect(() => new BertConfig([] as unknown as Record<string, unknown>)).toThrow(ModelConfigError);
  });

  it('accept the activations transformers names', () => {
    for (const act of ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu', 'silu', 'tanh']) expect(new BertConfig({ hidden_act: act }).hidden_act).toBe(act);
  });
});
